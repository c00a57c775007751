package dev.partyflare.durable;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Worker's bindings ({@code env}): Durable Object namespaces by binding name, and vars from
 * {@code [vars]} (strings, numbers, booleans or JSON objects).
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

    /** Every binding name: namespaces and vars. */
    Set<String> bindingNames();
}
