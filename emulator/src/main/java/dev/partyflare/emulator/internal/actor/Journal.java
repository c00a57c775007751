package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.WebSocketMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What each object received, in full (the timeline keeps short previews): requests with their
 * headers and body, RPC calls with their arguments as they travelled (JSON), WebSocket messages.
 * Recorded only when switched on (tests); bounded per object, oldest dropped first.
 */
public final class Journal {
    /** Entries kept per object. */
    public static final int PER_OBJECT = 1_000;

    /** What kind of input. */
    public enum Kind {
        REQUEST,
        RPC,
        MESSAGE
    }

    /**
     * One input of an object. For a request: {@code name} = method, {@code path}, {@code headers},
     * {@code bytes} = body. For an RPC call: {@code name} = method, {@code args} = each argument's
     * JSON (null for a null argument). For a message: {@code socket}, {@code text} or {@code bytes}.
     */
    public record Entry(
            long seq,
            long time,
            String binding,
            String objectId,
            String objectName,
            Kind kind,
            String name,
            String path,
            Map<String, List<String>> headers,
            String text,
            byte[] bytes,
            List<String> args,
            long socket) {}

    private final dev.partyflare.emulator.internal.time.RuntimeClock clock;
    private final AtomicLong seq = new AtomicLong();
    private final Map<String, ArrayDeque<Entry>> byObject = new ConcurrentHashMap<>();

    public Journal(dev.partyflare.emulator.internal.time.RuntimeClock clock) {
        this.clock = clock;
    }

    private void add(
            ActorNamespace ns,
            DurableObjectId id,
            Kind kind,
            String name,
            String path,
            Map<String, List<String>> headers,
            String text,
            byte[] bytes,
            List<String> args,
            long socket) {
        String hex = id.toString();
        String objectName = id.name().orElseGet(() -> ns.services().timeline().nameOf(ns, hex));
        Entry e = new Entry(
                seq.incrementAndGet(),
                clock.millis(),
                ns.binding(),
                hex,
                objectName,
                kind,
                name,
                path,
                headers,
                text,
                bytes,
                args,
                socket);
        ArrayDeque<Entry> q = byObject.computeIfAbsent(ns.uniqueKey() + "/" + hex, k -> new ArrayDeque<>());
        synchronized (q) {
            q.addLast(e);
            if (q.size() > PER_OBJECT) {
                q.removeFirst();
            }
        }
    }

    void request(ActorNamespace ns, DurableObjectId id, Request r) {
        byte[] body = r.hasBody() ? r.bytes() : null;
        String query = r.uri().getRawQuery();
        String path = query == null ? r.path() : r.path() + "?" + query;
        add(ns, id, Kind.REQUEST, r.method(), path, r.headers().asMap(), null, body, null, 0);
    }

    void rpc(ActorNamespace ns, DurableObjectId id, String method, byte[][] serialized) {
        List<String> args = new ArrayList<>(serialized.length);
        for (byte[] a : serialized) {
            // a stub (an RpcTarget or function passed by reference) has no JSON: it is noted as "<stub>"
            args.add(
                    a == null
                            ? null
                            : dev.partyflare.emulator.internal.rpc.RpcValues.isReference(a)
                                    ? "\"<stub>\""
                                    : new String(a, java.nio.charset.StandardCharsets.UTF_8));
        }
        add(ns, id, Kind.RPC, method, null, null, null, null, java.util.Collections.unmodifiableList(args), 0);
    }

    void message(ActorNamespace ns, DurableObjectId id, long socket, WebSocketMessage m) {
        if (m instanceof WebSocketMessage.Text t) {
            add(ns, id, Kind.MESSAGE, null, null, null, t.text(), null, null, socket);
        } else if (m instanceof WebSocketMessage.Binary b) {
            add(ns, id, Kind.MESSAGE, null, null, null, null, b.data().clone(), null, socket);
        }
    }

    /** The entries of object {@code hex} of {@code ns}, oldest first. */
    public List<Entry> entries(ActorNamespace ns, String hex) {
        ArrayDeque<Entry> q = byObject.get(ns.uniqueKey() + "/" + hex);
        if (q == null) {
            return List.of();
        }
        synchronized (q) {
            return new ArrayList<>(q);
        }
    }

    /** Every entry, in order. */
    public List<Entry> all() {
        List<Entry> out = new ArrayList<>();
        for (ArrayDeque<Entry> q : byObject.values()) {
            synchronized (q) {
                out.addAll(q);
            }
        }
        out.sort(java.util.Comparator.comparingLong(Entry::seq));
        return out;
    }

    /** Forgets everything (a reset). */
    public void clear() {
        byObject.clear();
    }
}
