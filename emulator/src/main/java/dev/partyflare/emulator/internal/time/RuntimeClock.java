package dev.partyflare.emulator.internal.time;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * The one clock of a runtime: timers, timeouts, alarms and idle eviction all read and schedule on
 * it, so tests can drive time instead of sleeping. Scheduled tasks must be short: they hand work to
 * other threads.
 */
public abstract class RuntimeClock {

    /** Epoch milliseconds now. */
    public abstract long millis();

    /**
     * Runs {@code task} once the clock reaches {@code atMillis} (at once if already past). {@code
     * userTimer} marks the timers of user code ({@code sleep}, {@code setTimeout}), which {@link
     * #pending()} counts; the runtime's own (timeouts, idle checks, alarms) are not counted.
     */
    public abstract Scheduled schedule(long atMillis, Runnable task, boolean userTimer);

    /** A runtime task (not counted by {@link #pending()}). */
    public Scheduled schedule(long atMillis, Runnable task) {
        return schedule(atMillis, task, false);
    }

    /** Number of user timers scheduled and not yet run or cancelled. */
    public abstract int pending();

    /** Stops the clock's threads. */
    public void shutdown() {}

    /**
     * Blocks the calling thread until the clock reaches {@code atMillis}. Its runtime work, if any,
     * waits on time meanwhile (it is not active), and counts again from the moment the timer fires.
     */
    public void sleepUntil(long atMillis) throws InterruptedException {
        if (atMillis <= millis()) {
            return;
        }
        java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
        dev.partyflare.emulator.internal.exec.Activity.Parked parked =
                dev.partyflare.emulator.internal.exec.Activity.prepareParkCurrent();
        Scheduled s = schedule(
                atMillis,
                () -> {
                    if (parked != null) {
                        parked.resume(); // before the sleeper can run: the count never drops in between
                    }
                    latch.countDown();
                },
                true);
        if (parked != null) {
            parked.park();
        }
        try {
            latch.await();
        } finally {
            s.cancel();
            if (parked != null) {
                parked.resume();
            }
        }
    }

    /**
     * {@code ctx.sleep(duration)}: sleeps on this clock as an I/O wait, so the calling event's input
     * gate opens meanwhile ({@link dev.partyflare.emulator.internal.exec.EventContext#awaitIo}).
     */
    public void sleepAsIo(java.time.Duration duration) throws InterruptedException {
        long until = millis() + Math.max(0, duration.toMillis());
        try {
            dev.partyflare.emulator.internal.exec.EventContext.awaitIo(() -> {
                sleepUntil(until);
                return null;
            });
        } catch (InterruptedException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** This clock as a {@link java.time.Clock} (UTC). */
    public Clock asJavaClock() {
        return asJavaClock(this::millis);
    }

    /** A {@link Clock} reading {@code millis}, e.g. an event's frozen view of this clock. */
    public static Clock asJavaClock(LongSupplier millis) {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return Clock.fixed(instant(), zone);
            }

            @Override
            public long millis() {
                return millis.getAsLong();
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(millis.getAsLong());
            }
        };
    }

    /** A scheduled task. */
    public interface Scheduled {
        /** Returns false when it already ran or was cancelled. */
        boolean cancel();
    }
}
