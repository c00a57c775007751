package dev.partyflare.emulator.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** When the runtime counts as quiet, which is what settled time waits for. */
class ActivityTest {
    /**
     * Under a steady stream of requests (a test's publisher thread) the runtime may be quiet only for
     * instants too short for a waiter to see by looking; everything in flight when the wait began
     * had ended by then, so the wait is over. (Settled time used to require the waiter to see the
     * quiet itself, and once waited out its whole timeout in AutoscalingTest on a busy machine; here
     * a woken waiter usually preempts the thread that woke it, so this test passes either way on an
     * idle machine: it pins the rule, not the old race.)
     */
    @Test
    void aQuietInstantTooShortToSeeStillSettles() throws Exception {
        Activity activity = new Activity();
        java.util.function.Supplier<String> name = () -> "request";
        for (int i = 0; i < 20_000; i++) {
            activity.begin("request", name).end(); // compiled, so that the instant below is short
        }
        Activity.Work first = activity.begin("request", name);
        java.util.concurrent.CompletableFuture<Void> settled = new java.util.concurrent.CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                activity.awaitQuiet(Duration.ofSeconds(30), "(test)");
                settled.complete(null);
            } catch (TimeoutException e) {
                settled.completeExceptionally(e);
            }
        });
        while (waiter.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait(); // the waiter is parked, looking at an active runtime
        }
        // the next request arrives right as the first ends: quiet for an instant
        first.end();
        Activity.Work next = activity.begin("request", name);
        try {
            settled.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(activity.quiet()).isFalse(); // the next request is still in flight
        } finally {
            next.end();
            waiter.join();
        }
    }

    @Test
    void workThatNeverEndsKeepsItFromSettlingAndIsNamed() throws Exception {
        Activity activity = new Activity();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            Activity.Work w = activity.enter("request", () -> "stuck object");
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            w.end();
        });
        started.await();
        assertThatThrownBy(() -> activity.awaitQuiet(Duration.ofMillis(100), "(test)"))
                .isInstanceOf(TimeoutException.class)
                .hasMessageContaining("stuck object");
        release.countDown();
        t.join();
        activity.awaitQuiet(Duration.ofSeconds(10), "(test)");
        assertThat(activity.quiet()).isTrue();
    }
}
