package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.emulator.TimelineEvent;
import dev.partyflare.emulator.TimelineEvent.Kind;
import dev.partyflare.emulator.internal.time.RuntimeClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Every object's recent events (requests, RPC calls, socket events, alarms, lifecycle, commits,
 * errors), kept per object in a ring and bounded in total. This is on the hot path: recording
 * stores a few fields into a small record under the object's own lock (no map lookup: an actor
 * keeps its log), and the text and JSON-ready map of an event are built only when someone reads
 * it. Listeners, when there are any, get each event as it is recorded.
 *
 * <p>Over 500 lines: the ring, its recorders and the rendering of an event share the private record
 * layout that keeps recording cheap on the hot path.
 */
public final class Timeline {
    /** Events kept per object unless configured otherwise. */
    public static final int DEFAULT_PER_OBJECT = 500;
    /** Objects with a log, at most (the least recently active are forgotten first). */
    static final int MAX_OBJECTS = 1_000;
    /** Events kept in all, at most. */
    static final int MAX_EVENTS = 100_000;

    private static final int PREVIEW = 80;

    private final RuntimeClock clock;
    private final int perObject;
    private final AtomicLong seq = new AtomicLong();
    private final Map<String, Log> logs = new ConcurrentHashMap<>();
    private final AtomicInteger retained = new AtomicInteger();
    private final ReentrantLock trimming = new ReentrantLock();
    private final List<Consumer<TimelineEvent>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean hasListeners;

    /** @param perObject events kept per object; 0 turns the timeline off */
    public Timeline(RuntimeClock clock, int perObject) {
        if (perObject < 0) {
            throw new IllegalArgumentException("The timeline size cannot be negative: " + perObject);
        }
        this.clock = clock;
        this.perObject = perObject;
    }

    /** One recorded event; its text is made when read. */
    private record Rec(long seq, long time, Kind kind, String s1, String s2, String s3, String s4, long n1, long n2) {}

    /** One object's events: a ring of at most {@code perObject}, growing as needed. */
    public static final class Log {
        final String key;
        final String binding;
        final String id;
        final String jurisdiction;
        volatile String name;
        private Rec[] ring;
        private int start;
        private int size;
        private volatile long lastSeq;
        /** Forgotten by the timeline (bounded in total); the next event brings it back. */
        volatile boolean dropped;

        Log(String key, String binding, String id, String name, String jurisdiction, int max) {
            this.ring = new Rec[Math.min(8, max)];
            this.key = key;
            this.binding = binding;
            this.id = id;
            this.name = name;
            this.jurisdiction = jurisdiction;
        }

        /** Adds {@code r}; true when the log grew (false when the oldest event made room). */
        private boolean add(Rec r, int max) {
            lastSeq = r.seq;
            if (size < ring.length) {
                ring[(start + size) % ring.length] = r;
                size++;
                return true;
            }
            if (ring.length < max) {
                Rec[] bigger = new Rec[Math.min(max, ring.length * 2)];
                for (int i = 0; i < size; i++) {
                    bigger[i] = ring[(start + i) % ring.length];
                }
                ring = bigger;
                start = 0;
                ring[size++] = r;
                return true;
            }
            ring[start] = r;
            start = (start + 1) % ring.length;
            return false;
        }

        private synchronized List<Rec> after(long afterSeq) {
            List<Rec> out = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                Rec r = ring[(start + i) % ring.length];
                if (r.seq > afterSeq) {
                    out.add(r);
                }
            }
            return out;
        }

        private synchronized int size() {
            return size;
        }

        public String name() {
            return name;
        }
    }

    public boolean enabled() {
        return perObject > 0;
    }

    /** The log of object {@code id} of {@code ns}, created on first use; null when the timeline is off. */
    Log log(ActorNamespace ns, DurableObjectId id) {
        if (perObject == 0) {
            return null;
        }
        String key = ns.uniqueKey() + "/" + id;
        Log l = logs.get(key);
        if (l == null) {
            l = logs.computeIfAbsent(
                    key,
                    k -> new Log(
                            k,
                            ns.binding(),
                            id.toString(),
                            id.name().orElseGet(() -> ns.store().name(id.toString())),
                            id.jurisdiction().orElse(null),
                            perObject));
            if (logs.size() > MAX_OBJECTS) {
                trim();
            }
        } else if (l.name == null && id.name().isPresent()) {
            l.name = id.name().get();
        }
        return l;
    }

    /** The log of an object if it has one. */
    Log existing(ActorNamespace ns, String hex) {
        return logs.get(ns.uniqueKey() + "/" + hex);
    }

    void record(Log log, Kind kind, String s1, String s2, String s3, String s4, long n1, long n2) {
        if (log == null) {
            return;
        }
        Rec r;
        boolean grew;
        synchronized (log) {
            r = new Rec(seq.incrementAndGet(), clock.millis(), kind, s1, s2, s3, s4, n1, n2);
            grew = log.add(r, perObject);
        }
        if (log.dropped) {
            reattach(log);
        } else if (grew && retained.incrementAndGet() > MAX_EVENTS) {
            trim();
        }
        if (hasListeners) {
            TimelineEvent e = event(log, r);
            for (Consumer<TimelineEvent> l : listeners) {
                try {
                    l.accept(e);
                } catch (RuntimeException ex) {
                    System.getLogger("dev.partyflare.emulator")
                            .log(System.Logger.Level.WARNING, "A timeline listener failed", ex);
                }
            }
        }
    }

    void record(Log log, Kind kind, String s1, String s2, long n1, long n2) {
        record(log, kind, s1, s2, null, null, n1, n2);
    }

    private void reattach(Log log) {
        if (logs.putIfAbsent(log.key, log) == null) {
            log.dropped = false;
            retained.addAndGet(log.size());
        }
    }

    /** Forgets the least recently active objects until the timeline is well within its bounds. */
    private void trim() {
        if (!trimming.tryLock()) {
            return;
        }
        try {
            if (logs.size() <= MAX_OBJECTS && retained.get() <= MAX_EVENTS) {
                return;
            }
            // sorted on a snapshot of each log's last activity: events of other threads move lastSeq while
            // this sorts, and a key that changes under TimSort breaks its contract (seen: a 500 for the
            // request whose event happened to trim, "Comparison method violates its general contract!")
            record Aged(long lastSeq, Log log) {}
            List<Aged> byAge = new ArrayList<>(logs.size());
            for (Log l : logs.values()) {
                byAge.add(new Aged(l.lastSeq, l));
            }
            byAge.sort(Comparator.comparingLong(Aged::lastSeq));
            for (Aged aged : byAge) {
                Log l = aged.log();
                if (logs.size() <= MAX_OBJECTS * 9 / 10 && retained.get() <= MAX_EVENTS * 9 / 10) {
                    break;
                }
                if (logs.remove(l.key, l)) {
                    l.dropped = true;
                    retained.addAndGet(-l.size());
                }
            }
        } finally {
            trimming.unlock();
        }
    }

    /** Forgets the events of every object of {@code binding} (every object when null): a reset. */
    public void clear(String binding) {
        for (Log l : new ArrayList<>(logs.values())) {
            if (binding == null || l.binding.equals(binding)) {
                if (logs.remove(l.key, l)) {
                    l.dropped = true;
                    retained.addAndGet(-l.size());
                }
            }
        }
    }

    // ---- reading ----

    /** The events of one object after {@code afterSeq}, oldest first. */
    public List<TimelineEvent> events(ActorNamespace ns, String hex, long afterSeq) {
        Log l = existing(ns, hex);
        if (l == null) {
            return List.of();
        }
        List<TimelineEvent> out = new ArrayList<>();
        for (Rec r : l.after(afterSeq)) {
            out.add(event(l, r));
        }
        return out;
    }

    /** The most recent {@code limit} events of every object after {@code afterSeq}, oldest first. */
    public List<TimelineEvent> all(long afterSeq, int limit) {
        record Item(Log log, Rec rec) {}
        List<Item> items = new ArrayList<>();
        for (Log l : logs.values()) {
            for (Rec r : l.after(afterSeq)) {
                items.add(new Item(l, r));
            }
        }
        items.sort(Comparator.comparingLong(i -> i.rec.seq));
        List<TimelineEvent> out = new ArrayList<>();
        for (Item i : items.subList(Math.max(0, items.size() - limit), items.size())) {
            out.add(event(i.log, i.rec));
        }
        return out;
    }

    /** The name the timeline knows for object {@code hex} of {@code ns}, or null. */
    public String nameOf(ActorNamespace ns, String hex) {
        Log l = existing(ns, hex);
        return l == null ? null : l.name;
    }

    /** Calls {@code listener} with every event recorded from now on (on the recording thread: it must not block). */
    public Runnable subscribe(Consumer<TimelineEvent> listener) {
        listeners.add(listener);
        hasListeners = true;
        return () -> {
            listeners.remove(listener);
            hasListeners = !listeners.isEmpty();
        };
    }

    // ---- what an event says ----

    private static TimelineEvent event(Log log, Rec r) {
        Map<String, Object> d = new LinkedHashMap<>();
        String summary;
        switch (r.kind) {
            case REQUEST -> {
                d.put("method", r.s1);
                d.put("path", r.s2);
                if (r.n1 > 0) {
                    d.put("status", r.n1);
                }
                d.put("durationMs", millis(r.n2));
                if (r.s3 != null) {
                    d.put("error", r.s3);
                }
                summary = r.s1 + " " + r.s2 + " → "
                        + (r.s3 != null ? "threw " + r.s3 : Long.toString(r.n1))
                        + " (" + millis(r.n2) + " ms)";
            }
            case RPC -> {
                d.put("method", r.s1);
                d.put("args", r.s2);
                d.put("outcome", r.s3 == null ? "ok" : "error");
                d.put("durationMs", millis(r.n2));
                if (r.s3 != null) {
                    d.put("error", r.s3);
                }
                summary = r.s1 + "(" + r.s2 + ") → " + (r.s3 == null ? "ok" : "threw " + r.s3) + " (" + millis(r.n2)
                        + " ms)";
            }
            case SOCKET_OPEN -> {
                d.put("socket", r.n1);
                d.put("type", r.s1);
                d.put("tags", r.s2 == null || r.s2.isEmpty() ? List.of() : Arrays.asList(r.s2.split("\u0000")));
                summary = "socket #" + r.n1 + " accepted (" + r.s1
                        + (r.s2 == null || r.s2.isEmpty() ? "" : ", tags " + r.s2.replace('\u0000', ',')) + ")";
            }
            case SOCKET_MESSAGE -> {
                d.put("socket", r.n1);
                d.put("size", r.n2);
                d.put("binary", r.s2 != null);
                d.put("preview", r.s1);
                summary =
                        "socket #" + r.n1 + " message, " + r.n2 + " B" + (r.s2 != null ? " binary" : "") + ": " + r.s1;
            }
            case SOCKET_CLOSE -> {
                d.put("socket", r.n1);
                d.put("code", r.n2);
                d.put("reason", r.s1);
                d.put("clean", r.s2 != null);
                summary = "socket #" + r.n1 + " closed " + r.n2 + (r.s1.isEmpty() ? "" : " " + r.s1)
                        + (r.s2 != null ? "" : " (not clean)");
            }
            case SOCKET_ERROR -> {
                d.put("socket", r.n1);
                d.put("message", r.s1);
                summary = "socket #" + r.n1 + " error: " + r.s1;
            }
            case ALARM -> {
                d.put("scheduledTime", r.n2);
                d.put("retryCount", r.n1);
                d.put("outcome", r.s1);
                if (r.s2 != null) {
                    d.put("error", r.s2);
                }
                summary = "alarm" + (r.n1 > 0 ? " (retry " + r.n1 + ")" : "") + " → " + r.s1
                        + (r.s2 != null ? ": " + r.s2 : "");
            }
            case START -> {
                d.put("instance", r.n1);
                summary = "instance constructed" + (r.n1 > 1 ? " (#" + r.n1 + ")" : "");
            }
            case HIBERNATE -> {
                d.put("reason", r.s1);
                summary = "hibernated (" + r.s1 + ")";
            }
            case EVICT -> {
                d.put("reason", r.s1);
                summary = "evicted (" + r.s1 + ")";
            }
            case RESET -> {
                d.put("reason", r.s1);
                d.put("errorType", r.s2);
                summary = "reset: " + r.s1;
            }
            case STORAGE_COMMIT -> {
                d.put("writes", r.n1);
                summary = "storage commit, " + r.n1 + " write" + (r.n1 == 1 ? "" : "s");
            }
            case ERROR -> {
                d.put("type", r.s1);
                d.put("message", r.s2);
                d.put("handler", r.s4);
                d.put("frames", r.s3 == null || r.s3.isEmpty() ? List.of() : Arrays.asList(r.s3.split("\n")));
                summary = "uncaught " + simpleName(r.s1) + " in " + r.s4 + (r.s2.isEmpty() ? "" : ": " + r.s2);
            }
            case ADMIN -> {
                d.put("action", r.s1);
                d.put("detail", r.s2);
                summary = "admin: " + r.s1 + (r.s2 == null || r.s2.isEmpty() ? "" : " " + r.s2);
            }
            default -> throw new IllegalStateException(r.kind.toString());
        }
        return new TimelineEvent(
                r.seq, Instant.ofEpochMilli(r.time), log.binding, log.id, log.name, r.kind, summary, d);
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    private static String simpleName(String type) {
        return type.substring(type.lastIndexOf('.') + 1);
    }

    // ---- helpers for recorders ----

    void socketMessage(Log log, long socket, dev.partyflare.durable.WebSocketMessage m) {
        if (log == null) {
            return;
        }
        if (m instanceof dev.partyflare.durable.WebSocketMessage.Text t) {
            record(log, Kind.SOCKET_MESSAGE, preview(t.text()), null, socket, utf8Length(t.text()));
        } else if (m instanceof dev.partyflare.durable.WebSocketMessage.Binary b) {
            record(log, Kind.SOCKET_MESSAGE, hexPreview(b.data()), "binary", socket, b.data().length);
        }
    }

    /** An exception left a handler of an object: its timeline says so, with the user's frames. */
    void handlerError(Log log, String handler, Throwable e) {
        if (log != null && !(e instanceof dev.partyflare.emulator.internal.exec.ActorResetError)) {
            record(
                    log,
                    Kind.ERROR,
                    e.getClass().getName(),
                    e.getMessage() == null ? "" : preview(e.getMessage()),
                    userFrames(e),
                    handler,
                    0,
                    0);
        }
    }

    void socketClose(Log log, long socket, int code, String reason, boolean clean) {
        record(log, Kind.SOCKET_CLOSE, reason == null ? "" : preview(reason), clean ? "clean" : null, socket, code);
    }

    void socketError(Log log, long socket, String message) {
        record(log, Kind.SOCKET_ERROR, message == null ? "" : preview(message), null, socket, 0);
    }

    /** UTF-8 length without encoding. */
    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes++;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2;
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    /** At most {@value #PREVIEW} characters of {@code text}, marked when cut. */
    static String preview(String text) {
        return text.length() <= PREVIEW ? text : text.substring(0, PREVIEW) + "…";
    }

    /** The first bytes of {@code b} in hex. */
    static String hexPreview(byte[] b) {
        int n = Math.min(b.length, 16);
        StringBuilder s = new StringBuilder(n * 3);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append(' ');
            }
            s.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append(Character.forDigit(b[i] & 0xf, 16));
        }
        return b.length > n ? s.append(" …").toString() : s.toString();
    }

    /** {@code Type: message}, short. */
    static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getName() + (m == null || m.isEmpty() ? "" : ": " + preview(m));
    }

    /**
     * Frames of {@code e}'s stack that belong to the user's code (not the JDK, partyflare or its
     * libraries), down to where the runtime called the handler: a call between objects runs on the
     * caller's thread, whose own frames are not this object's.
     */
    static String userFrames(Throwable e) {
        StringBuilder s = new StringBuilder();
        int n = 0;
        for (StackTraceElement f : e.getStackTrace()) {
            String c = f.getClassName();
            if (c.startsWith("dev.partyflare.emulator.internal.") && n > 0) {
                break; // the runtime's dispatch: what is below is not this handler's
            }
            if (c.startsWith("java.")
                    || c.startsWith("jdk.")
                    || c.startsWith("sun.")
                    || c.startsWith("com.sun.")
                    || c.startsWith("dev.partyflare.emulator.")
                    || c.startsWith("dev.partyflare.durable.")
                    || c.startsWith("dev.partyflare.server.")
                    || c.startsWith("dev.partyflare.pubsub.")
                    || c.startsWith("io.undertow.")
                    || c.startsWith("org.xnio.")
                    || c.startsWith("org.sqlite.")
                    || c.startsWith("tools.jackson.")) {
                continue;
            }
            if (n++ == 12) {
                break;
            }
            if (s.length() > 0) {
                s.append('\n');
            }
            s.append(f);
        }
        return s.toString();
    }
}
