package dev.partyflare.emulator.internal.time;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A clock that moves only when told ({@link #advance(Duration)}): due tasks run in time order,
 * each seeing the clock at its own due time.
 */
public final class ManualRuntimeClock extends RuntimeClock {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private long now;
    private long seq;
    private int userPending;

    public ManualRuntimeClock(long startMillis) {
        this.now = startMillis;
    }

    @Override
    public long millis() {
        lock.lock();
        try {
            return now;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Scheduled schedule(long atMillis, Runnable task, boolean userTimer) {
        Entry e;
        lock.lock();
        try {
            e = new Entry(atMillis, seq++, task, userTimer);
            if (atMillis > now) {
                queue.add(e);
                if (userTimer) {
                    userPending++;
                }
                changed.signalAll();
                return () -> cancel(e);
            }
        } finally {
            lock.unlock();
        }
        e.state = 1;
        task.run();
        return () -> false;
    }

    private boolean cancel(Entry e) {
        lock.lock();
        try {
            if (e.state != 0) {
                return false;
            }
            e.state = 2;
            queue.remove(e);
            if (e.userTimer) {
                userPending--;
            }
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Moves time forward by {@code d}, running every task that comes due, in order. */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("Time cannot go backwards: " + d);
        }
        long target;
        lock.lock();
        try {
            target = now + d.toMillis();
        } finally {
            lock.unlock();
        }
        advanceTo(target);
    }

    /** Moves time forward to {@code target} epoch millis. */
    public void advanceTo(long target) {
        while (true) {
            Entry next;
            lock.lock();
            try {
                next = queue.peek();
                if (next == null || next.at > target) {
                    if (target > now) {
                        now = target;
                    }
                    changed.signalAll();
                    return;
                }
                queue.poll();
                next.state = 1;
                if (next.userTimer) {
                    userPending--;
                }
                if (next.at > now) {
                    now = next.at;
                }
            } finally {
                lock.unlock();
            }
            next.task.run();
        }
    }

    /**
     * Runs the earliest task due at or before {@code limit}, moving the clock to its due time (never
     * back); false when none is due by then. The task runs on the calling thread.
     */
    public boolean runNext(long limit) {
        Entry next;
        lock.lock();
        try {
            next = queue.peek();
            if (next == null || next.at > limit) {
                return false;
            }
            queue.poll();
            next.state = 1;
            if (next.userTimer) {
                userPending--;
            }
            if (next.at > now) {
                now = next.at;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        next.task.run();
        return true;
    }

    /**
     * Forgets every pending task and sets the clock to {@code millis}, even backwards: a full reset
     * of a runtime whose objects were all reset (their timers are gone with them).
     */
    public void resetTo(long millis) {
        lock.lock();
        try {
            for (Entry e : queue) {
                e.state = 2;
            }
            queue.clear();
            userPending = 0;
            now = millis;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Moves the clock to {@code target} (never back) without running anything. */
    public void moveTo(long target) {
        lock.lock();
        try {
            if (target > now) {
                now = target;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int pending() {
        lock.lock();
        try {
            return userPending;
        } finally {
            lock.unlock();
        }
    }

    /** The due time of the earliest pending task, or -1. */
    public long nextDue() {
        lock.lock();
        try {
            Entry e = queue.peek();
            return e == null ? -1 : e.at;
        } finally {
            lock.unlock();
        }
    }

    /** Waits (real time) until at least {@code n} tasks are pending. */
    public void awaitPending(int n, Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (userPending < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("Timed out after " + timeout + " waiting for " + n + " pending timers; "
                            + userPending + " pending");
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    private static final class Entry implements Comparable<Entry> {
        final long at;
        final long seq;
        final Runnable task;
        final boolean userTimer;
        int state; // 0 pending, 1 ran, 2 cancelled

        Entry(long at, long seq, Runnable task, boolean userTimer) {
            this.userTimer = userTimer;
            this.at = at;
            this.seq = seq;
            this.task = task;
        }

        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
