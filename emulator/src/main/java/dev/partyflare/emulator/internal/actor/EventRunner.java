package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.emulator.internal.exec.Abandonment;
import dev.partyflare.emulator.internal.exec.Activity;
import dev.partyflare.emulator.internal.exec.ActorResetError;
import dev.partyflare.emulator.internal.exec.EventContext;
import dev.partyflare.emulator.internal.exec.EventThreads;
import dev.partyflare.emulator.internal.exec.InputGate;
import dev.partyflare.emulator.internal.exec.OutputGate;
import dev.partyflare.emulator.internal.exec.Preemption;
import dev.partyflare.emulator.internal.time.RuntimeClock;
import dev.partyflare.emulator.internal.websocket.SocketHost;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/**
 * Runs the events of one live object behind its input gate: an event waits for its ticket, runs
 * the user's code on the (lazily built) instance, passes the commit point, and tells the lifecycle
 * it ended. Events queued from an I/O thread run on virtual threads, on that thread's event loop
 * while the room is small. It is the gate's owner in {@link EventContext} (the hooks around I/O
 * waits: commit before the gate opens, note the running time when it is taken back) and keeps the
 * watchdog's view of how long the event holding the gate has run.
 *
 * <p>The path of an event goes down only: {@link InputGate} → the instance → {@link CommitPoint} →
 * {@link ObjectLifecycle#eventEnded()}; nothing here calls back into {@link Actor}.
 */
final class EventRunner
        implements EventContext.GateOwner, SocketHost.Provider, dev.partyflare.emulator.internal.rpc.RpcOwner.Source {
    static final String MEMORY_RESET = "Durable Object's isolate exceeded its memory limit and was reset.";

    /**
     * Rooms with more sockets than this run their events on the default scheduler instead: their
     * broadcasts then write in parallel with the I/O threads reading (fan-out measured ~8% faster),
     * while a room with a few sockets answers fastest on its I/O thread (echo 10k → 17k round trips/s).
     */
    static final int LOOP_MAX_SOCKETS = 8;

    /** The body of an event: runs with the gate held, given the (constructed) instance. */
    @FunctionalInterface
    public interface EventBody<T> {
        T run(DurableObject instance) throws Exception;
    }

    /** An event delivered to the object's handlers (hibernatable sockets). */
    @FunctionalInterface
    public interface ObjectEvent {
        void run(DurableObject instance) throws Exception;
    }

    private final ActorNamespace namespace;
    private final DurableObjectId id;
    private final InputGate gate;
    private final InstanceSlot instance;
    private final DurableObjectState state;
    private final ObjectLifecycle lifecycle;
    private final CommitPoint commits;
    private final Timeline.Log log;
    private final OutputGate outputGate;
    private final ObjectSockets sockets;

    /** Names this object in the runtime's messages about work in flight; one for all its events. */
    private final java.util.function.Supplier<String> described;

    private volatile ObjectRpcOwner rpcOwner;

    /** The event loop this object's socket events run on: the first I/O thread that delivered one. */
    private volatile Object home;

    // the watchdog's view: how long the event holding the gate has been running
    private volatile Thread runningThread;
    private volatile long runningSince;

    EventRunner(
            ActorNamespace namespace,
            DurableObjectId id,
            InputGate gate,
            InstanceSlot instance,
            DurableObjectState state,
            ObjectLifecycle lifecycle,
            CommitPoint commits,
            Timeline.Log log,
            OutputGate outputGate) {
        this.namespace = namespace;
        this.id = id;
        this.gate = gate;
        this.instance = instance;
        this.state = state;
        this.lifecycle = lifecycle;
        this.commits = commits;
        this.log = log;
        this.outputGate = outputGate;
        this.described = () -> namespace.describe(id);
        this.sockets = new ObjectSockets(namespace, id, lifecycle, outputGate, log, new ObjectSockets.Events() {
            @Override
            public void dispatch(String description, Runnable event) {
                EventRunner.this.dispatch(description, event);
            }

            @Override
            public int backlog() {
                return gate.queued();
            }
        });
    }

    private ActorServices services() {
        return namespace.services();
    }

    /** Where the events of sockets accepted in this object's events run. */
    @Override
    public SocketHost socketHost() {
        return sockets;
    }

    // ---- running events ----

    /** Runs the event that holds {@code ticket} on the calling thread, with the instance. */
    <T> T runTicket(InputGate.Ticket ticket, EventBody<T> body) throws Exception {
        return runTicket(ticket, body, null);
    }

    /** Runs the event that holds {@code ticket} on storage alone: the instance is not constructed. */
    <T> T runWithoutInstance(InputGate.Ticket ticket, Callable<T> body) throws Exception {
        return runTicket(ticket, null, body);
    }

    private <T> T runTicket(InputGate.Ticket ticket, EventBody<T> body, Callable<T> storageBody) throws Exception {
        try {
            return runGranted(ticket, body, storageBody);
        } finally {
            lifecycle.eventEnded();
        }
    }

    private <T> T runGranted(InputGate.Ticket ticket, EventBody<T> body, Callable<T> storageBody) throws Exception {
        ticket.await(); // throws ActorBrokenException when this actor was reset meanwhile
        EventContext previous = EventContext.enterObject(this, ticket);
        Thread outerThread = runningThread;
        long outerSince = runningSince;
        markRunning();
        try {
            T result;
            try {
                result = storageBody != null ? storageBody.call() : body.run(instance());
            } catch (OutOfMemoryError e) {
                // the allocation that failed is (most likely) this event's: its references are gone with
                // its stack; reset the object as Cloudflare resets an isolate over its memory limit
                instance.drop(); // what it kept in fields goes too
                outputGate.breakGate();
                lifecycle.reset("java.lang.Error", MEMORY_RESET);
                services().errors().report(namespace.where(id, log, "memory"), e);
                throw new ActorResetError("java.lang.Error", MEMORY_RESET);
            } catch (Exception | Error e) {
                if (!(e instanceof ActorResetError)) {
                    commits.commitOrReset(); // writes stand even when the handler throws, as on Cloudflare
                }
                throw e;
            }
            commits.commitOrReset(); // the output gate: the result leaves only once its writes are durable
            return result;
        } catch (ActorResetError e) {
            throw lifecycle.brokenReason();
        } finally {
            commits.endOfEvent();
            runningThread = outerThread; // an event of this object that this one nested in (re-entrant call)
            runningSince = outerSince;
            Preemption.clear(this);
            EventContext.exit(previous);
        }
    }

    private DurableObject instance() throws Exception {
        if (!instance.isBuilt() && lifecycle.isBroken()) {
            throw lifecycle.brokenReason();
        }
        return instance.get(state);
    }

    /** Runs an already queued event on its own thread; errors go to the runtime's error log. */
    void runOnThread(
            InputGate.Ticket ticket, String description, ObjectEvent event, long timeoutMillis, Activity.Work work) {
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
                                            namespace.where(id, log, description),
                                            new TimeoutException(description
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
                reportError(description, e);
            } finally {
                if (timeout != null) {
                    timeout.cancel();
                }
                work.end();
            }
        });
    }

    /** Queues {@code event} now, in call order, and runs it as an event of this object on its own thread. */
    void dispatch(String description, Runnable event) {
        if (namespace.stopping()) {
            return; // the runtime stops: see ActorNamespace.stopAcceptingEvents
        }
        Activity.Work work = services().activity().begin(description, described);
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
                reportError(description, e);
            } finally {
                work.end();
            }
        });
    }

    private void reportError(String description, Throwable e) {
        services().timeline().handlerError(log, description, e);
        services().errors().report(namespace.where(id, log, description), e);
    }

    private Object home() {
        if (!EventThreads.socketLoops()) {
            return null; // turned off: no socket counts or hibernation lookup on every event
        }
        if (lifecycle.openSockets() > LOOP_MAX_SOCKETS) {
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

    /** The owner of what this object's events pass by reference. */
    @Override
    public dev.partyflare.emulator.internal.rpc.RpcOwner rpcOwner() {
        ObjectRpcOwner o = rpcOwner;
        if (o == null) {
            synchronized (this) {
                if (rpcOwner == null) {
                    rpcOwner = new ObjectRpcOwner(this, lifecycle);
                }
                o = rpcOwner;
            }
        }
        return o;
    }

    // ---- EventContext.GateOwner: the hooks around an event's waits on I/O ----

    @Override
    public InputGate gate() {
        return gate;
    }

    @Override
    public RuntimeException resetWhileAway() {
        return lifecycle.resetWhileAway();
    }

    @Override
    public void beforeGateRelease() {
        commits.commitOrReset();
        commits.releaseSession();
        runningThread = null; // waiting on I/O is not running
        runningSince = 0;
    }

    @Override
    public void afterGateReacquire() {
        markRunning();
    }

    private void markRunning() {
        runningThread = Thread.currentThread();
        runningSince = System.nanoTime();
    }

    // ---- the watchdog ----

    /**
     * The runtime closes while this object's event still runs user code (a spin the watchdog has
     * not reached yet, or one under a long limit): stops it as the watchdog would, so it does not
     * hold a core until the JVM exits. The object is reset, so what the event did not commit is
     * dropped (none of it was acknowledged), and its next loop back edge throws. The thread is not
     * interrupted: no storage work on it is cut short while storage closes. An event waiting on I/O
     * is not running and is left to the closing runtime.
     */
    void stopAtShutdown(String errorType, String message) {
        Thread t = runningThread;
        if (t == null || lifecycle.isBroken()) {
            return;
        }
        lifecycle.reset(errorType, message);
        stopAtNextPoll(t, errorType, message);
    }

    /**
     * Makes the next preemption poll on {@code t} throw, unless the event ended meanwhile (its own
     * clear may have run before the stop was set, and would leave the stop behind).
     */
    private void stopAtNextPoll(Thread t, String errorType, String message) {
        Preemption.stop(t, this, errorType, message);
        if (runningThread != t) {
            Preemption.clear(t, this);
        }
    }

    /**
     * {@code " in <the user's frame>"}, and the frame the thread is in when that is library or JDK
     * code (a spin inside a regex, say): the message names the user's line first, where the stack
     * would start with the library's.
     */
    static String codeLocation(StackTraceElement[] stack) {
        Throwable probe = new Throwable(null, null, false, true) {};
        probe.setStackTrace(stack);
        String users = Timeline.userFrames(probe);
        String top = stack.length == 0 ? "" : frame(stack[0].toString());
        if (users.isEmpty()) {
            return top.isEmpty() ? "" : " in " + top;
        }
        String user = frame(users.lines().findFirst().orElseThrow());
        return " in " + user + (top.isEmpty() || top.equals(user) ? "" : ", inside " + top);
    }

    /** {@code Class.method(File.java:1)}, without the class loader and module a stack frame names first. */
    private static String frame(String element) {
        int paren = element.indexOf('(');
        int slash = element.lastIndexOf('/', paren < 0 ? element.length() : paren);
        return element.substring(slash + 1);
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
        if (t == null || since == 0 || now - since < limitNanos || lifecycle.isBroken()) {
            return;
        }
        long ms = limitNanos / 1_000_000L;
        String limit = ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
        // Cloudflare's text first, so code that matches on it works here too; then what partyflare measured
        StackTraceElement[] stack = t.getStackTrace();
        String message = "Durable Object exceeded its CPU time limit and was reset. (partyflare: an event of "
                + namespace.binding() + " " + id + " ran for more than " + limit + " without waiting on the runtime"
                + codeLocation(stack) + ": spinning or blocked code? --event-timeout sets the limit)";
        // reported with the stuck thread's stack, so the log shows the user's line that spins or blocks
        TimeoutException stuck = new TimeoutException(message);
        stuck.setStackTrace(stack);
        services().errors().report(namespace.where(id, log, "watchdog"), stuck);
        lifecycle.reset("java.util.concurrent.TimeoutException", message);
        // blocked code sees the interrupt; spinning user code stops at its next loop back edge
        stopAtNextPoll(t, "java.util.concurrent.TimeoutException", message);
        t.interrupt();
        // spinning inside code without polls (the JDK, a library), the thread goes on: whoever waits on it
        // for an answer (an HTTP client) gets the error the caller would have seen, from another thread
        Abandonment.abandonIfStuck(t, () -> Preemption.isStopped(t, this), () -> {
            ActorBrokenException reason = lifecycle.brokenReason();
            return dev.partyflare.durable.DurableObjectException.builder(reason.errorType(), reason.getMessage())
                    .remote(true)
                    .durableObjectReset(true)
                    .build();
        });
    }
}
