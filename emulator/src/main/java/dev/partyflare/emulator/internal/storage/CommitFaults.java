package dev.partyflare.emulator.internal.storage;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault injection for commits (tests): fail the next N commits (of every object, or of one), or
 * make commits slow. A failed commit resets its object as a failed write does on Cloudflare
 * ({@code Internal error in Durable Object storage write caused object to be reset.}).
 */
public final class CommitFaults {
    private final AtomicInteger failNext = new AtomicInteger();
    private final AtomicLong delayMillis = new AtomicLong();
    private final Map<String, AtomicInteger> failNextOf = new ConcurrentHashMap<>();
    private final Map<String, Long> slowOf = new ConcurrentHashMap<>();
    private volatile long slowAll;
    private volatile Sleeper sleeper;

    /** Waits on the runtime clock (a manual clock moves only when told). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /** How slow commits wait: on the runtime's clock. */
    public void useSleeper(Sleeper s) {
        this.sleeper = s;
    }

    public void failNextCommits(int n) {
        failNext.set(n);
    }

    /** Delays every commit by {@code millis} of real time. */
    public void delayCommits(long millis) {
        delayMillis.set(millis);
    }

    /** The next {@code n} commits of object {@code id} fail. */
    public void failNextCommits(String id, int n) {
        if (n <= 0) {
            failNextOf.remove(id);
        } else {
            failNextOf.put(id, new AtomicInteger(n));
        }
    }

    /** Every commit of object {@code id} (every object when null) takes {@code millis} on the runtime clock. */
    public void slowCommits(String id, long millis) {
        if (id == null) {
            slowAll = Math.max(0, millis);
        } else if (millis <= 0) {
            slowOf.remove(id);
        } else {
            slowOf.put(id, millis);
        }
    }

    /** Commits of object {@code id} still set to fail. */
    public int pendingFailures(String id) {
        AtomicInteger n = failNextOf.get(id);
        return n == null ? 0 : Math.max(0, n.get());
    }

    /** Removes every fault. */
    public void clear() {
        failNext.set(0);
        delayMillis.set(0);
        failNextOf.clear();
        slowOf.clear();
        slowAll = 0;
    }

    void beforeCommit(String id) throws java.sql.SQLException {
        long d = delayMillis.get();
        if (d > 0) {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long slow = Math.max(slowAll, slowOf.getOrDefault(id, 0L));
        Sleeper s = sleeper;
        if (slow > 0 && s != null) {
            try {
                s.sleep(slow);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.sql.SQLException("interrupted during a slow commit (fault injection)", e);
            }
        }
        if (failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            throw new java.sql.SQLException("injected commit failure");
        }
        AtomicInteger mine = failNextOf.get(id);
        if (mine != null && mine.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            throw new java.sql.SQLException("injected commit failure (fault injection for object " + id + ")");
        }
    }
}
