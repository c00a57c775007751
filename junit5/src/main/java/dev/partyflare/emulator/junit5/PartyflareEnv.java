package dev.partyflare.emulator.junit5;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.durable.DurableObjectNamespace;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import dev.partyflare.emulator.InDurableObject;
import dev.partyflare.emulator.ObjectInfo;
import dev.partyflare.emulator.TimeControl;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One emulator as a test uses it: in-process by default, on a controllable clock, with clients,
 * in-object access, alarm and hibernation control, and bounded waits. The JUnit extension ({@link
 * PartyflareExtension}, {@link PartyflareTest}) makes one per test (or per class) and closes it
 * afterwards; outside JUnit, {@link #start(EmulatorOptions)} and {@code try}-with-resources do the
 * same.
 *
 * <p>Every call that waits does so for at most {@link #waitTimeout()} of real time and then fails
 * with a {@link PartyflareTimeoutError} that says what was awaited and what the objects were doing.
 */
public final class PartyflareEnv implements AutoCloseable {
    /** The wait timeout unless configured. */
    public static final Duration DEFAULT_WAIT_TIMEOUT = Duration.ofSeconds(5);

    private static final ThreadLocal<PartyflareEnv> CURRENT = new ThreadLocal<>();
    private static final Set<PartyflareEnv> LIVE = ConcurrentHashMap.newKeySet();

    /** An exception user code threw that reached no caller (an alarm, a socket listener, a 500). */
    public record UncaughtError(Instant at, String where, Throwable error) {
        @Override
        public String toString() {
            return "uncaught in " + where + " at " + at + ": " + error;
        }
    }

    /** What happens to hibernatable WebSockets when an object is evicted (as vitest's option). */
    public enum WebSocketsOnEvict {
        /** They stay connected; the next event on one constructs the object again. */
        HIBERNATE,
        /** They are dropped: clients see 1006. */
        CLOSE
    }

    private final Emulator emulator;
    /** The emulators of a cluster's nodes (the first is {@link #emulator}); one without a cluster. */
    private final List<Emulator> nodes;
    /** The in-process cluster, or null. */
    private final TestClusterProvider.TestCluster cluster;

    private final TimeControl time;
    /** Requests entered so far: a cluster's requests enter through its nodes in turn. */
    private final java.util.concurrent.atomic.AtomicLong entered = new java.util.concurrent.atomic.AtomicLong();

    private final Duration waitTimeout;
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private final List<UncaughtError> errors = new CopyOnWriteArrayList<>();
    private final List<TestWebSocket> sockets = new CopyOnWriteArrayList<>();
    private final TestClient client;
    private volatile TestClient httpClient;
    private volatile int testMark;
    private volatile int errorMark;
    /** Per node: the timeline's last sequence number when the current test began. */
    private final long[] timelineMarks;

    private volatile OutboundMock outbound;
    private volatile boolean closed;

    private PartyflareEnv(EmulatorOptions options, Duration waitTimeout) {
        this.waitTimeout = Objects.requireNonNull(waitTimeout, "waitTimeout");
        Emulator[] self = new Emulator[1];
        this.emulator = Emulator.start(
                options,
                null,
                (where, error) -> errors.add(new UncaughtError(
                        self[0] == null ? Instant.now() : self[0].time().now(), where, error)));
        self[0] = emulator;
        this.nodes = List.of(emulator);
        this.cluster = null;
        this.time = emulator.time();
        this.timelineMarks = new long[1];
        this.client = TestClient.inProcess(this);
        LIVE.add(this);
    }

    private PartyflareEnv(EmulatorOptions options, int clusterNodes, Duration waitTimeout) {
        this.waitTimeout = Objects.requireNonNull(waitTimeout, "waitTimeout");
        if (options.autoTimeSkipping()) {
            throw new IllegalArgumentException("automatic time skipping is not offered on a cluster: each node has"
                    + " its own clock; move them together with time().advance(...)");
        }
        TestClusterProvider provider = java.util.ServiceLoader.load(
                        TestClusterProvider.class, PartyflareEnv.class.getClassLoader())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("a cluster of " + clusterNodes
                        + " nodes needs partyflare-cluster on the test class path: add the dependency"
                        + " dev.partyflare:partyflare-cluster (test scope) beside partyflare-junit5"));
        TimeControl[] clock = new TimeControl[1];
        this.cluster = provider.start(
                clusterNodes,
                options,
                (where, error) ->
                        errors.add(new UncaughtError(clock[0] == null ? Instant.now() : clock[0].now(), where, error)));
        this.nodes = List.copyOf(cluster.nodes());
        this.emulator = nodes.get(0);
        this.time = new ClusterTime(nodes.stream().map(Emulator::time).toList());
        clock[0] = time;
        this.timelineMarks = new long[nodes.size()];
        this.client = TestClient.inProcess(this);
        LIVE.add(this);
    }

    /** Starts an emulator with {@code options} used as given, and the default wait timeout. */
    public static PartyflareEnv start(EmulatorOptions options) {
        return start(options, DEFAULT_WAIT_TIMEOUT);
    }

    /** Starts an emulator with {@code options} used as given. */
    public static PartyflareEnv start(EmulatorOptions options, Duration waitTimeout) {
        return new PartyflareEnv(options, waitTimeout);
    }

    /**
     * Starts an in-process cluster of {@code nodes} nodes, each an emulator with {@code options}, on
     * one shared temporary state directory (as {@link PartyflareTest#clusterNodes()}); needs {@code
     * partyflare-cluster} on the class path.
     *
     * @throws IllegalStateException when partyflare-cluster is not on the class path
     */
    public static PartyflareEnv startCluster(EmulatorOptions options, int nodes, Duration waitTimeout) {
        if (nodes < 2) {
            throw new IllegalArgumentException(
                    "a cluster has at least 2 nodes here, got " + nodes + " (one emulator: PartyflareEnv.start)");
        }
        return new PartyflareEnv(options, nodes, waitTimeout);
    }

    // ---- the runtime ----

    /** The emulator itself; in a cluster, the first node's. */
    public Emulator emulator() {
        return emulator;
    }

    /** The emulators of a cluster's nodes, in start order; the one emulator without a cluster. */
    public List<Emulator> nodes() {
        return nodes;
    }

    /** The emulator the next in-process request enters through: in a cluster, the nodes in turn. */
    Emulator entry() {
        return nodes.size() == 1 ? emulator : nodes.get((int) (entered.getAndIncrement() % nodes.size()));
    }

    /** The emulator that runs the object behind {@code stub}, and a stub of the object there. */
    record At(Emulator emulator, DurableObjectStub stub) {}

    /**
     * Where the object behind {@code stub} runs: this emulator, or in a cluster the node that owns it
     * (asked of the cluster, which places the id there if it was nowhere; nothing is constructed).
     */
    At at(DurableObjectStub stub) {
        if (cluster == null) {
            return new At(emulator, stub);
        }
        String binding = null;
        for (Emulator n : nodes) {
            try {
                binding = n.binding(stub);
                break;
            } catch (IllegalArgumentException e) {
                // a stub of another node
            }
        }
        if (binding == null) {
            throw new IllegalArgumentException("The stub " + stub.id() + " belongs to none of this cluster's nodes");
        }
        Emulator owner = nodes.get(cluster.ownerOf(binding, stub.id()));
        return new At(owner, owner.stubHere(binding, stub.id(), null));
    }

    /** The Worker's bindings ({@code env}). */
    public Env env() {
        return emulator.env();
    }

    /** The runtime clock; in a cluster, every node's clock moved together. */
    public TimeControl time() {
        return time;
    }

    /** The options the emulator runs with. */
    public EmulatorOptions options() {
        return emulator.options();
    }

    /** How long every waiting call of this environment waits at most (real time). */
    public Duration waitTimeout() {
        return waitTimeout;
    }

    /** The namespace bound as {@code binding}. */
    public DurableObjectNamespace namespace(String binding) {
        return emulator.namespace(binding);
    }

    /**
     * The namespace of {@code type}.
     *
     * @throws IllegalArgumentException when {@code type} is bound under no name, or several
     */
    public DurableObjectNamespace namespace(Class<? extends DurableObject> type) {
        List<String> names = new ArrayList<>();
        for (EmulatorOptions.DurableObjectBinding b : options().durableObjects()) {
            if (b.type().equals(type)) {
                names.add(b.binding());
            }
        }
        if (names.size() != 1) {
            throw new IllegalArgumentException(type.getName() + " is bound "
                    + (names.isEmpty() ? "under no name" : "under several names " + names)
                    + "; the bindings are " + bindingNames() + ". Use namespace(\"BINDING\").");
        }
        return emulator.namespace(names.get(0));
    }

    /** The stub of the object named {@code name} in namespace {@code binding}. */
    public DurableObjectStub stub(String binding, String name) {
        return namespace(binding).getByName(name);
    }

    /** The stub of the object named {@code name} of class {@code type}. */
    public DurableObjectStub stub(Class<? extends DurableObject> type, String name) {
        return namespace(type).getByName(name);
    }

    private List<String> bindingNames() {
        return options().durableObjects().stream()
                .map(EmulatorOptions.DurableObjectBinding::binding)
                .toList();
    }

    // ---- clients ----

    /** The in-process client (no port): calls the Worker directly. */
    public TestClient client() {
        return client;
    }

    /**
     * A client that goes through the emulator's real port.
     *
     * @throws IllegalStateException when the emulator does not serve HTTP
     */
    public TestClient httpClient() {
        TestClient c = httpClient;
        if (c == null) {
            synchronized (this) {
                c = httpClient;
                if (c == null) {
                    c = TestClient.network(
                            this,
                            emulator.url()
                                    .orElseThrow(() -> new IllegalStateException(
                                            "This emulator serves no HTTP; enable it with @PartyflareTest(http = true)"
                                                    + " or EmulatorOptions.Builder.http(true)")));
                    httpClient = c;
                }
            }
        }
        return c;
    }

    /** {@code client().get(pathOrUrl)}: in-process. */
    public Response fetch(String pathOrUrl) {
        return client.get(pathOrUrl);
    }

    /** {@code client().fetch(request)}: in-process. */
    public Response fetch(Request request) {
        return client.fetch(request);
    }

    /** {@code client().connect(pathOrUrl)}: an in-process WebSocket. */
    public TestWebSocket connect(String pathOrUrl) {
        return client.connect(pathOrUrl);
    }

    // ---- inside objects ----

    /**
     * Runs {@code code} inside the object behind {@code stub}, as one of its events: the input gate
     * is held, storage works as in a handler, and writes commit when it returns. The object is
     * created if it is not live. Exceptions thrown by {@code code} propagate unchanged.
     *
     * <pre>{@code
     * long n = env.runInDurableObject(stub, (Counter c, DurableObjectState ctx) -> c.count());
     * }</pre>
     *
     * @throws PartyflareTimeoutError when the object does not let the event in, or it does not
     *     finish, within the wait timeout
     */
    public <O extends DurableObject, T> T runInDurableObject(DurableObjectStub stub, InDurableObject<O, T> code) {
        return bounded(
                "runInDurableObject on " + describe(stub),
                () -> {
                    At a = at(stub);
                    return a.emulator().runInDurableObject(a.stub(), code);
                },
                stub);
    }

    /**
     * Runs the alarm of the object behind {@code stub} now, if one is set, without moving the clock
     * (vitest's {@code runDurableObjectAlarm}): in one event with the input gate held, the alarm is
     * deleted and {@code alarm(info)} is called with {@code scheduledTime} = the alarm's time, {@code
     * retryCount} 0. Returns false, running nothing, when no alarm is set.
     *
     * <p>Unlike an alarm that comes due, an exception thrown by {@code alarm()} propagates to the
     * caller and schedules no retry (the alarm stays deleted; writes made before the throw stand).
     * To run an alarm through the runtime's own path, with retries, use {@link
     * #advanceToAlarm(DurableObjectStub)}.
     */
    public boolean runAlarm(DurableObjectStub stub) {
        return emulator().runAlarm(stub);
    }

    /**
     * Fires the Worker's {@code scheduled} handler now with {@code controller.cron()} = {@code cron}
     * (configured or not) and {@code scheduledTime} now on the runtime clock, and waits until it and
     * its {@code waitUntil} work have ended, as vitest-pool-workers' {@code SELF.scheduled()} does.
     * Errors of the handler do not throw: the result's outcome is {@code exception}, and they are in
     * {@link #uncaughtErrors()}. Configured cron triggers also fire by themselves whenever the clock
     * passes their minute ({@code time().advance(...)}).
     */
    public dev.partyflare.emulator.ScheduledResult runScheduled(String cron) {
        return emulator().runScheduled(cron);
    }

    /** {@link #runScheduled(String)} with the given {@code scheduledTime}. */
    public dev.partyflare.emulator.ScheduledResult runScheduled(String cron, Instant scheduledTime) {
        return emulator().runScheduled(cron, scheduledTime);
    }

    /** The configured cron triggers and when each fires next on the runtime clock. */
    public List<dev.partyflare.emulator.CronTrigger> cronTriggers() {
        return emulator().cronTriggers();
    }

    /**
     * Moves the clock to the alarm of the object behind {@code stub} (firing every timer and alarm
     * due until then, as real time would) and waits until that alarm has run. Returns false, doing
     * nothing, when no alarm is set. An alarm already due is only waited for.
     *
     * <p>"Has run" means the stored alarm is no longer the one that was due: it was consumed, or the
     * handler set another, or it failed and a retry was scheduled (the failure is in {@link
     * #uncaughtErrors()}).
     */
    public boolean advanceToAlarm(DurableObjectStub stub) {
        Optional<Instant> at = storage(stub).alarm();
        if (at.isEmpty()) {
            return false;
        }
        long delta = at.get().toEpochMilli() - time().now().toEpochMilli();
        if (time().isControllable()) {
            // settled time: when advance returns, the alarm (and what it started) has run
            time().advance(Duration.ofMillis(Math.max(0, delta)));
            if (storage(stub).alarm().equals(at)) {
                throw new AssertionError("The alarm of " + describe(stub) + " set for " + at.get()
                        + " did not run when the clock reached it; " + describeObjects());
            }
            return true;
        }
        await(
                "the alarm of " + describe(stub) + " set for " + at.get() + " to run",
                () -> !storage(stub).alarm().equals(at));
        return true;
    }

    /** Reads and writes the storage of the object behind {@code stub} (each call is an event). */
    public StorageView storage(DurableObjectStub stub) {
        return new StorageView(this, stub);
    }

    // ---- objects and their lifecycle ----

    /** Every live or hibernated object (of every node of a cluster). */
    public List<ObjectInfo> objects() {
        if (nodes.size() == 1) {
            return emulator.objects();
        }
        List<ObjectInfo> all = new ArrayList<>();
        for (Emulator n : nodes) {
            all.addAll(n.objects());
        }
        return all;
    }

    /** What the emulator knows about the object behind {@code stub}; empty when not in memory. */
    public Optional<ObjectInfo> objectInfo(DurableObjectStub stub) {
        String hex = stub.id().toString();
        return objects().stream().filter(o -> o.id().equals(hex)).findFirst();
    }

    /**
     * The ids of the objects of namespace {@code binding} that are live or hibernated, in id order
     * (named ids carry their name).
     *
     * <p>Unlike vitest's {@code listDurableObjectIds}, an object that was evicted (or went idle)
     * and still has stored data is not listed: the emulator's public API does not expose the stored
     * ids yet.
     */
    public List<DurableObjectId> listObjectIds(String binding) {
        DurableObjectNamespace ns = namespace(binding);
        java.util.Map<String, String> names = new java.util.HashMap<>();
        for (ObjectInfo o : objects()) {
            if (o.binding().equals(binding) && o.name() != null) {
                names.put(o.id(), o.name());
            }
        }
        java.util.SortedSet<String> hexes = new java.util.TreeSet<>();
        for (Emulator n : nodes) {
            // live, hibernated, and evicted objects that still have stored data
            hexes.addAll(n.objectIds(binding));
        }
        List<DurableObjectId> ids = new ArrayList<>();
        for (String hex : hexes) {
            ids.add(names.containsKey(hex) ? ns.idFromName(names.get(hex)) : ns.idFromString(hex));
        }
        return ids;
    }

    /** {@link #listObjectIds(String)} for a namespace of this emulator. */
    public List<DurableObjectId> listObjectIds(DurableObjectNamespace namespace) {
        for (String b : bindingNames()) {
            if (emulator.namespace(b) == namespace) {
                return listObjectIds(b);
            }
        }
        throw new IllegalArgumentException("The namespace is not one of this emulator's bindings " + bindingNames()
                + "; use listObjectIds(\"BINDING\")");
    }

    /**
     * Hibernates the object behind {@code stub} now, as 10 s of idleness would.
     *
     * @throws IllegalStateException saying why, when something pins the object
     */
    public void hibernate(DurableObjectStub stub) {
        At a = at(stub);
        a.emulator().hibernate(a.stub());
    }

    /**
     * Evicts the object behind {@code stub} now, whatever pins it; hibernatable sockets stay
     * connected ({@code evictDurableObject(stub)} of vitest).
     */
    public void evict(DurableObjectStub stub) {
        evict(stub, WebSocketsOnEvict.HIBERNATE);
    }

    /**
     * Evicts the object behind {@code stub} now: timers are cancelled, standard WebSockets dropped,
     * hibernatable ones kept or dropped as {@code webSockets} says.
     *
     * <p>An event that is finishing (it just sent a response or a message) is given time to end,
     * up to the wait timeout.
     *
     * @throws PartyflareTimeoutError while an event of the object keeps running
     */
    public void evict(DurableObjectStub stub, WebSocketsOnEvict webSockets) {
        long deadline = System.nanoTime() + waitTimeout.toNanos();
        At a = at(stub);
        while (true) {
            try {
                a.emulator().evict(a.stub(), webSockets == WebSocketsOnEvict.CLOSE);
                return;
            } catch (IllegalStateException e) {
                if (!isTransient(String.valueOf(e.getMessage()))) {
                    throw e;
                }
                if (System.nanoTime() > deadline) {
                    throw new PartyflareTimeoutError(
                            "Timed out after " + Waits.format(waitTimeout) + " waiting for the events of "
                                    + describe(stub) + " to end so it can be evicted; " + describeObjects(),
                            e);
                }
                LockSupport.parkNanos(100_000);
            }
        }
    }

    /**
     * Why the object behind {@code stub} cannot hibernate at this instant; empty when it can (or is
     * not live). Right after a response or a message, the event that sent it may still be finishing
     * and show as "in flight": {@link #settledHibernationBlockers} gives it time.
     */
    public List<String> hibernationBlockers(DurableObjectStub stub) {
        At a = at(stub);
        return a.emulator().hibernationBlockers(a.stub());
    }

    /**
     * Why the object behind {@code stub} cannot hibernate once events in flight have finished:
     * while events running or queued are the only reasons, waits for them (at most the wait
     * timeout, after which they are reported as they are). Timers, standard WebSockets and {@code
     * waitUntil} work are reported at once.
     */
    public List<String> settledHibernationBlockers(DurableObjectStub stub) {
        long deadline = System.nanoTime() + waitTimeout.toNanos();
        At a = at(stub);
        List<String> why = a.emulator().hibernationBlockers(a.stub());
        while (!why.isEmpty() && why.stream().allMatch(PartyflareEnv::isTransient) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(100_000);
            why = a.emulator().hibernationBlockers(a.stub());
        }
        return why;
    }

    private static boolean isTransient(String blocker) {
        return blocker.contains("in flight") || blocker.contains("running or queued");
    }

    // ---- waiting ----

    /**
     * Waits (real time, at most the wait timeout) until {@code condition} holds: for effects of
     * events that run on their own threads, such as an alarm after {@code time().advance(...)}.
     *
     * @param what what is awaited, for the timeout message ("the alarm of counter a to run")
     */
    public void await(String what, BooleanSupplier condition) {
        await(what, waitTimeout, condition);
    }

    /** {@link #await(String, BooleanSupplier)} with its own timeout. */
    public void await(String what, Duration timeout, BooleanSupplier condition) {
        time().whileWaiting(() -> Waits.until(
                what,
                timeout,
                () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty(),
                () -> describeObjects()));
    }

    // ---- settled waits ----

    /**
     * Waits until the runtime is idle: every event, alarm run and socket event in flight has ended
     * or waits on the clock (a {@code ctx.sleep}, a timer). Nothing moves the clock. Use it instead
     * of polling after sending something whose effects run on their own threads (a socket message,
     * a {@code waitUntil} task).
     *
     * @throws PartyflareTimeoutError naming the work still in flight after the wait timeout
     */
    public void awaitIdle() {
        try {
            time().runUntilIdle();
        } catch (IllegalStateException e) {
            throw new PartyflareTimeoutError(e.getMessage() + "; " + describeObjects(), e);
        }
    }

    /**
     * Waits until the object behind {@code stub} hibernated (or was evicted): its instance is gone.
     * On the manual clock the runtime is settled first; an object that still has its instance then
     * only goes when time passes, so with automatic time skipping the clock moves to its idle
     * countdown, and without it this fails at once with what keeps the object (advance the clock by
     * the idle timeout, or use {@link #hibernate}).
     *
     * @throws AssertionError with the reasons the object stays live
     */
    public void awaitHibernated(DurableObjectStub stub) {
        TimeControl t = time();
        if (t.isControllable()) {
            awaitIdle();
            if (!isLive(stub)) {
                return;
            }
            if (!t.isAutoSkip()) {
                List<String> why = hibernationBlockers(stub);
                throw new AssertionError("Expected " + describe(stub) + " to hibernate, but it is live"
                        + (why.isEmpty()
                                ? " and idle: it hibernates when its idle countdown ends (advance the clock by "
                                        + Waits.format(idleTimeout()) + ", or turn on autoTimeSkipping)"
                                : " and cannot hibernate: " + String.join("; ", why))
                        + "; " + describeObjects());
            }
        }
        try {
            await(describe(stub) + " to hibernate", () -> !isLive(stub));
        } catch (PartyflareTimeoutError e) {
            List<String> why = hibernationBlockers(stub);
            throw new AssertionError(
                    e.getMessage() + (why.isEmpty() ? "" : "; it cannot hibernate: " + String.join("; ", why)), e);
        }
    }

    private Duration idleTimeout() {
        Duration d = options().idleTimeout();
        return d == null ? Duration.ZERO : d;
    }

    private boolean isLive(DurableObjectStub stub) {
        return objectInfo(stub).map(o -> o.state().equals("live")).orElse(false);
    }

    // ---- timeline, journal, faults, outbound ----

    /**
     * The timeline of the object behind {@code stub}, oldest first: requests, RPC calls, socket
     * events, alarm runs, lifecycle (start, hibernate, evict, reset), commits, uncaught errors, with
     * runtime-clock times. A failing test's report shows the timelines of the objects it touched.
     */
    public List<dev.partyflare.emulator.TimelineEvent> timeline(DurableObjectStub stub) {
        At a = at(stub);
        return a.emulator().timeline(a.stub());
    }

    /**
     * What the object behind {@code stub} received, oldest first: requests with headers and body, RPC
     * calls with their arguments, WebSocket messages. Assert with {@code
     * PartyflareAssertions.assertThat(env.journal(stub)).hasReceivedRpc("add", 5)}.
     */
    public ObjectJournal journal(DurableObjectStub stub) {
        At a = at(stub);
        return new ObjectJournal(describe(stub), a.emulator().journal(a.stub()));
    }

    /** Faults to inject into the object behind {@code stub} for this test. */
    public ObjectFaults faults(DurableObjectStub stub) {
        hibernationBlockers(stub); // fails now for a stub of another emulator
        return new ObjectFaults(this, stub);
    }

    /**
     * The outbound {@code fetch} mock of this test: from the first call on, every outbound fetch of
     * the Worker and of objects is answered by its rules instead of the network, and a call that
     * matches none fails the test (with the request shown) when it ends.
     */
    public OutboundMock outbound() {
        OutboundMock m = outbound;
        if (m == null) {
            synchronized (this) {
                m = outbound;
                if (m == null) {
                    m = new OutboundMock();
                    for (Emulator n : nodes) {
                        n.setOutbound(m.handler());
                    }
                    outbound = m;
                }
            }
        }
        return m;
    }

    /** The failure for outbound calls that matched no rule in this test, or null. */
    AssertionError unmatchedOutbound() {
        OutboundMock m = outbound;
        return m == null ? null : m.unmatchedFailure();
    }

    /**
     * The timelines of the objects that had events since the current test began, each at most the
     * last 25 events, most recent last: what a failing test's report shows.
     */
    String timelineReport() {
        List<dev.partyflare.emulator.TimelineEvent> events = new ArrayList<>();
        try {
            for (int i = 0; i < nodes.size(); i++) {
                events.addAll(nodes.get(i).timeline(timelineMarks[i], 2_000));
            }
        } catch (RuntimeException e) {
            return "";
        }
        if (events.isEmpty()) {
            return "";
        }
        java.util.Map<String, List<dev.partyflare.emulator.TimelineEvent>> byObject = new java.util.LinkedHashMap<>();
        for (dev.partyflare.emulator.TimelineEvent e : events) {
            byObject.computeIfAbsent(e.binding() + "/" + e.objectId(), k -> new ArrayList<>())
                    .add(e);
        }
        // the objects most recently active last, at most 8
        List<List<dev.partyflare.emulator.TimelineEvent>> objects = new ArrayList<>(byObject.values());
        objects.sort(java.util.Comparator.comparingLong(l -> l.get(l.size() - 1).seq()));
        if (objects.size() > 8) {
            objects = objects.subList(objects.size() - 8, objects.size());
        }
        StringBuilder s =
                new StringBuilder("Timelines of the objects this test touched (runtime clock, most recent last):");
        for (List<dev.partyflare.emulator.TimelineEvent> l : objects) {
            dev.partyflare.emulator.TimelineEvent first = l.get(0);
            s.append("\n")
                    .append(first.binding())
                    .append(first.objectName() != null ? " \"" + first.objectName() + "\"" : "")
                    .append(" (id ")
                    .append(first.objectId(), 0, 12)
                    .append("…):");
            int from = Math.max(0, l.size() - 25);
            if (from > 0) {
                s.append("\n  … ").append(from).append(" earlier event(s)");
            }
            for (dev.partyflare.emulator.TimelineEvent e : l.subList(from, l.size())) {
                s.append("\n  ").append(e.time()).append("  ").append(e.summary());
            }
        }
        return s.toString();
    }

    /** Exceptions thrown by user code that reached no caller, in order. */
    public List<UncaughtError> uncaughtErrors() {
        return List.copyOf(errors);
    }

    /** {@link #uncaughtErrors()} since the current test began (all of them for a per-test emulator). */
    List<UncaughtError> uncaughtErrorsOfThisTest() {
        List<UncaughtError> all = List.copyOf(errors);
        return all.subList(Math.min(errorMark, all.size()), all.size());
    }

    // ---- descriptions ----

    /** {@code COUNTER object "a" (id 1234...)}. */
    public String describe(DurableObjectStub stub) {
        String binding = null;
        for (String b : bindingNames()) {
            try {
                emulator.namespace(b).idFromString(stub.id().toString());
                binding = b;
                break;
            } catch (IllegalArgumentException e) {
                // not this namespace
            }
        }
        return (binding == null ? "object " : binding + " object ")
                + stub.name().map(n -> "\"" + n + "\" ").orElse("")
                + "(id " + stub.id() + ")";
    }

    /** The objects in memory, their state and what pins them: for failure messages. */
    public String describeObjects() {
        List<ObjectInfo> all;
        try {
            all = objects();
        } catch (RuntimeException e) {
            return "objects unknown (" + e + ")";
        }
        if (all.isEmpty()) {
            return "no object is live";
        }
        StringBuilder s = new StringBuilder("objects: ");
        for (int i = 0; i < all.size(); i++) {
            ObjectInfo o = all.get(i);
            if (i > 0) {
                s.append("; ");
            }
            s.append(o.binding())
                    .append(' ')
                    .append(o.name() != null ? "\"" + o.name() + "\"" : o.id().substring(0, 12) + "...")
                    .append(' ')
                    .append(o.state());
            if (o.standardSockets() + o.hibernatableSockets() > 0) {
                s.append(", sockets ")
                        .append(o.standardSockets())
                        .append(" standard/")
                        .append(o.hibernatableSockets())
                        .append(" hibernatable");
            }
            if (!o.blockers().isEmpty()) {
                s.append(", ").append(String.join(", ", o.blockers()));
            }
        }
        return s.toString();
    }

    // ---- lifecycle (used by the extension) ----

    <T> T bounded(String what, Callable<T> task) {
        return bounded(what, task, null);
    }

    private <T> T bounded(String what, Callable<T> task, DurableObjectStub stub) {
        if (closed) {
            throw new IllegalStateException(
                    "This partyflare test environment is closed (its test ended); cannot run " + what);
        }
        return Waits.call(calls, what, waitTimeout, task, () -> {
            try {
                // in a cluster, asking the owner would be a call that may itself wait: the objects say enough
                List<String> blockers =
                        stub == null || cluster != null ? List.of() : emulator.hibernationBlockers(stub);
                if (!blockers.isEmpty()) {
                    return describe(stub) + ": " + String.join(", ", blockers) + "; " + describeObjects();
                }
            } catch (RuntimeException e) {
                // a stub of another emulator: the objects say enough
            }
            return describeObjects();
        });
    }

    void track(TestWebSocket ws) {
        sockets.add(ws);
    }

    /** Marks the start of a test on this (possibly shared) environment, on the test's thread. */
    void beginTest() {
        testMark = sockets.size();
        errorMark = errors.size();
        for (int i = 0; i < nodes.size(); i++) {
            List<dev.partyflare.emulator.TimelineEvent> last = nodes.get(i).timeline(0, 1);
            timelineMarks[i] = last.isEmpty() ? 0 : last.get(0).seq();
        }
        CURRENT.set(this);
    }

    /** Ends a test on a shared environment: closes the sockets the test opened. */
    void endTest() {
        CURRENT.remove();
        List<TestWebSocket> opened =
                new ArrayList<>(sockets.subList(Math.min(testMark, sockets.size()), sockets.size()));
        for (TestWebSocket ws : opened) {
            try {
                ws.close();
            } catch (RuntimeException | AssertionError e) {
                // already gone
            }
        }
        sockets.removeAll(opened);
    }

    /**
     * Makes a shared emulator as a fresh one for the next test: the test's sockets are closed, work in
     * flight is given the wait timeout to settle, and {@link Emulator#resetAll()} resets objects,
     * storage, alarms, every socket, the clock, faults, outbound mocks and the journal.
     */
    void resetForNextTest() {
        endTest();
        emulator.awaitIdle(waitTimeout);
        emulator.resetAll();
        outbound = null;
        errors.clear();
        errorMark = 0;
        TimeControl t = time();
        if (t.isControllable() && t.isAutoSkip() != options().autoTimeSkipping()) {
            t.setAutoSkip(options().autoTimeSkipping());
        }
    }

    /** The environment of the test running on this thread, or the only live one that owns {@code stub}. */
    static PartyflareEnv owning(DurableObjectStub stub) {
        PartyflareEnv current = CURRENT.get();
        if (current != null && !current.closed && current.owns(stub)) {
            return current;
        }
        List<PartyflareEnv> candidates =
                LIVE.stream().filter(e -> !e.closed && e.owns(stub)).toList();
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        throw new IllegalStateException(
                candidates.isEmpty()
                        ? "No running partyflare test emulator knows the object " + stub.id()
                                + " (was its test environment closed?)"
                        : "Several running emulators could own the object " + stub.id()
                                + "; call the assertion on the test's own thread, or use new DurableObjectAssert(env, stub)");
    }

    private boolean owns(DurableObjectStub stub) {
        for (Emulator n : nodes) {
            try {
                n.binding(stub);
                return true;
            } catch (IllegalArgumentException e) {
                // not this node's
            }
        }
        return false;
    }

    /**
     * Closes the environment: live objects are evicted with their WebSockets dropped (clients see
     * 1006), sockets the test still holds are marked closed, and the emulator stops. Nothing of it
     * outlives this call: no alarm fires later and no object keeps running.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LIVE.remove(this);
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
        calls.shutdownNow(); // interrupts calls that timed out and still wait on the runtime
        if (cluster != null) {
            try {
                cluster.close(); // each node leaves; its objects are evicted, its emulator stops
            } finally {
                closeClients();
            }
            return;
        }
        try {
            for (ObjectInfo o : emulator.objects()) {
                try {
                    DurableObjectNamespace ns = emulator.namespace(o.binding());
                    emulator.evict(ns.get(ns.idFromString(o.id())), true);
                } catch (RuntimeException e) {
                    // an event still runs (or a jurisdiction id): closing the emulator stops it anyway
                }
            }
        } finally {
            try {
                emulator.close();
            } finally {
                closeClients();
            }
        }
    }

    /** Marks the sockets the test still holds closed and closes the network client. */
    private void closeClients() {
        for (TestWebSocket ws : sockets) {
            ws.emulatorClosed();
        }
        TestClient h = httpClient;
        if (h != null) {
            h.close();
        }
    }

    /** True once {@link #close()} ran. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "PartyflareEnv[" + options().workerName() + ", " + (closed ? "closed" : describeObjects()) + "]";
    }
}
