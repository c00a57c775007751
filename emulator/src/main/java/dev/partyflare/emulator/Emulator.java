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
 *
 * <p>Over 500 lines: the composition root and the embedding API's facade: each method is a thin
 * public entry into the runtime.
 */
public final class Emulator implements AutoCloseable {
    private final EmulatorOptions options;
    private final RuntimeClock clock;
    private final DurableRuntime runtime;
    private final HttpFrontend http;
    private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
    private final TimeControl time;
    private final dev.partyflare.emulator.internal.time.SettledClock settled;
    private final long clockStart;

    private Emulator(EmulatorOptions options, HttpFrontend.Listener listener, DurableRuntime.ErrorListener errors) {
        this.options = options;
        this.clock = options.manualClockStart() != null
                ? new ManualRuntimeClock(options.manualClockStart())
                : new SystemRuntimeClock();
        List<DurableRuntime.Binding> bindings = ownBindings(options.workerName(), options.durableObjects());
        this.runtime = new DurableRuntime(
                clock,
                options.workerName(),
                options.worker(),
                bindings,
                options.migrations(),
                options.vars(),
                options.defaultLocation(),
                options.strictLimits(),
                options.blockConcurrencyTimeout().toMillis(),
                errors,
                new StorageEngine(options.persistTo(), options.strictLimits(), options.sharedStateDirectory()),
                options.idleTimeout() == null ? -1 : options.idleTimeout().toMillis(),
                options.attachmentLimit(),
                Compatibility.of(options.compatibilityDate(), options.compatibilityFlags()),
                options.pointInTimeRecovery(),
                options.timelineSize(),
                options.journal(),
                options.chaosHibernation(),
                options.honourRetryAlarm());
        configureWorkers(options);
        this.clockStart = clock.millis();
        this.settled = clock instanceof ManualRuntimeClock m
                ? new dev.partyflare.emulator.internal.time.SettledClock(
                        m, runtime.activity(), options.settleTimeout(), options.autoTimeSkipping())
                : null;
        RuntimeClock c = clock;
        runtime.storage().faults().useSleeper(ms -> c.sleepUntil(c.millis() + ms));
        if (options.outbound() != null) {
            setOutbound(options.outbound());
        }
        runtime.setObjectRouter(options.objectRouter());
        // after the router: with one, an alarm due at once is routed, never run here
        runtime.scheduleStoredAlarms();
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
        this.time = new ClockControl(clock, settled, runtime.activity(), options.settleTimeout());
        runtime.setTestScheduled(options.testScheduled());
        runtime.setCronTriggers(cronExpressions(options));
        runtime.startWatchdog(options.eventTimeout());
    }

    private static List<dev.partyflare.emulator.internal.cron.CronExpression> cronExpressions(EmulatorOptions o) {
        List<dev.partyflare.emulator.internal.cron.CronExpression> out = new ArrayList<>();
        for (String c : o.cronTriggers()) {
            out.add(dev.partyflare.emulator.internal.cron.CronExpression.parse(c));
        }
        return out;
    }

    /**
     * Fires the Worker's {@code scheduled} handler now, as a cron trigger would (Miniflare's {@code
     * scheduled()}; {@code /cdn-cgi/handler/scheduled} over HTTP), with {@code scheduledTime} now on the
     * runtime clock, and waits for it and its {@code waitUntil} work. Never throws for errors of user
     * code: they make the outcome {@code exception}.
     *
     * @param cron the cron to report in {@code controller.cron()} (need not be configured)
     */
    public ScheduledResult runScheduled(String cron) {
        return runScheduled(cron, Instant.ofEpochMilli(clock.millis()));
    }

    /** {@link #runScheduled(String)} with the given {@code scheduledTime}. */
    public ScheduledResult runScheduled(String cron, Instant scheduledTime) {
        java.util.Objects.requireNonNull(cron, "cron");
        dev.partyflare.emulator.internal.exec.Activity.Work work =
                runtime.activity().begin("Worker scheduled", () -> "\"" + cron + "\"");
        Runnable waited = settled == null ? () -> {} : settled.startWaiting();
        java.util.concurrent.CompletableFuture<DurableRuntime.ScheduledRun> run;
        try {
            run = java.util.concurrent.CompletableFuture.supplyAsync(
                            () -> {
                                work.attach();
                                try {
                                    return runtime.scheduled(cron, scheduledTime.toEpochMilli());
                                } finally {
                                    work.end();
                                }
                            },
                            callers)
                    .thenCompose(f -> f);
        } catch (RuntimeException e) {
            waited.run();
            work.end();
            throw e;
        }
        try {
            DurableRuntime.ScheduledRun r = run.get();
            return new ScheduledResult(r.ok() ? "ok" : "exception", r.noRetry(), r.error());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running the scheduled handler", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("The emulator failed to run the scheduled handler", e.getCause());
        } finally {
            waited.run();
        }
    }

    /** The Worker's cron triggers and when each fires next on the runtime clock. */
    public List<CronTrigger> cronTriggers() {
        return triggers(runtime.cronTriggers());
    }

    /** The cron triggers of the other Worker {@code worker} ({@code NamedWorker.withCronTriggers}). */
    public List<CronTrigger> cronTriggers(String worker) {
        return triggers(runtime.cronTriggersOf(worker));
    }

    private static List<CronTrigger> triggers(
            List<dev.partyflare.emulator.internal.runtime.CronScheduler.Entry> entries) {
        List<CronTrigger> out = new ArrayList<>();
        for (var e : entries) {
            out.add(new CronTrigger(
                    e.cron(), e.next() < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(e.next()))));
        }
        return out;
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
        dev.partyflare.emulator.internal.exec.Activity.Work work =
                runtime.activity().begin("Worker fetch", () -> request.method() + " " + request.path());
        // the caller waits: time may skip; the wait ends before the work does, so it never skips
        // between the response and the caller seeing it
        Runnable waited = settled == null ? () -> {} : settled.startWaiting();
        if (Thread.currentThread().isVirtual()) {
            // already on a virtual thread (the test harness calls from one): no hand-over to another
            work.attach();
            try {
                return runtime.fetchCounted(request);
            } finally {
                waited.run();
                work.end();
            }
        }
        Future<Response> f;
        try {
            f = callers.submit(() -> {
                work.attach();
                try {
                    return runtime.fetchCounted(request);
                } finally {
                    waited.run();
                    work.end();
                }
            });
        } catch (RuntimeException e) {
            waited.run();
            work.end();
            throw e;
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + request, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("The emulator failed to serve " + request, e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("The emulator failed to serve " + request, e);
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
     * SPI ({@link ObjectRouter}): a stub of the object {@code id} of {@code binding} whose calls run in
     * this emulator without consulting the router: how the node that owns an id delivers the calls a
     * router sent it (and evicts the object when the id moves away).
     *
     * @param locationHint the hint the caller's stub was made with, or null
     */
    public DurableObjectStub stubHere(String binding, dev.partyflare.durable.DurableObjectId id, String locationHint) {
        return routed(binding).stubHere(id, locationHint);
    }

    /**
     * The binding name of the namespace {@code stub} belongs to, as a router sees it in {@link
     * ObjectRouter.Call#binding()} (tools: a cluster's test harness asks the owner of an object by it).
     *
     * @throws IllegalArgumentException when {@code stub} is not a stub of this emulator
     */
    public String binding(DurableObjectStub stub) {
        return runtime.namespaceOf(stub).binding();
    }

    /**
     * SPI ({@link ObjectRouter}): the binding names a router sees in {@link ObjectRouter.Call#binding()},
     * one per namespace: the main Worker's bindings and those of other Workers' own classes (a class
     * bound by several Workers is one namespace, named by the Worker that defines it). A router that
     * keys its routes by these names must see each once: two Workers defining a binding of the same
     * name appear twice here.
     */
    public List<String> routedBindings() {
        return runtime.allNamespaces().stream()
                .map(dev.partyflare.emulator.internal.actor.ActorNamespace::binding)
                .toList();
    }

    /** The namespace a routed call names: by the binding its stubs report, in any Worker. */
    private dev.partyflare.emulator.internal.actor.ActorNamespace routed(String binding) {
        dev.partyflare.emulator.internal.actor.ActorNamespace found = null;
        for (dev.partyflare.emulator.internal.actor.ActorNamespace ns : runtime.allNamespaces()) {
            if (ns.binding().equals(binding)) {
                if (found != null) {
                    throw new IllegalStateException("Two Durable Object namespaces are bound as \"" + binding
                            + "\": a routed call cannot tell them apart");
                }
                found = ns;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("No Durable Object binding \"" + binding + "\"");
        }
        return found;
    }

    /**
     * SPI ({@link ObjectRouter}): where object {@code id} of {@code binding} was placed, as recorded in
     * the namespace index of this emulator's state directory. When no location is recorded and {@code
     * proposed} (a location hint name) is not null, it is recorded first: on a shared state directory
     * the record is written under the index file's lock, so of several nodes placing one object at
     * once the first wins and every one of them gets its location. Returns null when nothing is
     * recorded and nothing was proposed. How a cluster with data centers keeps one place per object.
     */
    public String placeObject(String binding, dev.partyflare.durable.DurableObjectId id, String proposed) {
        return routed(binding).place(id, proposed);
    }

    /**
     * SPI ({@link ObjectRouter}): an RPC call on {@link #stubHere}'s object, arguments and result as
     * JSON (null for a null argument or a void result), as {@link ObjectRouter#rpc} receives them;
     * an {@code RpcTarget} or a function in them is a reference ({@link RpcReferences}).
     */
    public byte[] rpcHere(DurableObjectStub here, String method, byte[][] jsonArgs) {
        return dev.partyflare.emulator.internal.actor.ActorNamespace.rpcHere(here, method, jsonArgs);
    }

    /**
     * SPI ({@link ObjectRouter#alarm}): where a routed alarm enters the node that owns the object.
     * Runs the object's stored alarm if it is due on this emulator's clock; one stored for later is
     * scheduled here instead, and none (it ran already, or was deleted) does nothing, constructing
     * nothing. Returns whether the alarm ran.
     */
    public boolean runDueAlarm(String binding, dev.partyflare.durable.DurableObjectId id) {
        return routed(binding).runDueAlarm(id);
    }

    /**
     * SPI ({@link ObjectRouter}): reads every namespace's stored alarms again from the (shared) state
     * directory and schedules them, so alarms that other nodes' objects stored are routed when due:
     * how a cluster node takes over the alarms of a node that left or crashed.
     */
    public void rescheduleStoredAlarms() {
        runtime.rescheduleStoredAlarms();
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
     * runDurableObjectAlarm}). With an {@link ObjectRouter} (a cluster) it runs on the node that owns
     * the object.
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
        return runtime.namespaces().get(binding).inspector().objectIds();
    }

    /**
     * Every live or hibernated object of every namespace, other Workers' classes included (names as far
     * as they are known); {@link #allObjects()} adds the evicted ones that have stored data or a
     * pending alarm.
     */
    public List<ObjectInfo> objects() {
        List<ObjectInfo> out = new ArrayList<>();
        runtime.allNamespaces().forEach(ns -> out.addAll(ns.inspector().describe(false)));
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
        runtime.allNamespaces().forEach(ns -> out.addAll(ns.inspector().describeAll()));
        return out;
    }

    /** What the runtime knows of the object behind {@code stub} (see {@link #allObjects()}); empty if nothing. */
    public Optional<ObjectInfo> object(DurableObjectStub stub) {
        String hex = stub.id().toString();
        return runtime.namespaceOf(stub).inspector().describeAll().stream()
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
        // every namespace, those of other Workers' classes too
        for (dev.partyflare.emulator.internal.actor.ActorNamespace ns : runtime.allNamespaces()) {
            ns.resetAll(RESET_REASON);
        }
    }

    private static final String RESET_REASON = "The Durable Object was reset by partyflare (reset of all state).";

    /**
     * Everything {@link #reset()} does, and what else a fresh emulator would not have: the manual
     * clock goes back to where it started (pending timers forgotten), faults and the outbound
     * handler are removed, the journal is emptied. What is left is the Worker and the classes; a
     * test that runs after it cannot tell it from a new emulator. Wait for work in flight first
     * ({@link #awaitIdle}): events that are still running when it resets are stopped with their
     * objects.
     */
    public void resetAll() {
        reset();
        clearFaults();
        runtime.setOutboundHandler(null);
        if (runtime.journal() != null) {
            runtime.journal().clear();
        }
        if (clock instanceof ManualRuntimeClock m) {
            m.resetTo(clockStart);
            runtime.rescheduleCronTriggers(); // the clock forgot their timers
        }
        runtime.forgetWaitingWork();
    }

    /** {@link #reset()} for the namespace bound as {@code binding} only. */
    public void reset(String binding) {
        dev.partyflare.emulator.internal.actor.ActorNamespace ns =
                runtime.namespaces().get(binding);
        if (ns == null) {
            throw new IllegalArgumentException("No Durable Object binding \"" + binding + "\"; the bindings are "
                    + runtime.namespaces().keySet());
        }
        ns.resetAll(RESET_REASON);
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
                runtime.namespaceOf(stub).inspector().socket(stub, socketId);
        if (ws == null) {
            throw new IllegalArgumentException("The object " + stub.id() + " has no open WebSocket #" + socketId);
        }
        return ws;
    }

    /**
     * Waits (real time, at most {@code timeout}) until the runtime is quiet: no event, alarm run or
     * socket event in flight except those waiting on the clock. On a manual clock this is {@link
     * TimeControl#runUntilIdle()} with its own timeout (nothing moves the clock). Returns false on
     * timeout.
     */
    public boolean awaitIdle(Duration timeout) {
        try {
            runtime.activity().awaitQuiet(timeout, "(awaitIdle)");
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    /** What keeps the runtime from being idle now: each piece of work in flight that does not wait on the clock. */
    public List<String> workInFlight() {
        return runtime.activity().describeActive();
    }

    // ---- faults (tests) ----

    /**
     * The next {@code commits} storage commits of the object behind {@code stub} fail, as a failed
     * write does on Cloudflare: the object is reset, its callers get {@code Internal error in Durable
     * Object storage write caused object to be reset.} and the outputs held behind the write (a
     * response, socket messages) are dropped. 0 clears.
     */
    public void failNextCommits(DurableObjectStub stub, int commits) {
        if (commits < 0) {
            throw new IllegalArgumentException("commits cannot be negative: " + commits);
        }
        runtime.namespaceOf(stub);
        runtime.storage().faults().failNextCommits(stub.id().toString(), commits);
        runtime.namespaceOf(stub).recordAdmin(stub, "fault", "the next " + commits + " commit(s) fail");
    }

    /**
     * Every storage commit of the object behind {@code stub} (of every object, when {@code stub} is
     * null) takes {@code latency} on the runtime clock, holding the object's input gate and its
     * outputs meanwhile: on a manual clock, responses wait until time is advanced (or skipped).
     * {@link Duration#ZERO} clears.
     */
    public void slowStorage(DurableObjectStub stub, Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency cannot be negative: " + latency);
        }
        String id = stub == null ? null : stub.id().toString();
        if (stub != null) {
            runtime.namespaceOf(stub);
        }
        runtime.storage().faults().slowCommits(id, latency.toMillis());
    }

    /**
     * The next {@code calls} calls through stubs ({@code fetch} and RPC) to the object behind {@code
     * stub} are refused as Cloudflare refuses calls to an object whose queue is full: a {@link
     * dev.partyflare.durable.DurableObjectException} with {@code Durable Object is overloaded. Too many
     * requests queued.} and {@code overloaded()} set (a Worker that does not catch it answers 500). A
     * negative count refuses every call until cleared with 0.
     */
    public void overload(DurableObjectStub stub, int calls) {
        runtime.namespaceOf(stub);
        runtime.faults().overload(stub.id().toString(), calls);
    }

    /**
     * Breaks every WebSocket of the object behind {@code stub}, standard and hibernatable, as a network
     * failure would: clients see 1006 without a close frame, and the object's close handlers get 1006
     * {@code WebSocket disconnected without sending Close frame.} ({@code wasClean} false). Returns how
     * many were broken.
     */
    public int dropSockets(DurableObjectStub stub) {
        List<dev.partyflare.emulator.internal.websocket.WebSocketEnd> all =
                runtime.namespaceOf(stub).inspector().openSockets(stub);
        for (dev.partyflare.emulator.internal.websocket.WebSocketEnd ws : all) {
            ws.peerEnd().disconnect();
        }
        runtime.namespaceOf(stub).recordAdmin(stub, "sockets.drop", all.size() + " socket(s)");
        return all.size();
    }

    /** Removes every injected fault: commit failures, slow storage, overloaded objects. */
    public void clearFaults() {
        runtime.storage().faults().clear();
        runtime.faults().clear();
    }

    // ---- outbound fetch ----

    /**
     * Answers every outbound {@code fetch} of the Worker and of objects with {@code handler} from now
     * on, instead of the network; null sends them to the network again.
     */
    public void setOutbound(OutboundHandler handler) {
        if (handler == null) {
            runtime.setOutboundHandler(null);
            return;
        }
        runtime.setOutboundHandler(req -> {
            try {
                return handler.handle(req);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("fetch() to " + req.url() + " failed: " + e.getMessage(), e);
            }
        });
    }

    // ---- the journal ----

    /**
     * What the object behind {@code stub} received, oldest first: requests, RPC calls with their
     * arguments, WebSocket messages (at most 1,000 per object). Empty unless the emulator records a
     * journal ({@link EmulatorOptions.Builder#journal(boolean)}; the test harness does).
     */
    public List<JournalEntry> journal(DurableObjectStub stub) {
        dev.partyflare.emulator.internal.actor.Journal j = runtime.journal();
        if (j == null) {
            runtime.namespaceOf(stub);
            return List.of();
        }
        List<JournalEntry> out = new ArrayList<>();
        for (dev.partyflare.emulator.internal.actor.Journal.Entry e :
                j.entries(runtime.namespaceOf(stub), stub.id().toString())) {
            out.add(entry(e));
        }
        return out;
    }

    /** Everything every object received, in order (see {@link #journal(DurableObjectStub)}). */
    public List<JournalEntry> journal() {
        dev.partyflare.emulator.internal.actor.Journal j = runtime.journal();
        if (j == null) {
            return List.of();
        }
        List<JournalEntry> out = new ArrayList<>();
        for (dev.partyflare.emulator.internal.actor.Journal.Entry e : j.all()) {
            out.add(entry(e));
        }
        return out;
    }

    private static JournalEntry entry(dev.partyflare.emulator.internal.actor.Journal.Entry e) {
        return new JournalEntry(
                e.seq(),
                Instant.ofEpochMilli(e.time()),
                e.binding(),
                e.objectId(),
                e.objectName(),
                JournalEntry.Kind.valueOf(e.kind().name()),
                e.name(),
                e.path(),
                e.headers(),
                e.text(),
                e.bytes(),
                e.args(),
                e.socket(),
                Emulator::canonicalJson);
    }

    private static String canonicalJson(Object value) {
        if (value instanceof JournalEntry.RawJson raw) {
            return dev.partyflare.emulator.internal.json.Json.writeString(
                    dev.partyflare.emulator.internal.json.Json.readUntyped(
                            raw.text().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return canonicalJson(new JournalEntry.RawJson(dev.partyflare.emulator.internal.json.Json.writeString(value)));
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
        List<DurableRuntime.Binding> bindings = ownBindings(newOptions.workerName(), newOptions.durableObjects());
        runtime.reload(
                newOptions.worker(), bindings, newOptions.migrations(), newOptions.vars(), newOptions.workerName());
        configureWorkers(newOptions);
        runtime.setTestScheduled(newOptions.testScheduled());
        if (!newOptions
                .cronTriggers()
                .equals(runtime.cronTriggers().stream().map(e -> e.cron()).toList())) {
            runtime.setCronTriggers(cronExpressions(newOptions));
        }
    }

    /** The Durable Object bindings of {@code worker} to classes of its own. */
    private static List<DurableRuntime.Binding> ownBindings(
            String worker, List<EmulatorOptions.DurableObjectBinding> all) {
        List<DurableRuntime.Binding> out = new ArrayList<>();
        for (EmulatorOptions.DurableObjectBinding b : all) {
            if (!b.isOfOtherWorker(worker)) {
                out.add(runtimeBinding(b));
            }
        }
        return out;
    }

    private static DurableRuntime.Binding runtimeBinding(EmulatorOptions.DurableObjectBinding b) {
        return new DurableRuntime.Binding(b.binding(), b.className(), b.type(), b.sqlite(), b.scriptName());
    }

    /**
     * Hands the service bindings, the other Workers and every binding to another Worker's class
     * ({@code script_name}) of {@code o} to the runtime.
     */
    private void configureWorkers(EmulatorOptions o) {
        List<DurableRuntime.OtherWorker> others = new ArrayList<>();
        for (EmulatorOptions.NamedWorker w : o.workers()) {
            others.add(new DurableRuntime.OtherWorker(
                    w.name(),
                    w.worker(),
                    w.vars(),
                    serviceMap(w.services()),
                    w.entrypoints(),
                    w.durableObjects().stream().map(Emulator::runtimeBinding).toList(),
                    w.migrations(),
                    w.cronTriggers().stream()
                            .map(dev.partyflare.emulator.internal.cron.CronExpression::parse)
                            .toList()));
        }
        List<DurableRuntime.Binding> foreign = new ArrayList<>();
        for (EmulatorOptions.DurableObjectBinding b : o.durableObjects()) {
            if (b.isOfOtherWorker(o.workerName())) {
                foreign.add(runtimeBinding(b));
            }
        }
        runtime.configureWorkers(serviceMap(o.services()), o.entrypoints(), foreign, others);
    }

    private static java.util.Map<String, DurableRuntime.ServiceTarget> serviceMap(
            List<EmulatorOptions.ServiceBindingSpec> specs) {
        java.util.Map<String, DurableRuntime.ServiceTarget> m = new java.util.LinkedHashMap<>();
        for (EmulatorOptions.ServiceBindingSpec s : specs) {
            m.put(s.binding(), new DurableRuntime.ServiceTarget(s.service(), s.entrypoint(), s.props()));
        }
        return m;
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
        if (settled != null) {
            settled.close();
        }
        runtime.crash();
        callers.shutdownNow();
    }

    /** How long a close waits for work in flight to release the sockets' close frames, then for them to be written. */
    private static final Duration SHUTDOWN_FLUSH = Duration.ofMillis(500);

    /** Stops serving: every WebSocket is closed with 1001 (going away), then threads are released. */
    @Override
    public void close() {
        runtime.beginShutdown();
        if (http != null && runtime.closeAllSockets(1001, "Going Away") > 0) {
            // the close frames leave before the server stops: a close held by its object's output gate
            // (a commit in flight) is released once the runtime is idle, then written by the I/O threads
            awaitIdle(SHUTDOWN_FLUSH);
            http.awaitWritten(SHUTDOWN_FLUSH);
        }
        if (http != null) {
            http.close();
        }
        if (settled != null) {
            settled.close();
        }
        runtime.close();
        callers.shutdownNow();
    }

    private static final class ClockControl implements TimeControl {
        private final RuntimeClock clock;
        private final dev.partyflare.emulator.internal.time.SettledClock settled;
        private final dev.partyflare.emulator.internal.exec.Activity activity;
        private final Duration settleTimeout;

        ClockControl(
                RuntimeClock clock,
                dev.partyflare.emulator.internal.time.SettledClock settled,
                dev.partyflare.emulator.internal.exec.Activity activity,
                Duration settleTimeout) {
            this.clock = clock;
            this.settled = settled;
            this.activity = activity;
            this.settleTimeout = settleTimeout;
        }

        @Override
        public Instant now() {
            return Instant.ofEpochMilli(clock.millis());
        }

        @Override
        public boolean isControllable() {
            return settled != null;
        }

        private dev.partyflare.emulator.internal.time.SettledClock manual() {
            if (settled != null) {
                return settled;
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
        public void runUntilIdle() {
            if (settled != null) {
                settled.runUntilIdle();
                return;
            }
            try {
                activity.awaitQuiet(settleTimeout, "(runUntilIdle)");
            } catch (TimeoutException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        @Override
        public Optional<Instant> advanceToNextTimer() {
            long t = manual().advanceToNext();
            return t < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(t));
        }

        @Override
        public Optional<Instant> nextTimer() {
            long t = manual().clock().nextDue();
            return t < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(t));
        }

        @Override
        public void setAutoSkip(boolean on) {
            manual().setAutoSkip(on);
        }

        @Override
        public boolean isAutoSkip() {
            return settled != null && settled.autoSkip();
        }

        @Override
        public Runnable startWaiting() {
            return settled == null ? () -> {} : settled.startWaiting();
        }

        @Override
        public <T> T whileWaiting(java.util.function.Supplier<T> wait) {
            if (settled == null) {
                return wait.get();
            }
            try {
                return settled.whileWaiting(wait::get);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int pendingTimers() {
            return clock.pending();
        }

        @Override
        public void awaitPendingTimers(int count, Duration timeout) {
            if (!(clock instanceof ManualRuntimeClock m)) {
                throw new IllegalStateException(
                        "This emulator runs on real time; awaitPendingTimers needs a manual clock");
            }
            try {
                m.awaitPending(count, timeout);
            } catch (TimeoutException e) {
                throw new IllegalStateException(e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + count + " pending timers", e);
            }
        }
    }
}
