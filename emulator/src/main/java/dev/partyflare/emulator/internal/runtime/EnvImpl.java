package dev.partyflare.emulator.internal.runtime;

import dev.partyflare.durable.DurableObjectNamespace;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.ServiceBinding;
import dev.partyflare.emulator.internal.json.Json;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A Worker's {@code env}: namespaces, service bindings and vars. */
final class EnvImpl implements Env {
    private final Map<String, ? extends DurableObjectNamespace> namespaces;
    private final Map<String, ? extends ServiceBinding> services;
    private final Map<String, Object> vars;

    EnvImpl(Map<String, ? extends DurableObjectNamespace> namespaces, Map<String, Object> vars) {
        this(namespaces, Map.of(), vars);
    }

    EnvImpl(
            Map<String, ? extends DurableObjectNamespace> namespaces,
            Map<String, ? extends ServiceBinding> services,
            Map<String, Object> vars) {
        this.namespaces = namespaces;
        this.services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
        this.vars = Collections.unmodifiableMap(new LinkedHashMap<>(vars));
    }

    /** This env with {@code newNamespaces} and {@code newServices} in place of its bindings. */
    EnvImpl with(
            Map<String, ? extends DurableObjectNamespace> newNamespaces,
            Map<String, ? extends ServiceBinding> newServices) {
        return new EnvImpl(newNamespaces, newServices, vars);
    }

    /** This env with {@code newServices} in place of its service bindings. */
    EnvImpl withServices(Map<String, ? extends ServiceBinding> newServices) {
        return new EnvImpl(namespaces, newServices, vars);
    }

    @Override
    public ServiceBinding service(String binding) {
        ServiceBinding s = services.get(binding);
        if (s == null) {
            throw new IllegalArgumentException("No service binding named \""
                    + binding
                    + "\"; the service bindings are "
                    + services.keySet()
                    + ". Add it under [[services]] in wrangler.toml (or EmulatorOptions.Builder.service).");
        }
        return s;
    }

    @Override
    public Set<String> serviceNames() {
        return services.keySet();
    }

    @Override
    public DurableObjectNamespace namespace(String binding) {
        DurableObjectNamespace ns = namespaces.get(binding);
        if (ns == null) {
            throw new IllegalArgumentException("No Durable Object binding named \""
                    + binding
                    + "\"; the bindings are "
                    + namespaces.keySet()
                    + ". Add it under [[durable_objects.bindings]] in wrangler.toml.");
        }
        return ns;
    }

    @Override
    public Optional<String> var(String name) {
        Object v = vars.get(name);
        if (v == null) {
            return Optional.empty();
        }
        return Optional.of(v instanceof String s ? s : Json.writeString(v));
    }

    @Override
    public Map<String, Object> vars() {
        return vars;
    }

    @Override
    public Set<String> namespaceNames() {
        return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(namespaces.keySet()));
    }

    @Override
    public Set<String> bindingNames() {
        Set<String> names = new LinkedHashSet<>(namespaces.keySet());
        names.addAll(services.keySet());
        names.addAll(vars.keySet());
        return names;
    }

    @Override
    public String toString() {
        return "Env" + bindingNames();
    }
}
