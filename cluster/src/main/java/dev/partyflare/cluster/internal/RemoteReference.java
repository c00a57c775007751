package dev.partyflare.cluster.internal;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;

/**
 * An RpcTarget or a function as it crosses nodes (docs/cluster.md, "RPC by reference"): the node
 * that exported it and the lease under which that node holds it for the receiver. In an RPC's
 * arguments or result (where the emulator puts a JSON copy, or a local reference starting with a
 * zero byte) it travels as a one byte, the lease in decimal, a space and the node's address
 * ({@code pekko://partyflare@host:port}): no JSON value starts with that byte either.
 */
record RemoteReference(Address node, long lease) {
    private static final byte MARK = 1;

    static boolean is(byte[] wire) {
        return wire != null && wire.length > 2 && wire[0] == MARK;
    }

    byte[] wire() {
        byte[] text = (lease + " " + node).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[text.length + 1];
        out[0] = MARK;
        System.arraycopy(text, 0, out, 1, text.length);
        return out;
    }

    static RemoteReference of(byte[] wire) {
        String text = new String(wire, 1, wire.length - 1, StandardCharsets.UTF_8);
        int space = text.indexOf(' ');
        return new RemoteReference(
                AddressFromURIString.parse(text.substring(space + 1)), Long.parseLong(text.substring(0, space)));
    }
}
