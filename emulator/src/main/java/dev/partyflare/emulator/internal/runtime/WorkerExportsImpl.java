package dev.partyflare.emulator.internal.runtime;

import dev.partyflare.durable.DurableObjectNamespace;
import dev.partyflare.durable.ServiceBinding;
import dev.partyflare.durable.WorkerExports;
import dev.partyflare.emulator.internal.actor.ActorNamespace;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code ctx.exports} of one Worker: loopback service bindings to its entrypoints and its classes'
 * namespaces, looked up at each call so that a reload takes effect.
 */
final class WorkerExportsImpl implements WorkerExports {
    private final DurableRuntime runtime;
    private final String worker;

    WorkerExportsImpl(DurableRuntime runtime, String worker) {
        this.runtime = runtime;
        this.worker = worker;
    }

    @Override
    public ServiceBinding entrypoint(String name, Map<String, Object> props) {
        boolean isDefault = name.equals("default");
        if (!isDefault && !runtime.entrypointNames(worker).contains(name)) {
            throw new IllegalArgumentException("The Worker \"" + worker + "\" exports no entrypoint named \"" + name
                    + "\"; its exports are " + names());
        }
        return new ServiceBindingImpl(
                runtime,
                "ctx.exports." + name,
                new DurableRuntime.ServiceTarget(worker, isDefault ? null : name, props == null ? Map.of() : props));
    }

    @Override
    public DurableObjectNamespace namespace(String className) {
        ActorNamespace ns = runtime.classesOf(worker).get(className);
        if (ns == null) {
            throw new IllegalArgumentException("The Worker \"" + worker + "\" exports no Durable Object class named \""
                    + className + "\"; its exports are " + names());
        }
        return ns;
    }

    @Override
    public Set<String> names() {
        Set<String> out = new LinkedHashSet<>();
        out.add("default");
        out.addAll(runtime.entrypointNames(worker));
        out.addAll(runtime.classesOf(worker).keySet());
        return java.util.Collections.unmodifiableSet(out);
    }

    @Override
    public String toString() {
        return "ctx.exports of Worker " + worker + " " + names();
    }
}
