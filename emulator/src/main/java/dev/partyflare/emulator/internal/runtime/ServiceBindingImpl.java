package dev.partyflare.emulator.internal.runtime;

import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.ServiceBinding;
import dev.partyflare.emulator.internal.exec.EventContext;
import dev.partyflare.emulator.internal.rpc.RpcProxy;
import dev.partyflare.emulator.internal.rpc.RpcValues;
import java.lang.reflect.Type;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * A service binding: the target Worker is looked up at each call, so a reload takes effect. Each
 * call is outbound I/O for the caller (an object's input gate opens while it waits); RPC arguments
 * and results cross as a Durable Object stub's do ({@link RpcValues}).
 */
final class ServiceBindingImpl implements ServiceBinding {
    private final DurableRuntime runtime;
    private final String binding;
    private final DurableRuntime.ServiceTarget target;

    ServiceBindingImpl(DurableRuntime runtime, String binding, DurableRuntime.ServiceTarget target) {
        this.runtime = runtime;
        this.binding = binding;
        this.target = target;
    }

    @Override
    public String service() {
        return target.service();
    }

    @Override
    public Optional<String> entrypoint() {
        return Optional.ofNullable(target.entrypoint());
    }

    @Override
    public Response fetch(Request request) {
        java.util.Objects.requireNonNull(request, "request");
        return awaitIo(() -> runtime.serviceFetch(target, request));
    }

    @Override
    public <R> R call(Class<R> resultType, String method, Object... args) {
        return resultType.cast(callTyped(resultType, null, method, args == null ? new Object[0] : args));
    }

    private Object callTyped(Type resultType, Type[] parameterTypes, String method, Object[] args) {
        RpcValues.Outgoing out = new RpcValues.Outgoing();
        try {
            byte[][] serialized = out.encodeAll(args, parameterTypes);
            return RpcValues.decodeResult(awaitIo(() -> runtime.serviceRpc(target, method, serialized)), resultType);
        } finally {
            out.release(); // the callee's parameter stubs are disposed by now
        }
    }

    @Override
    public <T> T rpc(Class<T> api) {
        return RpcProxy.of(api, "entrypoint", () -> "RPC stub of " + this, this::callTyped);
    }

    private static <T> T awaitIo(Callable<T> call) {
        try {
            return EventContext.awaitIo(call);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "ServiceBinding[" + binding + " -> " + service()
                + (target.entrypoint() == null ? "" : "#" + target.entrypoint()) + "]";
    }
}
