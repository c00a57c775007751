package dev.partyflare.emulator.internal.storage;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Fault injection for commits (tests): fail the next N commits, or delay each commit. */
public final class CommitFaults {
    private final AtomicInteger failNext = new AtomicInteger();
    private final AtomicLong delayMillis = new AtomicLong();

    public void failNextCommits(int n) {
        failNext.set(n);
    }

    public void delayCommits(long millis) {
        delayMillis.set(millis);
    }

    void beforeCommit() throws java.sql.SQLException {
        long d = delayMillis.get();
        if (d > 0) {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            throw new java.sql.SQLException("injected commit failure");
        }
    }
}
