package dev.partyflare.emulator.internal.runtime;

import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.ServiceBinding;
import dev.partyflare.emulator.internal.exec.EventContext;

/** A service binding: the target Worker is looked up at each call, so a reload takes effect. */
final class ServiceBindingImpl implements ServiceBinding {
    private final DurableRuntime runtime;
    private final String binding;
    private final String service;

    ServiceBindingImpl(DurableRuntime runtime, String binding, String service) {
        this.runtime = runtime;
        this.binding = binding;
        this.service = service;
    }

    @Override
    public String service() {
        return service;
    }

    @Override
    public Response fetch(Request request) {
        java.util.Objects.requireNonNull(request, "request");
        try {
            return EventContext.awaitIo(() -> runtime.serviceFetch(service, request));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "ServiceBinding[" + binding + " -> " + service + "]";
    }
}
