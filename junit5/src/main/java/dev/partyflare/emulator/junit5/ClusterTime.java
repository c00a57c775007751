package dev.partyflare.emulator.junit5;

import dev.partyflare.emulator.TimeControl;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The clock of an in-process cluster in a test: every node has its own manual clock, and this moves
 * them together. Time moves in steps from one pending timer to the next over all nodes; at each step
 * every node's clock is advanced to it (one node after the other, each settled) and then all are
 * settled again, so that work a node's step started on another node (a call, a routed alarm) has
 * run before the next step. Automatic time skipping is per node and not offered here.
 */
final class ClusterTime implements TimeControl {
    private final List<TimeControl> clocks;

    ClusterTime(List<TimeControl> clocks) {
        this.clocks = List.copyOf(clocks);
    }

    @Override
    public Instant now() {
        return clocks.get(0).now();
    }

    @Override
    public boolean isControllable() {
        return clocks.get(0).isControllable();
    }

    @Override
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("Time cannot go back: " + duration);
        }
        Instant target = now().plus(duration);
        runUntilIdle();
        for (int steps = 0; ; steps++) {
            Optional<Instant> next = nextTimer().filter(t -> t.isBefore(target));
            if (next.isEmpty()) {
                moveAllTo(target);
                return;
            }
            if (steps > 1_000_000) {
                throw new IllegalStateException("The cluster's clocks made no progress towards " + target
                        + ": a timer is due at " + next.get() + " again and again");
            }
            moveAllTo(next.get().isBefore(now()) ? now() : next.get());
        }
    }

    private void moveAllTo(Instant t) {
        for (TimeControl c : clocks) {
            Duration d = Duration.between(c.now(), t);
            c.advance(d.isNegative() ? Duration.ZERO : d);
        }
        runUntilIdle();
    }

    @Override
    public void runUntilIdle() {
        // twice: work one node settled may have started work on a node settled before it
        for (int round = 0; round < 2; round++) {
            for (TimeControl c : clocks) {
                c.runUntilIdle();
            }
        }
    }

    @Override
    public Optional<Instant> advanceToNextTimer() {
        runUntilIdle();
        Optional<Instant> next = nextTimer();
        next.ifPresent(t -> moveAllTo(t.isBefore(now()) ? now() : t));
        return next.map(t -> now());
    }

    @Override
    public Optional<Instant> nextTimer() {
        Optional<Instant> earliest = Optional.empty();
        for (TimeControl c : clocks) {
            Optional<Instant> t = c.nextTimer();
            if (t.isPresent() && (earliest.isEmpty() || t.get().isBefore(earliest.get()))) {
                earliest = t;
            }
        }
        return earliest;
    }

    @Override
    public void setAutoSkip(boolean on) {
        if (on) {
            throw new UnsupportedOperationException(
                    "Automatic time skipping is not offered on a cluster: each node has its own clock; move them"
                            + " together with time().advance(...) or advanceToNextTimer()");
        }
    }

    @Override
    public boolean isAutoSkip() {
        return false;
    }

    @Override
    public <T> T whileWaiting(Supplier<T> wait) {
        return wait.get();
    }

    @Override
    public Runnable startWaiting() {
        return () -> {};
    }

    @Override
    public int pendingTimers() {
        int n = 0;
        for (TimeControl c : clocks) {
            n += c.pendingTimers();
        }
        return n;
    }

    @Override
    public void awaitPendingTimers(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pendingTimers() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Waited " + timeout.toMillis() + " ms for " + count
                        + " pending timers over the cluster's nodes; " + pendingTimers() + " are pending");
            }
            // waiting on other threads (real time), not on the runtime
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
        }
    }
}
