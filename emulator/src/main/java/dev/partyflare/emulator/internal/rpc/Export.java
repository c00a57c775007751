package dev.partyflare.emulator.internal.rpc;

import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.emulator.internal.exec.ActorResetError;
import dev.partyflare.emulator.internal.exec.EventContext;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An object passed by reference (an {@link dev.partyflare.durable.RpcTarget} or a function), as
 * its owner exported it: what the stubs that reach it call. It stays in the {@link ExportTable}
 * while something references it: a stub not yet disposed, or a call or result in flight.
 */
final class Export {
    private final long id;
    private final Object target;
    private final List<Class<?>> api;
    private final RpcOwner owner;
    private final AtomicInteger refs = new AtomicInteger(1);

    Export(long id, Object target, RpcOwner owner) {
        this.id = id;
        this.target = target;
        this.api = ByReference.api(target.getClass());
        this.owner = owner;
    }

    long id() {
        return id;
    }

    /** The interfaces a stub of this export offers when the receiver declares none. */
    List<Class<?>> api() {
        return api;
    }

    void retain() {
        refs.incrementAndGet();
    }

    void release() {
        if (refs.decrementAndGet() == 0) {
            ExportTable.remove(id);
        }
    }

    /**
     * Calls {@code method} on the target in its owner, as outbound I/O for the caller (its input
     * gate opens meanwhile). Arguments and result cross as any RPC's do: copied, or by reference.
     */
    Object call(Method method, Object[] args) {
        RpcValues.Outgoing out = new RpcValues.Outgoing();
        try {
            byte[][] encoded = out.encodeAll(args, method.getGenericParameterTypes());
            byte[] result;
            try {
                result = EventContext.awaitIo(
                        () -> owner.run(() -> RpcInvoker.invokeExported(target, method.getName(), encoded)));
            } catch (RpcOwner.GoneException e) {
                throw new IllegalStateException(RpcOwner.GONE);
            } catch (DurableObjectException | ActorResetError e) {
                throw e;
            } catch (Exception | Error e) {
                throw RpcInvoker.remote(e);
            }
            return RpcValues.decodeResult(result, method.getGenericReturnType());
        } finally {
            out.release();
        }
    }

    @Override
    public String toString() {
        return "RPC stub of "
                + (api.isEmpty() ? target.getClass().getName() : api.getFirst().getName());
    }
}
