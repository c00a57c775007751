package dev.partyflare.durable;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Worker's bindings ({@code env}): Durable Object namespaces by binding name, service bindings
 * to other Workers ({@code [[services]]}), and vars from {@code [vars]} (strings, numbers, booleans
 * or JSON objects).
 */
public interface Env {

    /**
     * The namespace bound as {@code binding} ({@code env.CHAT}).
     *
     * @throws IllegalArgumentException when no such Durable Object binding exists; the message lists
     *     the ones that do
     */
    DurableObjectNamespace namespace(String binding);

    /** The var {@code name} as a string (JSON text for non-string values), or empty. */
    Optional<String> var(String name);

    /** Every var as declared: {@code String}, {@code Number}, {@code Boolean}, maps or lists. */
    Map<String, Object> vars();

    /** The names of the Durable Object namespace bindings, in declaration order. */
    Set<String> namespaceNames();

    /**
     * The service binding {@code binding} ({@code env.AUTH}), a client of another Worker.
     *
     * @throws IllegalArgumentException when no such service binding exists; the message lists the
     *     ones that do
     */
    default ServiceBinding service(String binding) {
        throw new IllegalArgumentException("No service binding named \"" + binding + "\"; this env has none."
                + " Add it under [[services]] in wrangler.toml.");
    }

    /** The names of the service bindings, in declaration order. */
    default Set<String> serviceNames() {
        return Set.of();
    }

    /** Every binding name: namespaces, services and vars. */
    Set<String> bindingNames();
}
