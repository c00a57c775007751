package dev.partyflare.pubsub;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The partysub tests' one bounded real-time wait, for what the emulator does on its own threads (a
 * socket message arriving, a node reporting): polls {@code condition} until it holds or {@code
 * bound} passes, then fails naming {@code what} and, if given, the state at that moment.
 */
final class RealTimeWait {
    private RealTimeWait() {}

    static void await(String what, Duration bound, BooleanSupplier condition) {
        await(what, bound, condition, () -> "");
    }

    static void await(String what, Duration bound, BooleanSupplier condition, Supplier<String> detail) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what + detail.get());
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
