package dev.partyflare.emulator;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A spin in "library" code: loaded by the application class loader, so never rewritten with
 * preemption polls (as a catastrophic regex inside the JDK would spin). It ends when released, or
 * after a bound, so that no test leaves a core spinning.
 */
public final class LibrarySpin {
    public static final AtomicLong ITERATIONS = new AtomicLong();
    private static volatile boolean released;

    private LibrarySpin() {}

    public static void spin() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!released && System.nanoTime() < deadline) {
            ITERATIONS.incrementAndGet();
        }
    }

    public static void hold() {
        released = false;
    }

    public static void release() {
        released = true;
    }
}
