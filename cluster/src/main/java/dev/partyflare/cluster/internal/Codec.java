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
     * @throws IllegalStateException for a WebSocket upgrade, which cannot cross nodes yet
     */
    public static byte[] response(Response r) {
        if (r.webSocket().isPresent()) {
            throw new IllegalStateException("A WebSocket cannot cross partyflare cluster nodes yet: connect to"
                    + " objects through HTTP on the node that owns them (docs/cluster.md, \"WebSockets\")");
        }
        return write(out -> {
            out.writeInt(r.status());
            writeString(out, r.statusText());
            writeHeaders(out, r.headers());
            writeBytes(out, r.bytes());
        });
    }

    public static Response response(byte[] bytes) {
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
            return b.build();
        });
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
