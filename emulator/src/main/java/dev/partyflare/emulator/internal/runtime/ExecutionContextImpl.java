package dev.partyflare.emulator.internal.runtime;

import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.TimerHandle;
import dev.partyflare.emulator.internal.exec.EventContext;
import dev.partyflare.emulator.internal.time.RuntimeClock;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** A Worker event's {@code ctx}. */
final class ExecutionContextImpl implements ExecutionContext {
    private final DurableRuntime runtime;

    ExecutionContextImpl(DurableRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void waitUntil(Runnable task) {
        Thread.ofVirtual().name("partyflare-waitUntil").start(() -> {
            EventContext prev = EventContext.enterWorker();
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                runtime.reportError("Worker waitUntil task", e);
            } finally {
                EventContext.exit(prev);
            }
        });
    }

    @Override
    public void waitUntil(CompletionStage<?> work) {
        work.whenComplete((v, e) -> {
            if (e != null) {
                runtime.reportError("Worker waitUntil", e);
            }
        });
    }

    @Override
    public void passThroughOnException() {
        // No origin behind a local Worker: an exception still gives a 500, as in wrangler dev.
    }

    @Override
    public Clock clock() {
        return runtime.clock().asJavaClock();
    }

    @Override
    public void sleep(Duration duration) {
        RuntimeClock clock = runtime.clock();
        try {
            clock.sleepUntil(clock.millis() + Math.max(0, duration.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sleep() was interrupted", e);
        }
    }

    @Override
    public TimerHandle setTimeout(Duration delay, Runnable task) {
        RuntimeClock clock = runtime.clock();
        RuntimeClock.Scheduled s =
                clock.schedule(clock.millis() + Math.max(0, delay.toMillis()), () -> waitUntil(task), true);
        return s::cancel;
    }

    @Override
    public Response fetch(Request request) {
        return runtime.outbound(request);
    }
}
