package dev.partyflare.cluster.internal;

import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.durable.Headers;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The bytes of requests, responses, RPC calls and errors between nodes: a small length-prefixed
 * format of our own (no Java serialization, no dependency on the receiving side's classes).
 */
public final class Codec {
    private Codec() {}

    /** A request: method, URL, headers in order (original spelling), body. */
    public static byte[] request(Request r) {
        return write(out -> {
            out.writeUTF(r.method());
            writeString(out, r.url());
            writeHeaders(out, r.headers());
            writeBytes(out, r.hasBody() ? r.bytes() : null);
        });
    }

    public static Request request(byte[] bytes) {
        return read(bytes, in -> {
            Request.Builder b = Request.builder(in.readUTF(), readString(in));
            b.headers(readHeaders(in));
            byte[] body = readBytes(in);
            if (body != null) {
                b.body(body);
            }
            return b.build();
        });
    }

    /**
     * A response: status, status text, headers, body.
     *
     * @throws IllegalStateException for a response carrying a WebSocket, which crosses nodes only as
     *     the answer to an upgrade ({@link #upgradeAnswer})
     */
    public static byte[] response(Response r) {
        if (r.webSocket().isPresent()) {
            throw new IllegalStateException("A WebSocket crosses partyflare cluster nodes only in the answer to a"
                    + " request with \"Upgrade: websocket\" (docs/cluster.md, \"WebSockets\")");
        }
        return head(r, r.bytes());
    }

    private static byte[] head(Response r, byte[] body) {
        return write(out -> {
            out.writeInt(r.status());
            writeString(out, r.statusText());
            writeHeaders(out, r.headers());
            writeBytes(out, body);
        });
    }

    public static Response response(byte[] bytes) {
        return response(bytes, null);
    }

    /** A response; a 101 gets {@code webSocket} as its client end. */
    static Response response(byte[] bytes, dev.partyflare.durable.WebSocket webSocket) {
        return read(bytes, in -> {
            Response.Builder b = Response.builder(in.readInt());
            String text = readString(in);
            if (text != null) {
                b.statusText(text);
            }
            b.headers(readHeaders(in));
            byte[] body = readBytes(in);
            if (body != null) {
                b.body(body);
            }
            if (webSocket != null) {
                b.webSocket(webSocket);
            }
            return b.build();
        });
    }

    /**
     * The answer to an upgrade: a flag (1: the object answered with a WebSocket, now bridged, 2: one
     * it accepted with the hibernatable API; 0: an ordinary response), then the response (for a 101
     * its head only).
     */
    public static byte[] upgradeAnswer(Response r, boolean hibernatable) {
        boolean socket = r.webSocket().isPresent();
        byte[] rest = socket ? head(r, null) : response(r);
        byte[] all = new byte[rest.length + 1];
        all[0] = (byte) (socket ? (hibernatable ? 2 : 1) : 0);
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    /** Whether an {@link #upgradeAnswer} carries a socket. */
    public static boolean upgradeAccepted(byte[] answer) {
        return answer.length > 0 && answer[0] >= 1;
    }

    /** Whether an {@link #upgradeAnswer}'s socket is hibernatable. */
    public static boolean upgradeHibernatable(byte[] answer) {
        return answer.length > 0 && answer[0] == 2;
    }

    /** The response of an {@link #upgradeAnswer}, a 101 with {@code client} as its WebSocket if accepted. */
    public static Response upgradeResponse(byte[] answer, dev.partyflare.durable.WebSocket client) {
        return response(
                java.util.Arrays.copyOfRange(answer, 1, answer.length), upgradeAccepted(answer) ? client : null);
    }

    /** An RPC call: the method and its JSON arguments. */
    public record RpcCall(String method, byte[][] jsonArgs) {}

    public static byte[] rpcCall(String method, byte[][] jsonArgs) {
        return write(out -> {
            out.writeUTF(method);
            out.writeInt(jsonArgs.length);
            for (byte[] a : jsonArgs) {
                writeBytes(out, a);
            }
        });
    }

    public static RpcCall rpcCall(byte[] bytes) {
        return read(bytes, in -> {
            String method = in.readUTF();
            byte[][] args = new byte[in.readInt()][];
            for (int i = 0; i < args.length; i++) {
                args[i] = readBytes(in);
            }
            return new RpcCall(method, args);
        });
    }

    /** An error as the caller sees it: a {@link DurableObjectException} with its flags and remote stack. */
    public static byte[] error(Throwable e) {
        DurableObjectException d = e instanceof DurableObjectException x
                ? x
                : DurableObjectException.builder(e.getClass().getName(), e.getMessage() == null ? "" : e.getMessage())
                        .build();
        return write(out -> {
            writeString(out, d.errorType());
            writeString(out, d.getMessage());
            out.writeBoolean(d.remote());
            out.writeBoolean(d.durableObjectReset());
            out.writeBoolean(d.retryable());
            out.writeBoolean(d.overloaded());
            writeString(out, d.remoteStack());
        });
    }

    public static DurableObjectException error(byte[] bytes) {
        return read(bytes, in -> {
            String type = readString(in);
            String message = readString(in);
            return DurableObjectException.builder(type, message == null ? "" : message)
                    .remote(in.readBoolean())
                    .durableObjectReset(in.readBoolean())
                    .retryable(in.readBoolean())
                    .overloaded(in.readBoolean())
                    .remoteStack(readString(in))
                    .build();
        });
    }

    private static void writeHeaders(DataOutputStream out, Headers h) throws IOException {
        Map<String, List<String>> map = h.asMap();
        out.writeInt(map.size());
        for (Map.Entry<String, List<String>> e : map.entrySet()) {
            writeString(out, h.spelling(e.getKey()));
            out.writeInt(e.getValue().size());
            for (String v : e.getValue()) {
                writeString(out, v);
            }
        }
    }

    private static Headers readHeaders(DataInputStream in) throws IOException {
        Headers.Builder b = Headers.builder();
        int names = in.readInt();
        for (int i = 0; i < names; i++) {
            String name = readString(in);
            int values = in.readInt();
            for (int j = 0; j < values; j++) {
                b.add(name, readString(in));
            }
        }
        return b.build();
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s == null ? null : s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static String readString(DataInputStream in) throws IOException {
        byte[] b = readBytes(in);
        return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        return n < 0 ? null : in.readNBytes(n);
    }

    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    static byte[] write(Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static <T> T read(byte[] bytes, Reader<T> r) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return r.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
