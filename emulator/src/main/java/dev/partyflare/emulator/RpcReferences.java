package dev.partyflare.emulator;

import dev.partyflare.emulator.internal.rpc.WireReferences;
import java.util.Objects;

/**
 * SPI: RPC by reference through an {@link ObjectRouter} (docs/cluster.md, "RPC by reference").
 * In the arguments {@link ObjectRouter#rpc} hands a router, and in the result a router answers, an
 * {@link dev.partyflare.durable.RpcTarget} or a function travels as a <em>reference</em> (a value
 * for which {@link #isReference} is true) to an export of this JVM, not as JSON. A router that
 * carries a call to another node turns each reference into something that node can call back
 * ({@link #hold}, {@link Held#call}), and each one it receives into a local stand-in ({@link
 * #stand}), whose calls it carries back.
 *
 * <p>Who holds what: a reference in the arguments of {@link ObjectRouter#rpc} (and of {@link
 * Remote#call}) carries no reference of its own (the caller keeps its export alive until the call
 * returns); a reference that a router puts in such arguments must stay valid until the call
 * returns, and the router drops it afterwards. A reference in a result carries one reference, which
 * its reader takes over.
 *
 * <p>Used by {@code partyflare-cluster}; not for application code.
 */
public final class RpcReferences {
    /** workerd's error for a call on a stub whose owner is gone (reset, evicted, its request ended). */
    public static final String GONE = "The execution context which hosts this callback is no longer running.";

    private RpcReferences() {}

    /** True when {@code wire} (an RPC argument or result) is a reference, not a JSON copy. */
    public static boolean isReference(byte[] wire) {
        return WireReferences.isReference(wire);
    }

    /**
     * One more reference to the export {@code wire} names, held (for another node) until {@link
     * Held#release}.
     *
     * @throws IllegalStateException ({@code The execution context which hosts this callback is no
     *     longer running.}) when it is gone
     */
    public static Held hold(byte[] wire) {
        return new Held(WireReferences.hold(wire));
    }

    /** Takes over the one reference a result's {@code wire} carries. */
    public static Held adopt(byte[] wire) {
        return new Held(WireReferences.adopt(wire));
    }

    /** Drops the one reference {@code wire} carries (a result nobody reads, a stand-in after its call). */
    public static void release(byte[] wire) {
        WireReferences.release(wire);
    }

    /**
     * A stand-in for a target that lives elsewhere: a reference (carrying its first reference) whose
     * stubs call {@code remote}; when its last reference here is gone, {@link Remote#released()} is
     * called once.
     */
    public static byte[] stand(Remote remote) {
        Objects.requireNonNull(remote, "remote");
        return WireReferences.stand(new WireReferences.Remote() {
            @Override
            public byte[] call(String method, byte[][] args) {
                return remote.call(method, args);
            }

            @Override
            public void released() {
                remote.released();
            }

            @Override
            public String toString() {
                return remote.toString();
            }
        });
    }

    /** How many exports (targets passed by reference, and stand-ins) this JVM holds: for leak tests. */
    public static int exports() {
        return WireReferences.exports();
    }

    /** A target elsewhere, as a stand-in calls it. */
    public interface Remote {
        /**
         * One call, its arguments and result in wire form (as {@link ObjectRouter#rpc}'s); throws
         * what the caller of the stub should see ({@code RuntimeException}s pass as they are).
         */
        byte[] call(String method, byte[][] args);

        /** The stand-in's last reference here is gone. */
        void released();
    }

    /** A reference to an export of this JVM, held for someone elsewhere. */
    public static final class Held {
        private final WireReferences.Held held;

        private Held(WireReferences.Held held) {
            this.held = held;
        }

        /**
         * Runs one call on the export as its own stubs' calls run (in its owner, behind the owner's
         * input gate, the answer after its output gate), arguments and result in wire form; the
         * target's errors as {@link dev.partyflare.durable.DurableObjectException}s with {@code
         * remote}, a gone owner as an {@link IllegalStateException}.
         */
        public byte[] call(String method, byte[][] args) {
            return held.call(method, args);
        }

        /** Drops the reference (once). */
        public void release() {
            held.release();
        }

        /** Gives the reference away as a wire value that carries it (a result's, or an argument to drop after). */
        public byte[] toWire() {
            return held.toWire();
        }

        @Override
        public String toString() {
            return held.toString();
        }
    }
}
