package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.AlarmInvocationInfo;
import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.emulator.internal.exec.ActorResetError;
import dev.partyflare.emulator.internal.exec.EventContext;
import dev.partyflare.emulator.internal.exec.EventThreads;
import dev.partyflare.emulator.internal.exec.InputGate;
import dev.partyflare.emulator.internal.exec.OutputGate;
import dev.partyflare.emulator.internal.storage.NamespaceStorage;
import dev.partyflare.emulator.internal.storage.ObjectStorage;
import dev.partyflare.emulator.internal.storage.ObjectStore;
import dev.partyflare.emulator.internal.storage.StatementsInProgressException;
import dev.partyflare.emulator.internal.storage.StorageApi;
import dev.partyflare.emulator.internal.storage.StorageSettings;
import dev.partyflare.emulator.internal.time.RuntimeClock;
import dev.partyflare.emulator.internal.websocket.SocketHost;
import dev.partyflare.emulator.internal.websocket.WebSocketEnd;
import java.lang.reflect.InvocationTargetException;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One live Durable Object (workerd's {@code Worker::Actor}): its input gate, its instance (built
 * by the first event), its storage, timers and sockets, and its output gate. A reset breaks the
 * gates, drops uncommitted writes and the sockets, and removes the actor from its namespace; the
 * next event creates a fresh one.
 */
public final class Actor implements EventContext.GateOwner, SocketHost, StorageApi.StorageEvents {
    static final String COMMIT_FAILED = "Internal error in Durable Object storage write caused object to be reset.";
    static final String MEMORY_RESET = "Durable Object's isolate exceeded its memory limit and was reset.";

    private final ActorNamespace namespace;
    private final DurableObjectId id;
    private final String location;
    private final InputGate gate = new InputGate();
    private final OutputGate outputGate = new OutputGate();
    private final ObjectStorage storage;
    private final DurableObjectStateImpl state;
    private final Set<WebSocketEnd> sockets = ConcurrentHashMap.newKeySet();
    private final Set<RuntimeClock.Scheduled> timers = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean broken = new AtomicBoolean();
    private volatile ActorBrokenException brokenReason;
    // the fields below are used only while holding the gate
    private DurableObject instance;
    private volatile int constructions;
    /** This object's timeline (null when the timeline is off). */
    final Timeline.Log log;

    Actor(ActorNamespace namespace, DurableObjectId id, String location) {
        this.namespace = namespace;
        this.id = id;
        this.location = location;
        ActorServices services = namespace.services();
        this.storage = new ObjectStorage(
                namespace.store(),
                id.toString(),
                id.jurisdiction().orElse(null),
                id.name().orElse(null),
                location,
                outputGate,
                this::alarmChanged,
                new StorageSettings(
                        services.strictLimits(),
                        namespace.sqlite(),
                        namespace.hasAlarmHandler(),
                        namespace.classLoader(),
                        () -> EventContext.eventMillis(services.clock()::millis),
                        services.deleteAllDeletesAlarm(),
                        services.pointInTimeRecovery()));
        this.state = new DurableObjectStateImpl(this);
        this.log = services.timeline().log(namespace, id);
    }

    Timeline timeline() {
        return namespace.services().timeline();
    }

    ObjectStorage storage() {
        return storage;
    }

    @Override
    public OutputGate outputGate() {
        return outputGate;
    }

    /** The body of an event: runs with the gate held, given the (constructed) instance. */
    @FunctionalInterface
    public interface EventBody<T> {
        T run(DurableObject instance) throws Exception;
    }

    /** An event that works on the object's storage from outside: the instance is not constructed for it. */
    @FunctionalInterface
    interface StorageEventBody<T> extends EventBody<T> {
        T runIn(Actor actor) throws Exception;

        @Override
        default T run(DurableObject instance) throws Exception {
            throw new IllegalStateException("a storage event runs without the instance");
        }
    }

    public DurableObjectId id() {
        return id;
    }

    public String location() {
        return location;
    }

    ActorNamespace namespace() {
        return namespace;
    }

    ActorServices services() {
        return namespace.services();
    }

    @Override
    public InputGate gate() {
        return gate;
    }

    public boolean isBroken() {
        return broken.get();
    }

    /** How many times an instance was constructed for this actor (0 or 1 until a failure). */
    public int constructions() {
        return constructions;
    }

    /** An event delivered to the object's handlers (hibernatable sockets). */
    @FunctionalInterface
    public interface ObjectEvent {
        void run(DurableObject instance) throws Exception;
    }

    /** Runs an event of this object on the calling thread (through a new instance if it retired). */
    public <T> T run(EventBody<T> body) throws Exception {
        return namespace.run(id, null, body);
    }

    /** Runs an already queued event on its own thread; errors go to the runtime's error log. */
    void runOnThread(
            InputGate.Ticket ticket,
            String description,
            ObjectEvent event,
            long timeoutMillis,
            dev.partyflare.emulator.internal.exec.Activity.Work work) {
        EventThreads.startAt(home(), "partyflare-event", () -> {
            work.attach();
            RuntimeClock.Scheduled timeout = null;
            if (timeoutMillis > 0) {
                Thread self = Thread.currentThread();
                RuntimeClock clock = services().clock();
                timeout = clock.schedule(
                        clock.millis() + timeoutMillis,
                        () -> {
                            services()
                                    .errors()
                                    .report(
                                            where(description),
                                            new java.util.concurrent.TimeoutException(description
                                                    + " exceeded the hibernatable WebSocket event timeout of "
                                                    + timeoutMillis + " ms"));
                            self.interrupt();
                        },
                        false);
            }
            try {
                runTicket(ticket, obj -> {
                    event.run(obj);
                    return null;
                });
            } catch (ActorBrokenException e) {
                // the object was reset; the event is dropped with it
            } catch (Exception | Error e) {
                recordError(description, e);
                services().errors().report(where(description), e);
            } finally {
                if (timeout != null) {
                    timeout.cancel();
                }
                work.end();
            }
        });
    }

    <T> T runTicket(InputGate.Ticket ticket, EventBody<T> body) throws Exception {
        try {
            return runGranted(ticket, body);
        } finally {
            if (gate.eventEnded() == 0) {
                if (reloadPending) {
                    if (gate.tryRetire()) {
                        retire("code reload");
                    }
                } else if (services().chaosHibernation() && instance != null && !broken.get()) {
                    // chaos: as if the idle timeout were zero; pinned objects stay (a timer, a standard socket)
                    if (!retireIfIdle("chaos hibernation")) {
                        idleCheckLater();
                    }
                } else {
                    idleCheckLater();
                }
            }
        }
    }

    private <T> T runGranted(InputGate.Ticket ticket, EventBody<T> body) throws Exception {
        ticket.await(); // throws ActorBrokenException when this actor was reset meanwhile
        EventContext previous = EventContext.enterObject(this, ticket);
        Thread outerThread = runningThread;
        long outerSince = runningSince;
        markRunning();
        try {
            T result;
            try {
                result = body instanceof StorageEventBody<T> storageEvent
                        ? storageEvent.runIn(this)
                        : body.run(instance());
            } catch (OutOfMemoryError e) {
                // the allocation that failed is (most likely) this event's: its references are gone with
                // its stack; reset the object as Cloudflare resets an isolate over its memory limit
                instance = null; // what it kept in fields goes too
                outputGate.breakGate();
                reset("java.lang.Error", MEMORY_RESET);
                services().errors().report(where("memory"), e);
                throw new ActorResetError("java.lang.Error", MEMORY_RESET);
            } catch (Exception | Error e) {
                if (!(e instanceof ActorResetError)) {
                    commitOrReset(); // writes stand even when the handler throws, as on Cloudflare
                }
                throw e;
            }
            commitOrReset(); // the output gate: the result leaves only once its writes are durable
            return result;
        } catch (ActorResetError e) {
            throw brokenReason();
        } finally {
            returnStorageSession();
            runningThread = outerThread; // an event of this object that this one nested in (re-entrant call)
            runningSince = outerSince;
            dev.partyflare.emulator.internal.exec.Preemption.clear(this);
            EventContext.exit(previous);
        }
    }

    // ---- the watchdog's view: how long the event holding the gate has been running ----

    private volatile Thread runningThread;
    private volatile long runningSince;

    private void markRunning() {
        runningThread = Thread.currentThread();
        runningSince = System.nanoTime();
    }

    @Override
    public void afterGateReacquire() {
        markRunning();
    }

    /**
     * Resets this object if the event holding its gate has run longer than {@code limitNanos} (real
     * time): its callers get a clear error instead of waiting for ever, and its thread is interrupted
     * and stopped at its next preemption poll (user classes loaded through {@code
     * InstrumentingClassLoader}).
     */
    void checkRunningTime(long now, long limitNanos) {
        Thread t = runningThread;
        long since = runningSince;
        if (t == null || since == 0 || now - since < limitNanos || broken.get()) {
            return;
        }
        long ms = limitNanos / 1_000_000L;
        String limit = ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
        // Cloudflare's text first, so code that matches on it works here too; then what partyflare measured
        String message = "Durable Object exceeded its CPU time limit and was reset. (partyflare: an event of "
                + namespace.binding() + " " + id + " ran for more than " + limit
                + " without waiting on the runtime: spinning or blocked code? --event-timeout sets the limit)";
        // reported with the stuck thread's stack, so the log shows the user's line that spins or blocks
        java.util.concurrent.TimeoutException stuck = new java.util.concurrent.TimeoutException(message);
        stuck.setStackTrace(t.getStackTrace());
        services().errors().report(where("watchdog"), stuck);
        reset("java.util.concurrent.TimeoutException", message);
        // blocked code sees the interrupt; spinning user code stops at its next loop back edge
        dev.partyflare.emulator.internal.exec.Preemption.stop(
                t, this, "java.util.concurrent.TimeoutException", message);
        if (runningThread != t) {
            // the event ended meanwhile (its own clear may have run before the stop was set)
            dev.partyflare.emulator.internal.exec.Preemption.clear(t, this);
        }
        t.interrupt();
    }

    private DurableObject instance() throws Exception {
        if (instance == null) {
            if (broken.get()) {
                throw brokenReason();
            }
            try {
                instance = namespace
                        .constructor()
                        .newInstance(state, services().env().get());
                constructions++;
                timeline().record(log, dev.partyflare.emulator.TimelineEvent.Kind.START, null, null, constructions, 0);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof ActorResetError r) {
                    throw r;
                }
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }
        return instance;
    }

    /** The event loop this object's socket events run on: the first I/O thread that delivered one. */
    private volatile Object home;

    /**
     * Rooms with more sockets than this run their events on the default scheduler instead: their
     * broadcasts then write in parallel with the I/O threads reading (fan-out measured ~8% faster),
     * while a room with a few sockets answers fastest on its I/O thread (echo 10k → 17k round trips/s).
     */
    static final int LOOP_MAX_SOCKETS = 8;

    private Object home() {
        if (!EventThreads.socketLoops()) {
            return null; // turned off: no socket counts or hibernation lookup on every event
        }
        if (sockets.size() > LOOP_MAX_SOCKETS) {
            return null;
        }
        HibernationManager.Sockets hib = namespace.hibernation().existing(id);
        if (hib != null && hib.size() > LOOP_MAX_SOCKETS) {
            return null;
        }
        Object h = home;
        if (h == null) {
            h = EventThreads.currentHome();
            if (h != null) {
                home = h;
            }
        }
        return h;
    }

    @Override
    public int backlog() {
        return gate.queued();
    }

    @Override
    public void dispatch(String description, Runnable event) {
        dev.partyflare.emulator.internal.exec.Activity.Work work =
                services().activity().begin(description, () -> namespace.describe(id));
        InputGate.Ticket ticket = gate.enqueueEvent();
        if (ticket == null) {
            work.end();
            return; // retired: nothing that pins an object (sockets, timers) can be left
        }
        EventThreads.startAt(home(), "partyflare-event", () -> {
            work.attach();
            try {
                runTicket(ticket, obj -> {
                    event.run();
                    return null;
                });
            } catch (ActorBrokenException e) {
                // the object was reset; the event is dropped with it
            } catch (Exception | Error e) {
                recordError(description, e);
                services().errors().report(where(description), e);
            } finally {
                work.end();
            }
        });
    }

    /** An exception left a handler of this object: its timeline says so, with the user's frames. */
    void recordError(String handler, Throwable e) {
        if (log != null && !(e instanceof ActorResetError)) {
            timeline()
                    .record(
                            log,
                            dev.partyflare.emulator.TimelineEvent.Kind.ERROR,
                            e.getClass().getName(),
                            e.getMessage() == null ? "" : Timeline.preview(e.getMessage()),
                            Timeline.userFrames(e),
                            handler,
                            0,
                            0);
        }
    }

    /** Runs this object's alarm if it is due (an event like any other). */
    void runAlarm() {
        runAlarm(false);
    }

    /**
     * Runs the stored alarm if it is due (or at once when {@code now}); returns whether one ran.
     * A failure schedules the retry, as for an alarm that came due.
     */
    boolean runAlarm(boolean immediately) {
        try {
            return run(obj -> {
                ObjectStore store = storage.store();
                NamespaceStorage.StoredAlarm row = store.alarm();
                long now = services().clock().millis();
                if (row == null || (row.at() > now && !immediately)) {
                    return false; // deleted or moved since it was scheduled
                }
                store.deleteAlarm(); // getAlarm() is null inside alarm()
                AlarmInvocationInfo info =
                        new AlarmInvocationInfo(row.scheduledTime(), row.retryCount(), row.retryCount() > 0);
                try {
                    obj.alarm(info);
                    recordAlarm(row, "ok", null);
                } catch (ActorResetError e) {
                    recordAlarm(row, "reset", brokenReason().getMessage());
                    throw e;
                } catch (Exception | Error e) {
                    recordError("alarm", e);
                    recordAlarm(row, "error", Timeline.describe(e));
                    services().errors().report(where("alarm, run " + (row.retryCount() + 1)), e);
                    if (store.alarm() == null && row.retryCount() < AlarmScheduler.MAX_RETRIES) {
                        long delay = AlarmScheduler.retryDelayMillis(row.retryCount());
                        store.setAlarm(now + delay, row.scheduledTime(), row.retryCount() + 1);
                    }
                }
                return true;
            });
        } catch (ActorBrokenException e) {
            // reset during the alarm: the stored alarm was not consumed; try again after the backoff
            services()
                    .alarms()
                    .set(
                            namespace,
                            id.toString(),
                            id.jurisdiction().orElse(null),
                            services().clock().millis() + AlarmScheduler.retryDelayMillis(0));
            return true;
        } catch (Exception | Error e) {
            services().errors().report(where("alarm"), e);
            return true;
        }
    }

    private void recordAlarm(NamespaceStorage.StoredAlarm row, String outcome, String error) {
        timeline()
                .record(
                        log,
                        dev.partyflare.emulator.TimelineEvent.Kind.ALARM,
                        outcome,
                        error,
                        row.retryCount(),
                        row.scheduledTime());
    }

    /** {@code COUNTER "a" (dev.example.Counter 1f0c…64 hex) (alarm)}: binding and name first, as tests name objects. */
    String where(String description) {
        String name = id.name().orElseGet(() -> log == null ? null : log.name());
        return namespace.binding() + (name == null ? "" : " \"" + name + "\"") + " (" + namespace.className() + " " + id
                + ") (" + description + ")";
    }

    // ---- commit points (the output gate) ----

    @Override
    public void beforeGateRelease() {
        commitOrReset();
        storage.releaseSession();
        runningThread = null; // waiting on I/O is not running
        runningSince = 0;
    }

    /**
     * The commit point: this event's writes become durable, then the outputs held behind them leave.
     * If the commit fails, the outputs are dropped and the object is reset.
     */
    private void commitOrReset() {
        if (broken.get()) {
            throw new ActorResetError(brokenReason().errorType(), brokenReason().getMessage());
        }
        try {
            int writes = storage.commit();
            if (writes > 0) {
                timeline()
                        .record(log, dev.partyflare.emulator.TimelineEvent.Kind.STORAGE_COMMIT, null, null, writes, 0);
            }
        } catch (SQLException | RuntimeException e) {
            String message = COMMIT_FAILED;
            if (e instanceof StatementsInProgressException) {
                // workerd's answer when a write cursor (INSERT ... RETURNING) was left unread
                message = "internal error; reference = " + HexFormat.of().formatHex(randomReference());
                services()
                        .errors()
                        .report(
                                where("storage commit"),
                                new IllegalStateException(
                                        e.getMessage()
                                                + ": a write statement's cursor (… RETURNING) was not read to its end before"
                                                + " the event's commit point; workerd resets the object then",
                                        e));
            } else {
                services().errors().report(where("storage commit"), e);
            }
            reset("java.lang.Error", message);
            throw new ActorResetError("java.lang.Error", message);
        }
    }

    private static byte[] randomReference() {
        byte[] b = new byte[12];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    /** Everything is committed: the storage session may go back to the pool until storage is used again. */
    private void returnStorageSession() {
        if (broken.get()) {
            storage.close();
        } else {
            storage.releaseSession();
        }
    }

    /** A committed write changed the alarm: the scheduler wakes the object then (or no more). */
    private void alarmChanged(NamespaceStorage.StoredAlarm a) {
        services()
                .alarms()
                .set(
                        namespace,
                        id.toString(),
                        id.jurisdiction().orElse(null),
                        a == null ? null : a.at(),
                        a == null ? 0 : a.retryCount());
    }

    // ---- StorageApi.StorageEvents ----

    @Override
    public void check(String operation) {
        EventContext ec = EventContext.current();
        if (ec == null || ec.owner() != this) {
            throw new IllegalStateException("storage " + operation
                    + " must be called from code running inside this Durable Object's own event");
        }
        if (broken.get()) {
            throw resetWhileAway();
        }
    }

    @Override
    public void commitPoint() {
        commitOrReset();
    }

    DurableObjectStateImpl state() {
        return state;
    }

    // ---- sockets and timers ----

    @Override
    public void register(WebSocketEnd end) {
        if (broken.get()) {
            end.drop();
            return;
        }
        sockets.add(end);
        timeline().record(log, dev.partyflare.emulator.TimelineEvent.Kind.SOCKET_OPEN, "standard", "", end.id(), 0);
        // a reset that ran meanwhile may have dropped the sockets before this one was added: it sets
        // broken before it drops them, so checking again after adding leaves no socket behind
        if (broken.get() && sockets.remove(end)) {
            end.drop();
        }
    }

    /**
     * Drops every standard socket. Each is taken out of the set before it is dropped (no {@code
     * clear()}): a socket that {@link #register} adds meanwhile is either taken here or taken back
     * by its own check, never left in the set undropped.
     */
    private void dropSockets() {
        for (WebSocketEnd ws : sockets) {
            if (sockets.remove(ws)) {
                ws.drop();
            }
        }
    }

    @Override
    public void observeMessage(WebSocketEnd end, dev.partyflare.durable.WebSocketMessage message) {
        timeline().socketMessage(log, end.id(), message);
        Journal journal = services().journal();
        if (journal != null) {
            journal.message(namespace, id, end.id(), message);
        }
    }

    @Override
    public void observeClose(WebSocketEnd end, int code, String reason, boolean wasClean) {
        timeline().socketClose(log, end.id(), code, reason, wasClean);
    }

    @Override
    public void observeError(WebSocketEnd end, String message) {
        timeline().socketError(log, end.id(), message);
    }

    /** A hibernatable socket was accepted by an event of this actor: if it was reset meanwhile, drop it. */
    void acceptedHibernatable(WebSocketEnd end) {
        if (broken.get()) {
            end.drop();
        }
    }

    @Override
    public void unregister(WebSocketEnd end) {
        if (sockets.remove(end)) {
            idleCheckLater();
        }
    }

    @Override
    public int attachmentLimit() {
        return services().attachmentLimit();
    }

    @Override
    public boolean autoReplyToClose() {
        return services().webSocketAutoReplyToClose();
    }

    @Override
    public boolean closeReasonByteLimit() {
        return services().webSocketCloseReasonByteLimit();
    }

    // ---- lifecycle: idle eviction and hibernation ----

    private final java.util.concurrent.atomic.AtomicInteger waitUntilPending =
            new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean idleCheckPending =
            new java.util.concurrent.atomic.AtomicBoolean();
    private volatile long lastActivity;
    private volatile boolean retired;

    void waitUntilStarted() {
        waitUntilPending.incrementAndGet();
    }

    void waitUntilEnded() {
        if (waitUntilPending.decrementAndGet() == 0) {
            idleCheckLater();
        }
    }

    /** Why this object cannot hibernate or be evicted now; empty when it can. */
    public java.util.List<String> hibernationBlockers() {
        java.util.List<String> why = new java.util.ArrayList<>();
        int active = gate.active();
        if (active > 0) {
            why.add(active + " event(s) in flight");
        }
        if (!timers.isEmpty()) {
            why.add(timers.size() + " timer(s) pending (setTimeout/sleep)");
        }
        if (!sockets.isEmpty()) {
            why.add(sockets.size() + " standard (non-hibernatable) WebSocket(s) open");
        }
        int work = waitUntilPending.get();
        if (work > 0) {
            why.add(work + " waitUntil task(s) pending");
        }
        return why;
    }

    /**
     * Retires this actor at once if no event ever built its instance (it was made for a storage
     * event from outside) and nothing else runs: the object stays as it was, hibernated or evicted.
     */
    void retireIfNeverStarted() {
        if (constructions == 0 && !broken.get()) {
            retireIfIdle("storage event");
        }
    }

    /** Starts (or extends) the idle countdown after activity. */
    void idleCheckLater() {
        long timeout = services().idleTimeoutMillis();
        if (timeout < 0 || retired || broken.get()) {
            return;
        }
        RuntimeClock clock = services().clock();
        lastActivity = clock.millis();
        if (idleCheckPending.compareAndSet(false, true)) {
            clock.schedule(lastActivity + timeout, this::idleCheck, false);
        }
    }

    private void idleCheck() {
        idleCheckPending.set(false);
        long timeout = services().idleTimeoutMillis();
        RuntimeClock clock = services().clock();
        long due = lastActivity + timeout;
        if (due > clock.millis()) {
            if (idleCheckPending.compareAndSet(false, true)) {
                clock.schedule(due, this::idleCheck, false);
            }
            return;
        }
        retireIfIdle("idle");
    }

    /**
     * Hibernates (when hibernatable sockets remain) or evicts this object if nothing pins it.
     * Returns false, doing nothing, when something does.
     */
    boolean retireIfIdle(String reason) {
        if (!hibernationBlockers().isEmpty() || !gate.tryRetire()) {
            return false;
        }
        retire(reason);
        return true;
    }

    private void retire(String reason) {
        if (instance != null && !broken.get()) {
            // an actor that never built an instance (a storage event from outside) leaves no trace
            HibernationManager.Sockets h = namespace.hibernation().existing(id);
            timeline()
                    .record(
                            log,
                            h != null && h.size() > 0
                                    ? dev.partyflare.emulator.TimelineEvent.Kind.HIBERNATE
                                    : dev.partyflare.emulator.TimelineEvent.Kind.EVICT,
                            reason,
                            null,
                            0,
                            0);
        }
        retired = true;
        namespace.remove(this);
        HibernationManager.Sockets hibernatable = namespace.hibernation().existing(id);
        if (hibernatable != null) {
            hibernatable.hibernated(); // connections workerd keeps until the object hibernates
        }
        for (RuntimeClock.Scheduled t : timers) {
            t.cancel();
        }
        timers.clear();
        storage.close();
        instance = null;
    }

    /**
     * Evicts this object even if sockets are open: standard sockets are dropped (they cannot outlive
     * the instance); hibernatable sockets stay, unless {@code closeSockets}. Fails while an event
     * runs.
     */
    void evict(boolean closeSockets) {
        dropSockets();
        for (RuntimeClock.Scheduled t : timers) {
            t.cancel();
        }
        timers.clear();
        if (closeSockets) {
            HibernationManager.Sockets h = namespace.hibernation().existing(id);
            if (h != null) {
                h.dropAll();
            }
        }
        if (!gate.tryRetire()) {
            throw new IllegalStateException("Cannot evict " + where("evict") + " while an event is running or queued");
        }
        retire("forced");
    }

    /**
     * Takes this object out of service for a code reload: standard sockets are closed with 1012,
     * timers cancelled, and new events go to a new instance; events already running finish here.
     */
    void retireForReload() {
        for (WebSocketEnd ws : sockets) {
            try {
                ws.close(1012, "Service Restart");
            } catch (RuntimeException e) {
                ws.drop();
            }
        }
        sockets.clear();
        for (RuntimeClock.Scheduled t : timers) {
            t.cancel();
        }
        timers.clear();
        reloadPending = true;
        namespace.remove(this);
        if (gate.tryRetire()) {
            retire("code reload");
        }
    }

    private volatile boolean reloadPending;

    int closeStandardSockets(int code, String reason) {
        int n = 0;
        for (WebSocketEnd ws : sockets) {
            try {
                ws.close(code, reason);
                n++;
            } catch (RuntimeException e) {
                ws.drop();
            }
        }
        return n;
    }

    public boolean isRetired() {
        return retired;
    }

    public int openSockets() {
        return sockets.size();
    }

    /** The open standard sockets (their server ends). */
    java.util.List<WebSocketEnd> standardSockets() {
        return new java.util.ArrayList<>(sockets);
    }

    void addTimer(RuntimeClock.Scheduled s) {
        timers.add(s);
    }

    void removeTimer(RuntimeClock.Scheduled s) {
        if (timers.remove(s) && timers.isEmpty()) {
            idleCheckLater();
        }
    }

    public int pendingTimers() {
        return timers.size();
    }

    /**
     * Resets this object: later and queued events fail with the reason (the next event after that
     * builds a new instance in a new actor), uncommitted writes are dropped, timers are cancelled and
     * every socket is dropped without a close frame.
     */
    void reset(String errorType, String message) {
        if (!broken.compareAndSet(false, true)) {
            return;
        }
        ActorBrokenException reason = new ActorBrokenException(errorType, message);
        brokenReason = reason;
        timeline().record(log, dev.partyflare.emulator.TimelineEvent.Kind.RESET, message, errorType, 0, 0);
        namespace.remove(this);
        gate.breakGate(reason);
        for (RuntimeClock.Scheduled t : timers) {
            t.cancel();
        }
        timers.clear();
        dropSockets();
        HibernationManager.Sockets hib = namespace.hibernation().existing(id);
        if (hib != null) {
            hib.dropAll();
        }
        outputGate.breakGate();
        storage.abort(); // rolls back whatever was not committed
    }

    ActorBrokenException brokenReason() {
        ActorBrokenException r = brokenReason;
        return r != null ? r : new ActorBrokenException("java.lang.IllegalStateException", "Durable Object reset");
    }

    @Override
    public RuntimeException resetWhileAway() {
        throw new ActorResetError(brokenReason().errorType(), brokenReason().getMessage());
    }
}
