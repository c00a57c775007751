package dev.partyflare.cluster.internal;

import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.emulator.RpcReferences;

/**
 * What a stand-in here calls for an RpcTarget or a function another node exported: its calls go to
 * that node's {@link ReferenceRelay}, and when the stand-in's last stub here is disposed, that node
 * is told to release its lease. Once the node is gone (left, or removed after a crash), calls fail
 * at once with {@link #LOST}.
 */
final class ImportedReference implements RpcReferences.Remote {
    /** workerd's text for a call over a connection that broke (the node holding the target is gone). */
    static final String LOST = "Network connection lost.";

    private final RemoteReference ref;
    private final ReferenceRelay relay;
    private volatile boolean gone;

    ImportedReference(RemoteReference ref, ReferenceRelay relay) {
        this.ref = ref;
        this.relay = relay;
    }

    RemoteReference ref() {
        return ref;
    }

    /** Its node is gone: nothing to call, nothing to release there. */
    void gone() {
        gone = true;
    }

    static DurableObjectException lost() {
        return DurableObjectException.builder("Error", LOST).build();
    }

    @Override
    public byte[] call(String method, byte[][] args) {
        if (gone) {
            throw lost();
        }
        return relay.callRemote(this, method, args);
    }

    @Override
    public void released() {
        relay.forget(this, gone);
    }

    @Override
    public String toString() {
        return "lease " + ref.lease() + " of " + ref.node();
    }
}
