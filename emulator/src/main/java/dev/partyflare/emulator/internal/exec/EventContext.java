package dev.partyflare.emulator.internal.exec;

import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

/**
 * What the current thread is running: an object's event (holding, or waiting to retake, that
 * object's input gate) or a Worker's event. Events may nest on one thread: a call from object A
 * to object B runs B's event on A's thread while A's gate is open.
 */
public final class EventContext {
    private final GateOwner owner;
    /** A Worker event whose context outlives it: an RPC call into an entrypoint (see {@link #enterWorkerCall}). */
    private final boolean outlived;
    /** What ends with this event ({@link #whenEnded}), or null. */
    private java.util.List<Runnable> ending;

    private InputGate.Ticket ticket;
    private int exclusiveDepth;
    /** The event's frozen {@code Date.now()}, or {@link Long#MIN_VALUE} until first read. */
    private long frozenNow = Long.MIN_VALUE;

    private EventContext(GateOwner owner, InputGate.Ticket ticket, boolean outlived) {
        this.owner = owner;
        this.ticket = ticket;
        this.outlived = outlived;
    }

    /** The object side of an event: its gate and what to do when the gate turns out broken. */
    public interface GateOwner {
        InputGate gate();

        /** Called when this event, back from I/O, finds the object reset. Must throw. */
        RuntimeException resetWhileAway();

        /** Called before the gate opens for I/O: the output gate commits pending writes here. */
        default void beforeGateRelease() {}

        /** Called when an event has the gate again after I/O. */
        default void afterGateReacquire() {}
    }

    /** The context of the current thread, or null outside any event. */
    public static EventContext current() {
        return ThreadState.current().context;
    }

    /** Enters an object event that holds {@code ticket} (already granted); returns the outer one. */
    public static EventContext enterObject(GateOwner owner, InputGate.Ticket ticket) {
        ThreadState state = ThreadState.current();
        EventContext prev = state.context;
        state.context = new EventContext(owner, ticket, false);
        return prev;
    }

    /** Enters a Worker event (no gate), such as a request; returns the outer one. */
    public static EventContext enterWorker() {
        ThreadState state = ThreadState.current();
        EventContext prev = state.context;
        state.context = new EventContext(null, null, false);
        return prev;
    }

    /**
     * Enters a Worker event that answers an RPC call (an entrypoint's method); returns the outer one.
     * Its context outlives it, as workerd keeps the callee's context while the caller holds stubs of
     * what it returned by reference.
     */
    public static EventContext enterWorkerCall() {
        ThreadState state = ThreadState.current();
        EventContext prev = state.context;
        state.context = new EventContext(null, null, true);
        return prev;
    }

    /** True for {@link #enterWorkerCall}: what this event makes may be used after it ended. */
    public boolean outlivesEvent() {
        return outlived;
    }

    /** Runs {@code action} when this event ends (its {@link #exit}). */
    public void whenEnded(Runnable action) {
        if (ending == null) {
            ending = new java.util.ArrayList<>(1);
        }
        ending.add(action);
    }

    /** Leaves the current event, releasing its gate if held, and restores {@code previous}. */
    public static void exit(EventContext previous) {
        ThreadState state = ThreadState.current();
        EventContext ec = state.context;
        if (ec != null && ec.ticket != null) {
            ec.ticket.release();
            ec.ticket = null;
        }
        if (ec != null && ec.ending != null) {
            ec.ending.forEach(Runnable::run);
            ec.ending = null;
        }
        state.context = previous;
    }

    /**
     * The time as the current event sees it. As in workerd, where {@code Date.now()} only moves
     * forward across I/O, the clock is read once per event and again after each wait on I/O
     * ({@link #awaitIo}), so code in one synchronous stretch sees one instant: {@code
     * setAlarm(now() + 300)} lands 300 ms after the time the code saw, however slow the machine.
     * Outside any event this is the clock itself.
     */
    public static long eventMillis(LongSupplier clock) {
        EventContext ec = ThreadState.current().context;
        if (ec == null) {
            return clock.getAsLong();
        }
        if (ec.frozenNow == Long.MIN_VALUE) {
            ec.frozenNow = clock.getAsLong();
        }
        return ec.frozenNow;
    }

    public GateOwner owner() {
        return owner;
    }

    /** True inside blockConcurrencyWhile or a transaction: I/O does not open the gate. */
    public boolean exclusive() {
        return exclusiveDepth > 0;
    }

    public void beginExclusive() {
        exclusiveDepth++;
    }

    public void endExclusive() {
        exclusiveDepth--;
    }

    /**
     * Runs {@code io}, a wait on something other than storage. Inside an object event (outside
     * blockConcurrencyWhile) the gate opens for the duration so other events may run, and the
     * event queues behind them to continue, as a JS continuation does after {@code await}.
     */
    public static <T> T awaitIo(Callable<T> io) throws Exception {
        EventContext ec = ThreadState.current().context;
        if (ec == null) {
            return io.call();
        }
        if (ec.owner == null || ec.exclusiveDepth > 0 || ec.ticket == null) {
            try {
                return io.call();
            } finally {
                ec.frozenNow = Long.MIN_VALUE;
            }
        }
        ec.owner.beforeGateRelease();
        ec.ticket.release();
        ec.ticket = null;
        try {
            return io.call();
        } finally {
            InputGate.Ticket t = ec.owner.gate().enqueue();
            try {
                t.await();
            } catch (RuntimeException broken) {
                throw ec.owner.resetWhileAway();
            }
            ec.ticket = t;
            ec.frozenNow = Long.MIN_VALUE;
            ec.owner.afterGateReacquire();
        }
    }
}
