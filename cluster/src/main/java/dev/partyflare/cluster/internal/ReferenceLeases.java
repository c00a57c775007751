package dev.partyflare.cluster.internal;

import dev.partyflare.emulator.RpcReferences;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.Address;

/**
 * This node's exports held for other nodes (docs/cluster.md, "RPC by reference"): each {@link
 * RemoteReference} sent out is one lease, one reference to a local export, released when its holder
 * says so (its stand-in's last stub was disposed), when its holder leaves the cluster or crashes, or
 * when the call that carried it got no answer (its holder unknown). A lease sent in a routed call
 * does not know its holder until the answer names the node that ran the call.
 */
final class ReferenceLeases {
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentHashMap<Long, Lease> leases = new ConcurrentHashMap<>();

    private static final class Lease {
        final RpcReferences.Held held;
        volatile Address holder;

        Lease(RpcReferences.Held held, Address holder) {
            this.held = held;
            this.holder = holder;
        }
    }

    /** Lends {@code held} to {@code holder} (null: not known yet); returns the lease id. */
    long lend(RpcReferences.Held held, Address holder) {
        long id = ids.incrementAndGet();
        leases.put(id, new Lease(held, holder));
        return id;
    }

    /** The export a lease holds, or null when it was released. */
    RpcReferences.Held get(long id) {
        Lease l = leases.get(id);
        return l == null ? null : l.held;
    }

    /** Ends a lease without releasing its reference, which the caller takes over; null when gone. */
    RpcReferences.Held take(long id) {
        Lease l = leases.remove(id);
        return l == null ? null : l.held;
    }

    /** Its holder is done with it (idempotent). */
    void release(long id) {
        Lease l = leases.remove(id);
        if (l != null) {
            l.held.release();
        }
    }

    /** The holder of a lease is known now (it may have been released meanwhile). */
    void heldBy(long id, Address holder) {
        Lease l = leases.get(id);
        if (l != null) {
            l.holder = holder;
        }
    }

    /** A node left or crashed: what it held is released. */
    void releaseHeldBy(Address node) {
        leases.forEach((id, l) -> {
            if (node.equals(l.holder)) {
                release(id);
            }
        });
    }

    /** This node stops: everything it lent is released. */
    void releaseAll() {
        leases.keySet().forEach(this::release);
    }

    int size() {
        return leases.size();
    }
}
