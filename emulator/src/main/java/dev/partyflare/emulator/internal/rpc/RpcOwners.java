package dev.partyflare.emulator.internal.rpc;

import dev.partyflare.emulator.internal.exec.EventContext;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Finds the {@link RpcOwner} of the code running now: its Durable Object, the Worker owner whose
 * call it is, or (one per Worker event, or per thread outside any event) a new Worker owner.
 */
final class RpcOwners {
    /** Worker events (or, outside any event, threads) and their owners; gone with them. */
    private static final Map<Object, WorkerRpcOwner> WORKERS = new WeakHashMap<>();

    private RpcOwners() {}

    static RpcOwner current() {
        EventContext ec = EventContext.current();
        if (ec != null && ec.owner() instanceof RpcOwner.Source source) {
            return source.rpcOwner();
        }
        Object key = ec != null ? ec : Thread.currentThread();
        synchronized (WORKERS) {
            WorkerRpcOwner owner = WORKERS.get(key);
            if (owner == null) {
                owner = new WorkerRpcOwner();
                WORKERS.put(key, owner);
                if (ec != null && !ec.outlivesEvent()) {
                    ec.whenEnded(owner::end); // a request's exports end with it, as on workerd
                }
            }
            return owner;
        }
    }
}
