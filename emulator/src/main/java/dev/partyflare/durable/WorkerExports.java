package dev.partyflare.durable;

import java.util.Map;
import java.util.Set;

/**
 * The Worker's own exports as bindings ({@code ctx.exports}, loopback bindings): each entrypoint
 * (the default one and the named ones) as a service binding, each Durable Object class of the Worker
 * as its namespace, without declaring a binding for them. {@code ctx.exports.Admin} is {@code
 * ctx.exports().entrypoint("Admin")}, {@code ctx.exports.Admin({props})} is {@code
 * entrypoint("Admin", props)}, {@code ctx.exports.Room} is {@code namespace("Room")}.
 */
public interface WorkerExports {

    /**
     * The entrypoint {@code name} ({@code "default"} for the default export) as a service binding with
     * no props.
     *
     * @throws IllegalArgumentException when the Worker has no such entrypoint; the message lists them
     */
    default ServiceBinding entrypoint(String name) {
        return entrypoint(name, Map.of());
    }

    /** The entrypoint {@code name} as a service binding whose calls see {@code props} as ctx.props. */
    ServiceBinding entrypoint(String name, Map<String, Object> props);

    /**
     * The namespace of the Worker's Durable Object class {@code className} (its simple name, as the JS
     * export is named): the same objects as the Worker's binding to that class.
     *
     * @throws IllegalArgumentException when the Worker has no such class; the message lists them
     */
    DurableObjectNamespace namespace(String className);

    /** The export names: {@code default}, the named entrypoints, the Durable Object classes. */
    Set<String> names();
}
