package dev.partyflare.emulator.internal.rpc;

import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.RpcStub;
import dev.partyflare.durable.ServiceBinding;
import dev.partyflare.emulator.internal.json.Json;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire form of RPC arguments and results: a copy as JSON, or, for what travels by reference
 * ({@link ByReference}), a reference to an {@link Export} that the receiver reads as a stub.
 */
public final class RpcValues {
    private RpcValues() {}

    /**
     * The arguments of one outgoing call. Each reference holds its export until {@link #release()},
     * called once the call returned: by then the receiver holds stubs of its own, or disposed them.
     */
    public static final class Outgoing {
        private final List<Export> held = new ArrayList<>();

        /** {@code args} as sent, each declared as {@code types[i]} ({@code types} null: untyped). */
        public byte[][] encodeAll(Object[] args, Type[] types) {
            byte[][] out = new byte[args.length][];
            for (int i = 0; i < args.length; i++) {
                out[i] = encode(args[i], types == null ? null : types[i]);
            }
            return out;
        }

        private byte[] encode(Object value, Type declared) {
            Export e = reference(value, declared);
            if (e == null) {
                return value == null ? null : Json.write(value);
            }
            held.add(e);
            return ExportTable.wire(e);
        }

        public void release() {
            for (Export e : held) {
                e.release();
            }
            held.clear();
        }
    }

    /** A result as sent; a reference in it holds its export until the caller reads it. */
    static byte[] encodeResult(Object value, Type declared) {
        Export e = reference(value, declared);
        return e == null ? (value == null ? null : Json.write(value)) : ExportTable.wire(e);
    }

    /** The export {@code value} travels as (with a reference for the caller), or null: a copy. */
    private static Export reference(Object value, Type declared) {
        if (value == null) {
            return null;
        }
        rejectUnclonable(value);
        if (!ByReference.travels(value, declared)) {
            return null;
        }
        StubHandle received = StubHandle.of(value);
        return received != null ? received.share() : ExportTable.export(value);
    }

    /** What workerd refuses to send (observed on workerd 1.20260426.1), with its texts. */
    private static void rejectUnclonable(Object value) {
        String type = null;
        if (value instanceof DurableObjectStub || RpcProxy.targetOf(value).equals("object")) {
            type = "DurableObject";
        } else if (value instanceof DurableObjectId) {
            type = "DurableObjectId";
        } else if (value instanceof ServiceBinding || RpcProxy.targetOf(value).equals("entrypoint")) {
            throw new IllegalArgumentException("ServiceStub serialization requires the 'experimental' compat flag.");
        }
        if (type != null) {
            throw new IllegalArgumentException(
                    "Could not serialize object of type \"" + type + "\". This type does not support serialization.");
        }
    }

    /** True when {@code wire} is a reference (a stub), not a copy. */
    public static boolean isReference(byte[] wire) {
        return ExportTable.isReference(wire);
    }

    /**
     * A result as the caller reads it, declared as {@code declared}: a copy, or a stub the caller
     * owns (and closes). A reference to a void result is dropped.
     */
    public static Object decodeResult(byte[] wire, Type declared) {
        if (!ExportTable.isReference(wire)) {
            if (wire == null || declared == void.class || declared == Void.class) {
                return null;
            }
            return Json.read(wire, declared);
        }
        Export e = ExportTable.resolve(wire);
        try {
            if (declared == void.class || declared == Void.class) {
                return null;
            }
            return StubHandle.proxy(e, stubType(declared));
        } finally {
            e.release(); // the result's own reference: the stub holds one now
        }
    }

    /** Drops a result nobody reads (a call that failed after its result was made). */
    public static void discard(byte[] wire) {
        if (ExportTable.isReference(wire)) {
            ExportTable.resolve(wire).release();
        }
    }

    /** An argument as the callee reads it: a copy, or a stub added to {@code received}. */
    static Object decodeArgument(byte[] wire, Type declared, List<RpcStub> received) {
        if (!ExportTable.isReference(wire)) {
            return wire == null ? null : Json.read(wire, declared);
        }
        Object stub = StubHandle.proxy(ExportTable.resolve(wire), stubType(declared));
        received.add((RpcStub) stub);
        return stub;
    }

    private static Class<?> stubType(Type declared) {
        Class<?> raw = ByReference.raw(declared);
        if (raw == null || raw == Object.class || raw == RpcStub.class) {
            return null;
        }
        if (!raw.isInterface()) {
            throw new IllegalArgumentException("An RpcTarget or function arrived where " + raw.getName()
                    + " is declared; declare an interface it implements (one extending RpcTarget, or a"
                    + " functional interface)");
        }
        return raw;
    }
}
