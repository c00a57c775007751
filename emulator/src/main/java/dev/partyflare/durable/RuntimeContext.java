package dev.partyflare.durable;

import java.time.Clock;
import java.time.Duration;

/**
 * Runtime services shared by a Worker's {@link ExecutionContext} and an object's {@link
 * DurableObjectState}: the runtime clock, timers and outbound fetch.
 *
 * <p>Inside a Durable Object, waiting on these opens the object's input gate, so other events may
 * run meanwhile, exactly where JavaScript's {@code await} would let them in. Blocking that
 * bypasses the runtime ({@code Thread.sleep}, a raw HTTP client) keeps the gate closed: stricter
 * than Cloudflare, never less safe.
 */
public interface RuntimeContext {

    /** The runtime's clock ({@code Date.now()}): controllable in tests. */
    Clock clock();

    /** Current time in epoch milliseconds on the runtime clock. */
    default long now() {
        return clock().millis();
    }

    /** Waits {@code duration} on the runtime clock ({@code await scheduler.wait(ms)}). */
    void sleep(Duration duration);

    /** Runs {@code task} after {@code delay} on the runtime clock ({@code setTimeout}). */
    TimerHandle setTimeout(Duration delay, Runnable task);

    /** Sends an outbound HTTP request ({@code fetch(request)}). */
    Response fetch(Request request);
}
