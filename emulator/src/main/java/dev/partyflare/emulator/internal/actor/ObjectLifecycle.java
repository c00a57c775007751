package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.emulator.TimelineEvent;
import dev.partyflare.emulator.internal.exec.ActorResetError;
import dev.partyflare.emulator.internal.exec.InputGate;
import dev.partyflare.emulator.internal.exec.OutputGate;
import dev.partyflare.emulator.internal.storage.ObjectStorage;
import dev.partyflare.emulator.internal.time.RuntimeClock;
import dev.partyflare.emulator.internal.websocket.WebSocketEnd;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The life of one live object (workerd's actor lifecycle around {@code HibernationManager}): what
 * pins it in memory (events, timers, standard sockets, {@code waitUntil} work), the idle countdown,
 * and the four ways it ends: hibernation or eviction when idle ({@link #retireIfIdle}), a forced
 * eviction ({@link #evict}), a code reload ({@link #retireForReload}) and a reset ({@link #reset}).
 * Every end cancels the timers and lets go of the standard sockets; a reset also breaks both gates
 * and rolls back what was not committed.
 *
 * <p>Called at once from event threads, clock threads (timers, the idle check), the watchdog and
 * tools: state is in concurrent sets and volatile fields, and {@link InputGate#tryRetire()} decides
 * atomically whether the object may end while events arrive. It calls out with no lock held.
 */
final class ObjectLifecycle {
    /** What the lifecycle needs from the object's owner. */
    interface Hooks {
        /** Takes the object out of its namespace: the next event for its id makes a new one. */
        void leaveNamespace();
    }

    private final ActorNamespace namespace;
    private final DurableObjectId id;
    private final InputGate gate;
    private final OutputGate outputGate;
    private final ObjectStorage storage;
    private final InstanceSlot instance;
    private final Timeline.Log log;
    private final Hooks hooks;

    private final Set<WebSocketEnd> sockets = ConcurrentHashMap.newKeySet();
    private final Set<RuntimeClock.Scheduled> timers = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean broken = new AtomicBoolean();
    private volatile ActorBrokenException brokenReason;
    private final AtomicInteger waitUntilPending = new AtomicInteger();
    private final AtomicBoolean idleCheckPending = new AtomicBoolean();
    private volatile long lastActivity;
    private volatile boolean retired;
    private volatile boolean reloadPending;

    ObjectLifecycle(
            ActorNamespace namespace,
            DurableObjectId id,
            InputGate gate,
            OutputGate outputGate,
            ObjectStorage storage,
            InstanceSlot instance,
            Timeline.Log log,
            Hooks hooks) {
        this.namespace = namespace;
        this.id = id;
        this.gate = gate;
        this.outputGate = outputGate;
        this.storage = storage;
        this.instance = instance;
        this.log = log;
        this.hooks = hooks;
    }

    private ActorServices services() {
        return namespace.services();
    }

    private Timeline timeline() {
        return services().timeline();
    }

    // ---- reset ----

    boolean isBroken() {
        return broken.get();
    }

    ActorBrokenException brokenReason() {
        ActorBrokenException r = brokenReason;
        return r != null ? r : new ActorBrokenException("java.lang.IllegalStateException", "Durable Object reset");
    }

    /** Throws the reset's error into an event of this object that finds it reset. */
    RuntimeException resetWhileAway() {
        throw new ActorResetError(brokenReason().errorType(), brokenReason().getMessage());
    }

    /**
     * Resets this object: later and queued events fail with the reason (the next event after that
     * builds a new instance in a new actor), uncommitted writes are dropped, timers are cancelled and
     * every socket is dropped without a close frame.
     */
    void reset(String errorType, String message) {
        reset(errorType, message, true);
    }

    /**
     * {@link #reset(String, String)}; {@code retryAlarm} false ({@code ctx.abort(reason, {retryAlarm:
     * false})}) asks that an alarm run cut off by this reset is not retried.
     */
    void reset(String errorType, String message, boolean retryAlarm) {
        if (!broken.compareAndSet(false, true)) {
            return;
        }
        ActorBrokenException reason = new ActorBrokenException(errorType, message, retryAlarm);
        brokenReason = reason;
        timeline().record(log, TimelineEvent.Kind.RESET, message, errorType, 0, 0);
        hooks.leaveNamespace();
        gate.breakGate(reason);
        cancelTimers();
        dropSockets();
        HibernationManager.Sockets hib = namespace.hibernation().existing(id);
        if (hib != null) {
            hib.dropAll();
        }
        outputGate.breakGate();
        storage.abort(); // rolls back whatever was not committed
    }

    // ---- standard sockets ----

    /** A standard socket was accepted in an event of this object: it pins the object until closed. */
    void register(WebSocketEnd end) {
        if (broken.get()) {
            end.drop();
            return;
        }
        sockets.add(end);
        timeline().record(log, TimelineEvent.Kind.SOCKET_OPEN, "standard", "", end.id(), 0);
        // a reset that ran meanwhile may have dropped the sockets before this one was added: it sets
        // broken before it drops them, so checking again after adding leaves no socket behind
        if (broken.get() && sockets.remove(end)) {
            end.drop();
        }
    }

    void unregister(WebSocketEnd end) {
        if (sockets.remove(end)) {
            idleCheckLater();
        }
    }

    /** A hibernatable socket was accepted by an event of this object: if it was reset meanwhile, drop it. */
    void acceptedHibernatable(WebSocketEnd end) {
        if (broken.get()) {
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

    int openSockets() {
        return sockets.size();
    }

    /** The open standard sockets (their server ends). */
    List<WebSocketEnd> standardSockets() {
        return new ArrayList<>(sockets);
    }

    // ---- timers and waitUntil ----

    void addTimer(RuntimeClock.Scheduled s) {
        timers.add(s);
    }

    void removeTimer(RuntimeClock.Scheduled s) {
        if (timers.remove(s) && timers.isEmpty()) {
            idleCheckLater();
        }
    }

    int pendingTimers() {
        return timers.size();
    }

    private void cancelTimers() {
        for (RuntimeClock.Scheduled t : timers) {
            t.cancel();
        }
        timers.clear();
    }

    void waitUntilStarted() {
        waitUntilPending.incrementAndGet();
    }

    void waitUntilEnded() {
        if (waitUntilPending.decrementAndGet() == 0) {
            idleCheckLater();
        }
    }

    // ---- hibernation and eviction ----

    /** Why this object cannot hibernate or be evicted now; empty when it can. */
    List<String> hibernationBlockers() {
        List<String> why = new ArrayList<>();
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
     * An event begun with {@link InputGate#enqueueEvent()} ended: when it was the last, the object
     * retires for a pending reload, hibernates at once under chaos hibernation, or starts its idle
     * countdown.
     */
    void eventEnded() {
        if (gate.eventEnded() == 0) {
            if (reloadPending) {
                if (gate.tryRetire()) {
                    retire("code reload");
                }
            } else if (services().chaosHibernation() && instance.isBuilt() && !broken.get()) {
                // chaos: as if the idle timeout were zero; pinned objects stay (a timer, a standard socket)
                if (!retireIfIdle("chaos hibernation")) {
                    idleCheckLater();
                }
            } else {
                idleCheckLater();
            }
        }
    }

    /**
     * Retires this actor at once if no event ever built its instance (it was made for a storage
     * event from outside) and nothing else runs: the object stays as it was, hibernated or evicted.
     */
    void retireIfNeverStarted() {
        if (instance.constructions() == 0 && !broken.get()) {
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
        if (instance.isBuilt() && !broken.get()) {
            // an actor that never built an instance (a storage event from outside) leaves no trace
            HibernationManager.Sockets h = namespace.hibernation().existing(id);
            timeline()
                    .record(
                            log,
                            h != null && h.size() > 0 ? TimelineEvent.Kind.HIBERNATE : TimelineEvent.Kind.EVICT,
                            reason,
                            null,
                            0,
                            0);
        }
        retired = true;
        hooks.leaveNamespace();
        HibernationManager.Sockets hibernatable = namespace.hibernation().existing(id);
        if (hibernatable != null) {
            hibernatable.hibernated(); // connections workerd keeps until the object hibernates
        }
        cancelTimers();
        storage.close();
        instance.drop();
    }

    /**
     * Evicts this object even if sockets are open: standard sockets are dropped (they cannot outlive
     * the instance); hibernatable sockets stay, unless {@code closeSockets}. Fails while an event
     * runs.
     */
    void evict(boolean closeSockets) {
        dropSockets();
        cancelTimers();
        if (closeSockets) {
            HibernationManager.Sockets h = namespace.hibernation().existing(id);
            if (h != null) {
                h.dropAll();
            }
        }
        if (!gate.tryRetire()) {
            throw new IllegalStateException(
                    "Cannot evict " + namespace.where(id, log, "evict") + " while an event is running or queued");
        }
        retire("forced");
    }

    /**
     * Takes this object out of service for a code reload: standard sockets are closed with 1012,
     * timers cancelled, and new events go to a new instance; events already running finish here.
     */
    void retireForReload() {
        closeStandardSockets(1012, "Service Restart");
        sockets.clear();
        cancelTimers();
        reloadPending = true;
        hooks.leaveNamespace();
        if (gate.tryRetire()) {
            retire("code reload");
        }
    }

    boolean isRetired() {
        return retired;
    }
}
