package dev.partyflare.emulator.internal.time;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Wall-clock time, with timers on one small daemon scheduler thread. */
public final class SystemRuntimeClock extends RuntimeClock {
    private final ScheduledThreadPoolExecutor scheduler;
    private final AtomicInteger pending = new AtomicInteger();

    public SystemRuntimeClock() {
        scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "partyflare-timers");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
    }

    @Override
    public long millis() {
        return System.currentTimeMillis();
    }

    @Override
    public Scheduled schedule(long atMillis, Runnable task, boolean userTimer) {
        long delay = Math.max(0, atMillis - millis());
        AtomicInteger counter = userTimer ? pending : new AtomicInteger();
        counter.incrementAndGet();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        ScheduledFuture<?> f;
        try {
            f = scheduler.schedule(
                    () -> {
                        if (done.compareAndSet(false, true)) {
                            counter.decrementAndGet();
                            task.run();
                        }
                    },
                    delay,
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the runtime is shutting down (an event that was still finishing): the timer never fires
            counter.decrementAndGet();
            return () -> false;
        }
        return () -> {
            if (done.compareAndSet(false, true)) {
                counter.decrementAndGet();
                f.cancel(false);
                return true;
            }
            return false;
        };
    }

    @Override
    public int pending() {
        return pending.get();
    }

    @Override
    public void shutdown() {
        scheduler.shutdownNow();
    }
}
