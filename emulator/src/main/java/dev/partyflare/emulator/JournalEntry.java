package dev.partyflare.emulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One thing an object received, as {@link Emulator#journal} records it in full: a request (method,
 * path, headers, body), an RPC call (method and arguments, as they travelled), or a WebSocket
 * message (text or binary). Unlike the {@link TimelineEvent timeline}, nothing is shortened.
 */
public final class JournalEntry {
    /** What was received. */
    public enum Kind {
        /** {@code stub.fetch(request)}. */
        REQUEST,
        /** An RPC call through a stub. */
        RPC,
        /** A WebSocket message to the object (standard or hibernatable socket). */
        MESSAGE
    }

    private final long seq;
    private final Instant time;
    private final String binding;
    private final String objectId;
    private final String objectName;
    private final Kind kind;
    private final String method;
    private final String path;
    private final Map<String, List<String>> headers;
    private final String text;
    private final byte[] bytes;
    private final List<String> argumentsJson;
    private final long socket;
    private final Function<Object, String> json;

    JournalEntry(
            long seq,
            Instant time,
            String binding,
            String objectId,
            String objectName,
            Kind kind,
            String method,
            String path,
            Map<String, List<String>> headers,
            String text,
            byte[] bytes,
            List<String> argumentsJson,
            long socket,
            Function<Object, String> json) {
        this.seq = seq;
        this.time = time;
        this.binding = binding;
        this.objectId = objectId;
        this.objectName = objectName;
        this.kind = kind;
        this.method = method;
        this.path = path;
        this.headers = headers == null ? Map.of() : headers;
        this.text = text;
        this.bytes = bytes;
        this.argumentsJson = argumentsJson == null ? List.of() : argumentsJson;
        this.socket = socket;
        this.json = json;
    }

    /** Increases with every entry of the emulator, across objects. */
    public long seq() {
        return seq;
    }

    /** When it arrived, on the runtime clock. */
    public Instant time() {
        return time;
    }

    public String binding() {
        return binding;
    }

    public String objectId() {
        return objectId;
    }

    /** The object's name when known, else null. */
    public String objectName() {
        return objectName;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP method of a request, the method name of an RPC call; null for a message. */
    public String method() {
        return method;
    }

    /** The path (and query) of a request; null otherwise. */
    public String path() {
        return path;
    }

    /** The headers of a request (lower-case names); empty otherwise. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The body of a request as UTF-8, or the text of a text message; empty when there is none. */
    public Optional<String> text() {
        if (text != null) {
            return Optional.of(text);
        }
        if (kind == Kind.REQUEST && bytes != null) {
            return Optional.of(new String(bytes, StandardCharsets.UTF_8));
        }
        return Optional.empty();
    }

    /** The body of a request or the data of a binary message; empty when there is none. */
    public Optional<byte[]> bytes() {
        return Optional.ofNullable(bytes).map(byte[]::clone);
    }

    /** Whether a message was binary. */
    public boolean isBinary() {
        return kind == Kind.MESSAGE && bytes != null;
    }

    /** The socket (its id, as in {@link ObjectInfo.Socket#id()}) a message came on; 0 otherwise. */
    public long socket() {
        return socket;
    }

    /**
     * The arguments of an RPC call, each as the JSON it travelled as ({@code null} for null; the JSON
     * string {@code "<stub>"} for an RpcTarget or a function, which travelled by reference).
     */
    public List<String> argumentsJson() {
        return argumentsJson;
    }

    /**
     * Whether this is an RPC call whose arguments equal {@code expected}, compared as they travel:
     * each expected value is serialized the way RPC arguments are, so {@code 5}, {@code 5L} and a
     * record with the same fields match what the caller passed.
     */
    public boolean hasArguments(Object... expected) {
        Object[] e = expected == null ? new Object[] {null} : expected;
        if (kind != Kind.RPC || e.length != argumentsJson.size()) {
            return false;
        }
        for (int i = 0; i < e.length; i++) {
            String want = e[i] == null ? null : json.apply(e[i]);
            if (!Objects.equals(normalize(want), normalize(argumentsJson.get(i)))) {
                return false;
            }
        }
        return true;
    }

    private String normalize(String jsonText) {
        return jsonText == null ? null : json.apply(new RawJson(jsonText));
    }

    /** A JSON text to be re-serialized in canonical form by the emulator's mapper. */
    record RawJson(String text) {}

    @Override
    public String toString() {
        String who = binding + (objectName != null ? " \"" + objectName + "\"" : " " + objectId.substring(0, 12) + "…");
        return switch (kind) {
            case REQUEST ->
                who + " received " + method + " " + path
                        + text().map(b -> " body " + abbreviate(b)).orElse("");
            case RPC ->
                who + " received RPC " + method + "("
                        + String.join(
                                ", ",
                                argumentsJson.stream()
                                        .map(a -> a == null ? "null" : abbreviate(a))
                                        .toList())
                        + ")";
            case MESSAGE ->
                who + " received on socket #" + socket + " "
                        + (bytes != null
                                ? "binary " + Arrays.toString(Arrays.copyOf(bytes, Math.min(16, bytes.length)))
                                        + (bytes.length > 16 ? "… (" + bytes.length + " bytes)" : "")
                                : "\"" + abbreviate(text) + "\"");
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "… (" + s.length() + " chars)";
    }
}
