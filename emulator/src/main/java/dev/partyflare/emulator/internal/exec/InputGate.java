package dev.partyflare.emulator.internal.exec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An object's input gate (workerd's {@code InputGate}): at most one event holds it at a time;
 * waiters get it in the order they queued. Queuing is separate from waiting so that a delivering
 * thread (e.g. the I/O thread for socket messages) fixes the order before the event's own thread
 * starts. A broken gate fails every waiter with the reason.
 */
public final class InputGate {
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Ticket> waiting = new ArrayDeque<>();
    private boolean held;
    private RuntimeException broken;
    private int active;
    private boolean retired;

    /**
     * Starts a new event: counts it as active and takes a place in the queue. Returns null when the
     * gate was retired (the object hibernated or was evicted): look the object up again.
     */
    public Ticket enqueueEvent() {
        lock.lock();
        try {
            if (retired) {
                return null;
            }
            active++;
        } finally {
            lock.unlock();
        }
        return enqueue();
    }

    /** An event started with {@link #enqueueEvent()} ended; returns the number still active. */
    public int eventEnded() {
        lock.lock();
        try {
            return --active;
        } finally {
            lock.unlock();
        }
    }

    /** Events begun and not ended, including ones waiting on I/O. */
    public int active() {
        lock.lock();
        try {
            return active;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Retires the gate if no event is active or queued: from then on {@link #enqueueEvent()} returns
     * null. Atomic with respect to new events, so none is lost or reordered.
     */
    public boolean tryRetire() {
        lock.lock();
        try {
            if (held || !waiting.isEmpty() || active > 0 || broken != null || retired) {
                return false;
            }
            retired = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    public boolean isRetired() {
        lock.lock();
        try {
            return retired;
        } finally {
            lock.unlock();
        }
    }

    /** Takes a place in the queue; {@link Ticket#await()} blocks until it is this ticket's turn. */
    public Ticket enqueue() {
        Ticket t = new Ticket(this);
        lock.lock();
        try {
            if (broken != null) {
                t.future.completeExceptionally(broken);
            } else if (!held && waiting.isEmpty()) {
                held = true;
                t.future.complete(null);
            } else {
                waiting.add(t);
            }
        } finally {
            lock.unlock();
        }
        return t;
    }

    void release() {
        Ticket next;
        lock.lock();
        try {
            next = waiting.poll();
            if (next == null) {
                held = false;
                return;
            }
        } finally {
            lock.unlock();
        }
        next.granted();
        next.future.complete(null);
    }

    /** Fails every queued waiter (and every later one) with {@code reason}. */
    public void breakGate(RuntimeException reason) {
        ArrayDeque<Ticket> failed;
        lock.lock();
        try {
            if (broken != null) {
                return;
            }
            broken = reason;
            failed = new ArrayDeque<>(waiting);
            waiting.clear();
        } finally {
            lock.unlock();
        }
        for (Ticket t : failed) {
            t.granted();
            t.future.completeExceptionally(reason);
        }
    }

    public boolean isBroken() {
        lock.lock();
        try {
            return broken != null;
        } finally {
            lock.unlock();
        }
    }

    /** Number of events waiting for the gate. */
    public int queued() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** A place in the gate's queue. */
    public static final class Ticket {
        private final InputGate gate;
        final CompletableFuture<Void> future = new CompletableFuture<>();
        private boolean released;
        /**
         * Null, then the waiting thread's parked work (it waits for its turn), or {@link #GRANTED}
         * once the gate was handed over: whoever comes second resumes the work, before the waiter runs.
         */
        @SuppressWarnings("unused") // through WAITER
        private volatile Object waiter;

        private static final Object GRANTED = new Object();
        private static final VarHandle WAITER;

        static {
            try {
                WAITER = MethodHandles.lookup().findVarHandle(Ticket.class, "waiter", Object.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** The gate is this ticket's (or broken): a parked waiter counts as active again. */
        void granted() {
            if (WAITER.getAndSet(this, GRANTED) instanceof Activity.Parked p) {
                p.resume();
            }
        }

        private Ticket(InputGate gate) {
            this.gate = gate;
        }

        /** Blocks until the gate is granted to this ticket. */
        public void await() {
            Activity.Parked parked = null;
            if (!future.isDone()) {
                // waiting for another event: not active work (it may wait on the clock itself)
                parked = Activity.prepareParkCurrent();
                if (parked != null) {
                    if (WAITER.compareAndSet(this, null, parked)) {
                        parked.park();
                    } else {
                        parked = null; // granted meanwhile
                    }
                }
            }
            try {
                awaitGranted();
            } finally {
                if (parked != null) {
                    parked.resume();
                }
            }
        }

        private void awaitGranted() {
            boolean interrupted = false;
            while (true) {
                try {
                    future.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        /** Gives the gate to the next waiter; once only. */
        public void release() {
            if (released) {
                return;
            }
            released = true;
            if (future.isDone() && !future.isCompletedExceptionally()) {
                gate.release();
            }
        }
    }
}
