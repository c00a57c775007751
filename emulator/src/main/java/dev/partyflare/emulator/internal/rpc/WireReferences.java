package dev.partyflare.emulator.internal.rpc;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The references of the byte-array RPC path seen from outside the emulator (what {@link
 * dev.partyflare.emulator.RpcReferences} offers a router): holding an export for another node,
 * calling it for that node, and standing in for another node's export here.
 */
public final class WireReferences {
    private WireReferences() {}

    /** One reference to an export of this JVM, held for someone elsewhere until {@link #release}. */
    public static final class Held {
        private final Export export;
        private final AtomicBoolean done = new AtomicBoolean();

        private Held(Export export) {
            this.export = export;
        }

        public byte[] call(String method, byte[][] args) {
            if (done.get()) {
                throw new IllegalStateException(RpcOwner.GONE);
            }
            return export.invoke(method, args);
        }

        /** Drops the reference (once; later calls do nothing). */
        public void release() {
            if (done.compareAndSet(false, true)) {
                export.release();
            }
        }

        /** Gives the reference away as a wire value that carries it; this handle is spent. */
        public byte[] toWire() {
            if (!done.compareAndSet(false, true)) {
                throw new IllegalStateException(RpcOwner.GONE);
            }
            return ExportTable.wire(export);
        }

        @Override
        public String toString() {
            return export.toString();
        }
    }

    public static boolean isReference(byte[] wire) {
        return ExportTable.isReference(wire);
    }

    /** One more reference to the export {@code wire} names. */
    public static Held hold(byte[] wire) {
        Export e = ExportTable.resolve(wire);
        e.retain();
        return new Held(e);
    }

    /** Takes over the reference {@code wire} carries (a result's). */
    public static Held adopt(byte[] wire) {
        return new Held(ExportTable.resolve(wire));
    }

    /** Drops the reference {@code wire} carries. */
    public static void release(byte[] wire) {
        ExportTable.resolve(wire).release();
    }

    /** The remote side of a stand-in. */
    public interface Remote {
        /** Calls {@code method} with the wire arguments, answers the wire result (or throws as the target did). */
        byte[] call(String method, byte[][] args);

        /** The last reference here is gone (once). */
        void released();
    }

    /** A stand-in for {@code remote}, as a wire value carrying its first reference. */
    public static byte[] stand(Remote remote) {
        Export e = ExportTable.importRemote(remote);
        return ExportTable.wire(e);
    }

    public static int exports() {
        return ExportTable.size();
    }
}
