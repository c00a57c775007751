package dev.partyflare.emulator.internal.rpc;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The exports of this JVM by id, and their wire form: a reference travels through the byte-array
 * RPC path (and {@link dev.partyflare.emulator.ObjectRouter}) as a zero byte followed by its id,
 * which no JSON value starts with.
 */
final class ExportTable {
    private static final ConcurrentHashMap<Long, Export> EXPORTS = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();

    private ExportTable() {}

    /** Exports {@code target}, owned by the code running now; the caller holds its first reference. */
    static Export export(Object target) {
        Export e = new Export(IDS.incrementAndGet(), target, RpcOwners.current());
        EXPORTS.put(e.id(), e);
        return e;
    }

    /** A stand-in for a target that lives elsewhere; the caller holds its first reference. */
    static Export importRemote(WireReferences.Remote remote) {
        Export e = new Export(IDS.incrementAndGet(), remote);
        EXPORTS.put(e.id(), e);
        return e;
    }

    /** How many exports this JVM holds (tests: nothing leaks). */
    static int size() {
        return EXPORTS.size();
    }

    static void remove(long id) {
        EXPORTS.remove(id);
    }

    static boolean isReference(byte[] wire) {
        return wire != null && wire.length > 1 && wire[0] == 0;
    }

    static byte[] wire(Export e) {
        byte[] digits = Long.toString(e.id()).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[digits.length + 1];
        System.arraycopy(digits, 0, out, 1, digits.length);
        return out;
    }

    /** The export a wire reference names; fails when it is not of this JVM (or long released). */
    static Export resolve(byte[] wire) {
        long id = Long.parseLong(new String(wire, 1, wire.length - 1, StandardCharsets.US_ASCII));
        Export e = EXPORTS.get(id);
        if (e == null) {
            throw new IllegalStateException(RpcOwner.GONE);
        }
        return e;
    }
}
