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
 *
 * <p>An export may also stand for a target that lives elsewhere ({@link Remote}: on another node of
 * a cluster, through an {@link dev.partyflare.emulator.ObjectRouter}): its calls go there, and when
 * its last reference here is gone the remote side is told.
 */
final class Export {
    private final long id;
    private final Object target;
    private final List<Class<?>> api;
    private final RpcOwner owner;
    private final WireReferences.Remote remote;
    private final AtomicInteger refs = new AtomicInteger(1);

    Export(long id, Object target, RpcOwner owner) {
        this.id = id;
        this.target = target;
        this.api = ByReference.api(target.getClass());
        this.owner = owner;
        this.remote = null;
    }

    Export(long id, WireReferences.Remote remote) {
        this.id = id;
        this.target = null;
        this.api = List.of();
        this.owner = null;
        this.remote = remote;
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
            if (remote != null) {
                remote.released();
            }
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
            Throwable[] failed = {null};
            byte[] result;
            try {
                result = EventContext.awaitIo(() -> {
                    try {
                        return invoke(method.getName(), encoded);
                    } catch (RuntimeException | Error e) {
                        failed[0] = e; // as the caller sees it, thrown once its gate is back
                        return null;
                    }
                });
            } catch (RpcOwner.GoneException e) {
                throw new IllegalStateException(RpcOwner.GONE);
            } catch (DurableObjectException | ActorResetError e) {
                throw e;
            } catch (Exception | Error e) {
                throw RpcInvoker.remote(e);
            }
            if (failed[0] instanceof RuntimeException e) {
                throw e;
            }
            if (failed[0] instanceof Error e) {
                throw e;
            }
            return RpcValues.decodeResult(result, method.getGenericReturnType());
        } finally {
            out.release();
        }
    }

    /**
     * Runs one call of {@code method} with its arguments in wire form (copies, or references
     * carrying no reference of their own) and answers the wire result, which carries one reference
     * when it is a stub. Errors as the caller sees them: the target's as remote {@link
     * DurableObjectException}s, a gone owner as {@link RpcOwner#GONE}.
     */
    byte[] invoke(String method, byte[][] args) {
        if (remote != null) {
            return remote.call(method, args);
        }
        try {
            return owner.run(() -> RpcInvoker.invokeExported(target, method, args));
        } catch (RpcOwner.GoneException e) {
            throw new IllegalStateException(RpcOwner.GONE);
        } catch (DurableObjectException | ActorResetError e) {
            throw e;
        } catch (Exception | Error e) {
            throw RpcInvoker.remote(e);
        }
    }

    @Override
    public String toString() {
        if (remote != null) {
            return "RPC stub of " + remote;
        }
        return "RPC stub of "
                + (api.isEmpty() ? target.getClass().getName() : api.getFirst().getName());
    }
}
