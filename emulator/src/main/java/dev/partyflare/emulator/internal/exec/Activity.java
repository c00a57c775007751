package dev.partyflare.emulator.internal.exec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The work a runtime has in flight, so that time can be settled: an event queued or running, an
 * alarm run, a socket event, a Worker event, each counted as a {@link Work} from the moment it is
 * handed to the runtime until it ends. A thread that holds work and blocks on the runtime clock
 * ({@code ctx.sleep}) or on an input gate that another event holds is <em>parked</em>: its work
 * waits, it is not active. The runtime is <em>quiet</em> when no work is active: everything left
 * waits on time (or on an event that waits on time), so the next step can only come from the clock.
 *
 * <p>Every hand-over overlaps: new work is counted before the work (or the clock task) that started
 * it ends, so the count never touches zero between cause and effect.
 */
public final class Activity {
    private final AtomicInteger active = new AtomicInteger();
    private final Set<Work> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<Thread> waiters = ConcurrentHashMap.newKeySet();
    /** How many times the runtime turned quiet: a waiter that missed the moment still sees it. */
    private final java.util.concurrent.atomic.AtomicLong quietMoments = new java.util.concurrent.atomic.AtomicLong();

    /** One unit of work: what it is (for messages), whether it is attached and whether it waits. */
    public final class Work {
        private final String kind;
        private final Supplier<String> subject;
        private final long since = System.nanoTime();
        private volatile boolean ended;
        private volatile int parkedBy;

        private Work(String kind, Supplier<String> subject) {
            this.kind = kind;
            this.subject = subject;
        }

        Activity owner() {
            return Activity.this;
        }

        /** Runs this work on the calling thread from now on (a hand-over from the thread that began it). */
        public Work attach() {
            ThreadState.current().attach(this);
            return this;
        }

        /** The work ended: detached from this thread and no longer counted. Idempotent. */
        public void end() {
            if (ended) {
                return;
            }
            ended = true;
            ThreadState.current().detach(this);
            inFlight.remove(this);
            decrement();
        }

        @Override
        public String toString() {
            String who = subject == null ? null : subject.get();
            long ms = (System.nanoTime() - since) / 1_000_000L;
            return (who == null ? "" : who + ": ") + kind + " (for " + ms + " ms"
                    + (parkedBy > 0 ? ", waiting on the clock or a gate" : "") + ")";
        }
    }

    /** Counts new work that another thread will {@link Work#attach() attach}. */
    public Work begin(String kind, Supplier<String> subject) {
        Work w = new Work(kind, subject);
        active.incrementAndGet();
        inFlight.add(w);
        return w;
    }

    /** Counts new work that runs on the calling thread. */
    public Work enter(String kind, Supplier<String> subject) {
        return begin(kind, subject).attach();
    }

    /**
     * Counts new work begun by the calling thread on behalf of the runtime it already works for (a
     * socket event started from an event): null when this thread does no runtime work.
     */
    public static Work beginForCurrent(String kind, Supplier<String> subject) {
        List<Work> mine = ThreadState.current().attached();
        if (mine.isEmpty()) {
            return null;
        }
        return mine.get(mine.size() - 1).owner().begin(kind, subject);
    }

    private void decrement() {
        if (active.decrementAndGet() == 0) {
            quietMoments.incrementAndGet();
            for (Thread t : waiters) {
                LockSupport.unpark(t);
            }
        }
    }

    /** No work is active now. */
    public boolean quiet() {
        return active.get() == 0;
    }

    /** Work counted and not ended (active or parked): for messages. */
    public List<String> describeInFlight() {
        List<String> out = new ArrayList<>();
        for (Work w : inFlight) {
            out.add(w.toString());
        }
        return out;
    }

    /** Work counted and active (not parked): what keeps the runtime from being quiet. */
    public List<String> describeActive() {
        List<String> out = new ArrayList<>();
        for (Work w : inFlight) {
            if (w.parkedBy == 0) {
                out.add(w.toString());
            }
        }
        return out;
    }

    /**
     * Waits (real time, at most {@code timeout}) until the runtime is quiet, or has been at some
     * moment since the call. The calling thread's own work, if any, is parked meanwhile.
     *
     * @throws TimeoutException naming the work still active
     */
    public void awaitQuiet(Duration timeout, String forWhat) throws TimeoutException {
        Parked mine = parkCurrent();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            Thread self = Thread.currentThread();
            long seen = quietMoments.get();
            waiters.add(self);
            try {
                // quiet now, or quiet at some moment since the call: under a steady stream of new
                // requests (a test's publisher thread) the runtime may never be quiet when this thread
                // looks, yet everything in flight at the call had ended at that moment
                while (active.get() > 0 && quietMoments.get() == seen) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        List<String> busy = describeActive();
                        throw new TimeoutException(
                                "The runtime did not settle within " + format(timeout) + " " + forWhat
                                        + "; still in flight: "
                                        + (busy.isEmpty() ? "(work that just ended)" : String.join("; ", busy))
                                        + ". Work that waits on something other than the runtime clock (a latch, an outbound"
                                        + " call, a spinning loop) keeps time from settling.");
                    }
                    LockSupport.parkNanos(this, Math.min(left, 50_000_000L));
                    if (Thread.interrupted()) {
                        self.interrupt();
                        throw new TimeoutException("Interrupted while waiting for the runtime to settle " + forWhat);
                    }
                }
            } finally {
                waiters.remove(self);
            }
        } finally {
            if (mine != null) {
                mine.resume();
            }
        }
    }

    /** Forgets parked work (its timers were reset away): it no longer shows in messages. */
    public void forgetParked() {
        inFlight.removeIf(w -> w.parkedBy > 0);
    }

    /** Registers {@code t} to be woken whenever the runtime turns quiet (the time skipper). */
    public void addWaiter(Thread t) {
        waiters.add(t);
    }

    public void removeWaiter(Thread t) {
        waiters.remove(t);
    }

    /** Wakes the registered waiters (something they watch changed). */
    public void wakeWaiters() {
        for (Thread t : waiters) {
            LockSupport.unpark(t);
        }
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }

    // ---- parking: a thread that holds work waits on the clock or a gate ----

    /**
     * The work of a parked thread. {@link #resume()} counts it as active again, once, whether the
     * thread itself or the one that wakes it (a clock task, a gate's releaser) calls it first: the
     * waker calls it before the thread can run, so the count never drops between the two.
     */
    public static final class Parked {
        private static final int INIT = 0;
        private static final int PARKED = 1;
        private static final int RESUMED = 2;
        private final List<Work> work;
        private final AtomicInteger state = new AtomicInteger(INIT);

        private Parked(List<Work> work) {
            this.work = work;
        }

        /** Stops counting the work as active, unless it was resumed already. */
        public void park() {
            if (state.compareAndSet(INIT, PARKED)) {
                for (Work w : work) {
                    w.parkedBy++;
                    w.owner().decrement();
                }
            }
        }

        /** Counts the work as active again (once). */
        public void resume() {
            if (state.compareAndSet(PARKED, RESUMED)) {
                for (Work w : work) {
                    w.owner().active.incrementAndGet();
                    w.parkedBy--;
                }
            } else {
                state.compareAndSet(INIT, RESUMED);
            }
        }
    }

    /**
     * Prepares to park the calling thread's work: null when it holds none. Call {@link
     * Parked#park()} once whatever will wake the thread is in place, and make that waker call
     * {@link Parked#resume()} before it lets the thread go.
     */
    public static Parked prepareParkCurrent() {
        List<Work> mine = ThreadState.current().attached();
        if (mine.isEmpty()) {
            return null;
        }
        List<Work> live = new ArrayList<>(mine.size());
        for (Work w : mine) {
            if (!w.ended) {
                live.add(w);
            }
        }
        return live.isEmpty() ? null : new Parked(live);
    }

    /** Parks the calling thread's work at once (it waits for the runtime itself). */
    public static Parked parkCurrent() {
        Parked p = prepareParkCurrent();
        if (p != null) {
            p.park();
        }
        return p;
    }
}
