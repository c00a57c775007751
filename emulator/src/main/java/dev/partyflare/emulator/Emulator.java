package dev.partyflare.emulator;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectNamespace;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.emulator.internal.config.Compatibility;
import dev.partyflare.emulator.internal.config.WranglerConfig;
import dev.partyflare.emulator.internal.http.HttpFrontend;
import dev.partyflare.emulator.internal.runtime.DurableRuntime;
import dev.partyflare.emulator.internal.storage.StorageEngine;
import dev.partyflare.emulator.internal.time.ManualRuntimeClock;
import dev.partyflare.emulator.internal.time.RuntimeClock;
import dev.partyflare.emulator.internal.time.SystemRuntimeClock;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/**
 * A running emulator: a Worker and its Durable Objects, served in-process ({@link
 * #fetch(Request)}) and, unless disabled, over HTTP and WebSockets on 127.0.0.1.
 *
 * <pre>{@code
 * try (Emulator emu = Emulator.start(EmulatorOptions.builder()
 *     .worker(new App()).durableObject("COUNTER", Counter.class).build())) {
 *   Response r = emu.fetch(Request.get("http://localhost/counter/a"));
 * }
 * }</pre>
 */
public final class Emulator implements AutoCloseable {
    private final EmulatorOptions options;
    private final RuntimeClock clock;
    private final DurableRuntime runtime;
    private final HttpFrontend http;
    private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
    private final TimeControl time;

    private Emulator(EmulatorOptions options, HttpFrontend.Listener listener, DurableRuntime.ErrorListener errors) {
        this.options = options;
        this.clock = options.manualClockStart() != null
                ? new ManualRuntimeClock(options.manualClockStart())
                : new SystemRuntimeClock();
        List<DurableRuntime.Binding> bindings = new ArrayList<>();
        for (EmulatorOptions.DurableObjectBinding b : options.durableObjects()) {
            bindings.add(new DurableRuntime.Binding(b.binding(), b.className(), b.type(), b.sqlite()));
        }
        this.runtime = new DurableRuntime(
                clock,
                options.workerName(),
                options.worker(),
                bindings,
                options.vars(),
                options.defaultLocation(),
                options.strictLimits(),
                options.blockConcurrencyTimeout().toMillis(),
                errors,
                new StorageEngine(options.persistTo(), options.strictLimits()),
                options.idleTimeout() == null ? -1 : options.idleTimeout().toMillis(),
                options.attachmentLimit(),
                Compatibility.of(options.compatibilityDate(), options.compatibilityFlags()),
                options.pointInTimeRecovery(),
                options.timelineSize());
        HttpFrontend frontend = null;
        if (options.http()) {
            try {
                frontend = new HttpFrontend(
                        runtime,
                        options.host(),
                        options.port(),
                        options.maxRequestBodyBytes(),
                        options.maxBufferedRequestBytes(),
                        options.maxWebSocketMessageBytes(),
                        options.maxWebSocketSendQueueBytes(),
                        listener);
            } catch (RuntimeException e) {
                runtime.close();
                throw new IllegalStateException(
                        "Could not listen on "
                                + options.host()
                                + ":"
                                + options.port()
                                + " ("
                                + rootMessage(e)
                                + "); is another server using that port? Choose another with --port.",
                        e);
            }
        }
        this.http = frontend;
        this.time = new ClockControl(clock);
        runtime.startWatchdog(options.eventTimeout());
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /**
     * The options a wrangler config describes, {@code [partyflare]} settings included, with its
     * classes loaded through {@code loader}: the one mapping behind {@link EmulatorOptions#fromConfig},
     * {@code @PartyflareTest(config)} and {@code partyflare dev}.
     */
    static EmulatorOptions.Builder optionsFromConfig(Path file, ClassLoader loader, EmulatorOptions.Builder b) {
        return WranglerConfig.load(file).toOptions(b, loader);
    }

    /**
     * Whether this JVM lets events run on the I/O thread that read them (the JDK's custom virtual
     * thread schedulers, opened by {@code --add-opens java.base/java.lang}); without, events run on
     * the default scheduler with the same semantics, somewhat slower.
     */
    public static boolean eventLoopsAvailable() {
        return dev.partyflare.emulator.internal.exec.EventThreads.loopSchedulingAvailable();
    }

    /** Starts an emulator. */
    public static Emulator start(EmulatorOptions options) {
        return new Emulator(options, null, null);
    }

    /** Starts an emulator whose traffic and uncaught errors go to the given observers. */
    public static Emulator start(EmulatorOptions options, TrafficListener traffic, ErrorListener errors) {
        HttpFrontend.Listener l = traffic == null
                ? null
                : new HttpFrontend.Listener() {
                    @Override
                    public void request(String method, String path, int status, long nanos) {
                        traffic.request(method, path, status, Duration.ofNanos(nanos));
                    }

                    @Override
                    public void webSocketOpened(String path) {
                        traffic.webSocketOpened(path);
                    }

                    @Override
                    public void webSocketClosed(String path) {
                        traffic.webSocketClosed(path);
                    }
                };
        return new Emulator(options, l, errors == null ? null : errors::uncaught);
    }

    /** Observes requests and WebSockets served over HTTP. */
    public interface TrafficListener {
        void request(String method, String path, int status, Duration time);

        default void webSocketOpened(String path) {}

        default void webSocketClosed(String path) {}
    }

    /** Receives exceptions that user code did not catch (they also become 500s where they can). */
    @FunctionalInterface
    public interface ErrorListener {
        void uncaught(String where, Throwable error);
    }

    public EmulatorOptions options() {
        return options;
    }

    /**
     * Sends {@code request} to the Worker in-process, without a socket. A 101 response carries the
     * client end of the WebSocket, usable directly. Never throws for errors in user code: those are
     * 500 responses.
     */
    public Response fetch(Request request) {
        Future<Response> f = callers.submit(() -> runtime.fetch(request));
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + request, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("The emulator failed to serve " + request, e.getCause());
        }
    }

    /** {@code fetch(Request.get(url))}; a path like {@code /a/b} is resolved against {@link #url()}. */
    public Response fetch(String urlOrPath) {
        String url = urlOrPath.startsWith("/")
                ? "http://localhost" + (http != null ? ":" + http.port() : "") + urlOrPath
                : urlOrPath;
        return fetch(Request.get(url));
    }

    /** The Worker's bindings, for calling objects directly from a test. */
    public Env env() {
        return runtime.env();
    }

    /** The namespace bound as {@code binding}. */
    public DurableObjectNamespace namespace(String binding) {
        return runtime.env().namespace(binding);
    }

    /**
     * Runs {@code code} inside the object behind {@code stub}, as one of its events: the input gate
     * is held, storage works as in a handler, and writes commit when it returns. The object is
     * created if it is not live. Exceptions thrown by {@code code} propagate unchanged.
     */
    public <O extends DurableObject, T> T runInDurableObject(DurableObjectStub stub, InDurableObject<O, T> code) {
        Future<T> f = callers.submit(() -> runtime.runInObject(stub, code::run));
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running code in " + stub.id(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    /**
     * Hibernates the object behind {@code stub} now, as 10 s of idleness would: the instance and its
     * fields are dropped, hibernatable sockets stay connected, and the next event constructs it
     * again. Without hibernatable sockets this is an eviction.
     *
     * @throws IllegalStateException saying why, when something pins the object (an event in flight,
     *     a pending timer, an open standard WebSocket, waitUntil work)
     */
    public void hibernate(DurableObjectStub stub) {
        // an event that just sent its last reply may still be finishing: give it a moment
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<String> why = runtime.namespaceOf(stub).hibernate(stub);
        while (!why.isEmpty()
                && why.stream().allMatch(w -> w.contains("in flight") || w.contains("running or queued"))
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
            why = runtime.namespaceOf(stub).hibernate(stub);
        }
        if (!why.isEmpty()) {
            throw new IllegalStateException("Cannot hibernate " + stub.id() + ": " + String.join(", ", why));
        }
    }

    /**
     * Evicts the object behind {@code stub} now, whatever pins it: timers are cancelled and standard
     * WebSockets dropped; hibernatable sockets stay connected unless {@code closeWebSockets} (then
     * they are dropped too, as vitest's {@code evictDurableObject(stub, {webSockets: "close"})}).
     */
    public void evict(DurableObjectStub stub, boolean closeWebSockets) {
        runtime.namespaceOf(stub).evict(stub, closeWebSockets);
    }

    /** Why the object behind {@code stub} cannot hibernate now; empty when it can (or is not live). */
    public List<String> hibernationBlockers(DurableObjectStub stub) {
        return runtime.namespaceOf(stub).hibernationBlockers(stub);
    }

    /**
     * Runs the alarm of the object behind {@code stub} now, without moving the clock, as an event of the
     * object with the stored {@code scheduledTime} and {@code retryCount}; a throwing handler gets its
     * retry scheduled as usual. Returns false when the object has no alarm (vitest's {@code
     * runDurableObjectAlarm}).
     */
    public boolean runAlarm(DurableObjectStub stub) {
        Future<Boolean> f = callers.submit(() -> runtime.namespaceOf(stub).runAlarmNow(stub));
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running the alarm of " + stub.id(), e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    /**
     * The SQLite database file of the object behind {@code stub} (it exists once the object wrote
     * something), to open with {@code sqlite3} or any SQLite browser; empty when storage is in memory.
     * Open it read-only while the emulator runs: the emulator is the only writer.
     */
    public Optional<java.nio.file.Path> databaseFile(DurableObjectStub stub) {
        return Optional.ofNullable(
                runtime.namespaceOf(stub).store().databaseFile(stub.id().toString()));
    }

    /**
     * A read-only JDBC connection to the object's committed storage: on the database file when storage
     * is on disk, else on a copy of the memory database taken now. The caller closes it. Tables of the
     * runtime ({@code _cf_KV}, {@code _cf_METADATA}) are readable here, unlike from the object's SQL API.
     */
    public java.sql.Connection openDatabase(DurableObjectStub stub) {
        try {
            return runtime.namespaceOf(stub).store().openReadOnly(stub.id().toString());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Cannot open the database of " + stub.id() + ": " + e.getMessage(), e);
        }
    }

    /** The ids (hex) of every object of {@code binding} that is live, hibernated or has stored data. */
    public List<String> objectIds(String binding) {
        DurableObjectNamespace ns = namespace(binding);
        return runtime.namespaces().get(binding).objectIds();
    }

    /**
     * Every live or hibernated object of every namespace (names as far as they are known); {@link
     * #allObjects()} adds the evicted ones that have stored data or a pending alarm.
     */
    public List<ObjectInfo> objects() {
        List<ObjectInfo> out = new ArrayList<>();
        runtime.namespaces().values().forEach(ns -> out.addAll(ns.describe(false)));
        return out;
    }

    /**
     * Every object the runtime knows, of every namespace: live ones, hibernated ones (hibernatable
     * sockets open), and evicted ones that have stored data or a pending alarm; with names as far as
     * they are known (names are recorded in storage when an object first commits, so they survive
     * hibernation, eviction and restarts).
     */
    public List<ObjectInfo> allObjects() {
        List<ObjectInfo> out = new ArrayList<>();
        runtime.namespaces().values().forEach(ns -> out.addAll(ns.describeAll()));
        return out;
    }

    /** What the runtime knows of the object behind {@code stub} (see {@link #allObjects()}); empty if nothing. */
    public Optional<ObjectInfo> object(DurableObjectStub stub) {
        String hex = stub.id().toString();
        return runtime.namespaceOf(stub).describeAll().stream()
                .filter(o -> o.id().equals(hex))
                .findFirst();
    }

    /** The storage of the object behind {@code stub}, from outside it: for tools and tests (see {@link StorageAdmin}). */
    public StorageAdmin storage(DurableObjectStub stub) {
        runtime.namespaceOf(stub); // fails now for a stub of another emulator
        return new StorageAdmin(runtime, stub);
    }

    /**
     * Resets every namespace: live objects are reset (as {@code ctx.abort()} would), every WebSocket is
     * dropped (clients see 1006), pending alarms are cancelled, all storage is deleted and the timelines
     * are forgotten. The Worker and the classes stay. Requests sent while this runs may see the old state
     * or fail; send none meanwhile.
     */
    public void reset() {
        for (String binding : runtime.namespaces().keySet()) {
            reset(binding);
        }
    }

    /** {@link #reset()} for the namespace bound as {@code binding} only. */
    public void reset(String binding) {
        dev.partyflare.emulator.internal.actor.ActorNamespace ns =
                runtime.namespaces().get(binding);
        if (ns == null) {
            throw new IllegalArgumentException("No Durable Object binding \"" + binding + "\"; the bindings are "
                    + runtime.namespaces().keySet());
        }
        ns.resetAll("The Durable Object was reset by partyflare (reset of all state).");
    }

    /**
     * Resets the object behind {@code stub} as {@code ctx.abort(reason)} would: its instance, its
     * in-memory state and every one of its WebSockets are dropped (clients see 1006); its storage and
     * alarm stay. Returns false when it had no instance and no sockets.
     */
    public boolean resetObject(DurableObjectStub stub, String reason) {
        String r = reason == null || reason.isEmpty() ? "Reset by partyflare." : reason;
        boolean any = runtime.namespaceOf(stub).resetObject(stub, r);
        if (!any) {
            runtime.namespaceOf(stub).recordAdmin(stub, "reset", "(nothing was live)");
        }
        return any;
    }

    /**
     * Closes the object's open WebSocket {@code socketId} ({@link ObjectInfo.Socket#id()}) with {@code
     * code} and {@code reason}, as the object's {@code ws.close(code, reason)} would: the client gets the
     * close frame, and its answer reaches the object's close handler.
     *
     * @throws IllegalArgumentException for an unknown socket or a code WebSockets do not allow
     */
    public void closeSocket(DurableObjectStub stub, long socketId, int code, String reason) {
        dev.partyflare.emulator.internal.websocket.WebSocketEnd ws = socketOf(stub, socketId);
        ws.close(code, reason == null ? "" : reason);
        runtime.namespaceOf(stub).recordAdmin(stub, "socket.close", "#" + socketId + " " + code);
    }

    /** Sends {@code message} to the client of socket {@code socketId}, as the object's {@code ws.send} would. */
    public void sendToClient(DurableObjectStub stub, long socketId, String message) {
        dev.partyflare.emulator.internal.websocket.WebSocketEnd ws = socketOf(stub, socketId);
        ws.send(message);
        runtime.namespaceOf(stub).recordAdmin(stub, "socket.send", "#" + socketId + " to the client");
    }

    /**
     * Delivers {@code message} to the object on socket {@code socketId} as if its client had sent it:
     * the object's message handler runs (waking it if it hibernates).
     */
    public void sendAsClient(DurableObjectStub stub, long socketId, String message) {
        dev.partyflare.emulator.internal.websocket.WebSocketEnd ws = socketOf(stub, socketId);
        runtime.namespaceOf(stub).recordAdmin(stub, "socket.send", "#" + socketId + " as its client");
        ws.peerEnd().networkMessage(new dev.partyflare.durable.WebSocketMessage.Text(message));
    }

    private dev.partyflare.emulator.internal.websocket.WebSocketEnd socketOf(DurableObjectStub stub, long socketId) {
        dev.partyflare.emulator.internal.websocket.WebSocketEnd ws =
                runtime.namespaceOf(stub).socket(stub, socketId);
        if (ws == null) {
            throw new IllegalArgumentException("The object " + stub.id() + " has no open WebSocket #" + socketId);
        }
        return ws;
    }

    /**
     * Waits (real time, at most {@code timeout}) until no object has an event running or queued and no
     * alarm that the clock started is still starting or running: e.g. after {@code time().advance(...)},
     * until the alarms and timers it fired have run. Returns false on timeout.
     */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!runtime.idle()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    // ---- the timeline ----

    /**
     * The recent events of the object behind {@code stub}, oldest first: requests, RPC calls, socket
     * events, alarm runs, its lifecycle (constructed, hibernated, evicted, reset), storage commits and
     * uncaught errors, with runtime-clock times. At most {@link EmulatorOptions#timelineSize()} per
     * object are kept; empty when the object had none (or the timeline is off).
     */
    public List<TimelineEvent> timeline(DurableObjectStub stub) {
        return timeline(stub, 0);
    }

    /** The events of the object behind {@code stub} recorded after {@code afterSeq}, oldest first. */
    public List<TimelineEvent> timeline(DurableObjectStub stub, long afterSeq) {
        return runtime.timeline().events(runtime.namespaceOf(stub), stub.id().toString(), afterSeq);
    }

    /** The latest {@code limit} events of every object recorded after {@code afterSeq}, oldest first. */
    public List<TimelineEvent> timeline(long afterSeq, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit cannot be negative: " + limit);
        }
        return runtime.timeline().all(afterSeq, limit);
    }

    /**
     * Calls {@code listener} with every timeline event from now on, as it is recorded. The listener runs
     * on the thread that recorded the event, often one serving a request or a socket: it must return
     * quickly and never block (hand the event to a queue). Close the subscription to stop.
     */
    public Subscription subscribeTimeline(java.util.function.Consumer<TimelineEvent> listener) {
        java.util.Objects.requireNonNull(listener, "listener");
        Runnable cancel = runtime.timeline().subscribe(listener);
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                cancel.run();
            }
        };
    }

    /**
     * Reloads code from {@code newOptions}: the Worker, the vars and the Durable Object classes. Storage,
     * alarms and hibernatable WebSockets are kept; standard WebSockets are closed with 1012 (service
     * restart) so clients reconnect; every object is constructed from its new class on its next event.
     * The Worker name and the HTTP settings cannot change on reload.
     */
    public void reload(EmulatorOptions newOptions) {
        if (!newOptions.workerName().equals(options.workerName())) {
            throw new IllegalArgumentException("The Worker name changed from \"" + options.workerName() + "\" to \""
                    + newOptions.workerName() + "\": every id would change. Restart partyflare dev to apply it.");
        }
        List<DurableRuntime.Binding> bindings = new ArrayList<>();
        for (EmulatorOptions.DurableObjectBinding b : newOptions.durableObjects()) {
            bindings.add(new DurableRuntime.Binding(b.binding(), b.className(), b.type(), b.sqlite()));
        }
        runtime.reload(newOptions.worker(), bindings, newOptions.vars(), newOptions.workerName());
    }

    /** The runtime clock. */
    public TimeControl time() {
        return time;
    }

    /** The HTTP address, e.g. {@code http://127.0.0.1:8787}, when serving over HTTP. */
    public Optional<URI> url() {
        if (http == null) {
            return Optional.empty();
        }
        String h = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return Optional.of(URI.create("http://" + h + ":" + http.port()));
    }

    /** The bound port, or -1 without HTTP. */
    public int port() {
        return http == null ? -1 : http.port();
    }

    /** The runtime (for this package's tests: fault injection, crash simulation). */
    DurableRuntime runtime() {
        return runtime;
    }

    /**
     * Stops as if the process died: nothing is flushed beyond what was committed. For durability
     * tests; an emulator that crashed cannot be used again.
     */
    public void crash() {
        if (http != null) {
            http.close();
        }
        runtime.crash();
        callers.shutdownNow();
    }

    /** Stops serving: every WebSocket is closed with 1001 (going away), then threads are released. */
    @Override
    public void close() {
        if (http != null && runtime.closeAllSockets(1001, "Going Away") > 0) {
            try {
                Thread.sleep(100); // let the close frames leave before the server stops
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (http != null) {
            http.close();
        }
        runtime.close();
        callers.shutdownNow();
    }

    private static final class ClockControl implements TimeControl {
        private final RuntimeClock clock;

        ClockControl(RuntimeClock clock) {
            this.clock = clock;
        }

        @Override
        public Instant now() {
            return Instant.ofEpochMilli(clock.millis());
        }

        @Override
        public boolean isControllable() {
            return clock instanceof ManualRuntimeClock;
        }

        private ManualRuntimeClock manual() {
            if (clock instanceof ManualRuntimeClock m) {
                return m;
            }
            throw new IllegalStateException(
                    "This emulator runs on real time; build it with EmulatorOptions.builder().manualClock(...)"
                            + " to control time");
        }

        @Override
        public void advance(Duration duration) {
            manual().advance(duration);
        }

        @Override
        public int pendingTimers() {
            return clock.pending();
        }

        @Override
        public void awaitPendingTimers(int count, Duration timeout) {
            try {
                manual().awaitPending(count, timeout);
            } catch (TimeoutException e) {
                throw new IllegalStateException(e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + count + " pending timers", e);
            }
        }
    }
}
