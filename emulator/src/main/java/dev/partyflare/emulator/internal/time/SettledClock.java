package dev.partyflare.emulator.internal.time;

import dev.partyflare.emulator.internal.exec.Activity;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Settled time on a manual clock: moving the clock waits for the runtime to be quiet (no work in
 * flight that does not wait on the clock), fires the next due task, waits again, and so on; and,
 * when automatic time skipping is on, a skipper moves the clock to the next due task whenever a
 * caller waits ({@link #whileWaiting}) and the runtime is quiet, as Temporal's test server does.
 *
 * <p>Settling first is what makes idle countdowns exact: an event that sent its reply and is still
 * finishing ends before the clock moves, so its object's 10 s countdown starts from when it really
 * ended on the runtime clock.
 */
public final class SettledClock {
    private final ManualRuntimeClock clock;
    private final Activity activity;
    private final ReentrantLock stepping = new ReentrantLock(true);
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile Duration settleTimeout;
    private volatile boolean autoSkip;
    private volatile boolean closed;
    private volatile Thread skipper;

    public SettledClock(ManualRuntimeClock clock, Activity activity, Duration settleTimeout, boolean autoSkip) {
        this.clock = clock;
        this.activity = activity;
        this.settleTimeout = settleTimeout;
        setAutoSkip(autoSkip);
    }

    public ManualRuntimeClock clock() {
        return clock;
    }

    /** Thrown when work in flight does not end or wait on the clock within the settle timeout. */
    public static final class NotSettledException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        NotSettledException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private void settle(String when) {
        try {
            activity.awaitQuiet(settleTimeout, when);
        } catch (TimeoutException e) {
            throw new NotSettledException(e.getMessage(), e);
        }
    }

    /** Waits until the runtime is quiet, running whatever is due now (nothing moves the clock). */
    public void runUntilIdle() {
        stepping.lock();
        try {
            settle("(runUntilIdle)");
            while (clock.runNext(clock.millis())) {
                settle("(runUntilIdle)");
            }
        } finally {
            stepping.unlock();
        }
    }

    /**
     * Settles, then moves the clock by {@code d}, running every task that comes due in time order and
     * settling after each, and returns once the runtime is quiet at the new time.
     */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("Time cannot go backwards: " + d);
        }
        stepping.lock();
        try {
            settle("before advancing the clock by " + d);
            long target = clock.millis() + d.toMillis();
            while (clock.runNext(target)) {
                settle("after a timer due at " + java.time.Instant.ofEpochMilli(clock.millis()) + " fired");
            }
            clock.moveTo(target);
            settle("at the end of advancing the clock by " + d);
        } finally {
            stepping.unlock();
        }
    }

    /**
     * Settles, then moves the clock to the earliest pending task (a timer, an alarm, an idle check),
     * runs every task due then and settles; returns the new time, or -1 when nothing was pending.
     */
    public long advanceToNext() {
        stepping.lock();
        try {
            settle("before advancing to the next timer");
            long due = clock.nextDue();
            if (due < 0) {
                return -1;
            }
            while (clock.runNext(due)) {
                settle("after the timer due at " + java.time.Instant.ofEpochMilli(due) + " fired");
            }
            return clock.millis();
        } finally {
            stepping.unlock();
        }
    }

    public void setSettleTimeout(Duration d) {
        this.settleTimeout = d;
    }

    public boolean autoSkip() {
        return autoSkip;
    }

    /** Turns automatic time skipping on or off. */
    public synchronized void setAutoSkip(boolean on) {
        autoSkip = on;
        if (on && skipper == null && !closed) {
            skipper =
                    Thread.ofPlatform().daemon().name("partyflare-time-skipper").start(this::skipLoop);
            activity.addWaiter(skipper);
        }
        wakeSkipper();
    }

    /**
     * Runs {@code wait}, a call that blocks until the runtime does something; while it blocks, time
     * skips (when automatic skipping is on).
     */
    public <T> T whileWaiting(Callable<T> wait) throws Exception {
        waiting.incrementAndGet();
        wakeSkipper();
        try {
            return wait.call();
        } finally {
            waiting.decrementAndGet();
        }
    }

    /**
     * Starts a wait by hand; the returned action ends it (once). The thread that satisfies the wait
     * should end it, before its own work ends: time then never skips between the answer and the
     * waiter seeing it.
     */
    public Runnable startWaiting() {
        waiting.incrementAndGet();
        wakeSkipper();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                waiting.decrementAndGet();
            }
        };
    }

    private void wakeSkipper() {
        Thread t = skipper;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Callers waiting in {@link #whileWaiting} now. */
    public int waiting() {
        return waiting.get();
    }

    private void skipLoop() {
        while (!closed) {
            if (autoSkip && waiting.get() > 0 && activity.quiet() && clock.nextDue() >= 0 && stepping.tryLock()) {
                try {
                    // checked again under the lock: an advance may have run meanwhile
                    long due = clock.nextDue();
                    if (autoSkip && waiting.get() > 0 && activity.quiet() && due >= 0) {
                        clock.runNext(due); // one task; the next round waits for what it started
                    }
                } catch (RuntimeException e) {
                    System.getLogger("dev.partyflare.emulator")
                            .log(System.Logger.Level.WARNING, "A timer failed while skipping time", e);
                } finally {
                    stepping.unlock();
                }
                continue;
            }
            // woken when the runtime turns quiet or a caller starts waiting; the timeout is a backstop
            LockSupport.parkNanos(this, 20_000_000L);
        }
    }

    /** Stops the skipper. */
    public synchronized void close() {
        closed = true;
        Thread t = skipper;
        if (t != null) {
            activity.removeWaiter(t);
            LockSupport.unpark(t);
        }
    }
}
