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

    /** {@code Date.now()} as the running event sees it: frozen between I/O waits. */
    private final Clock eventClock;

    ExecutionContextImpl(DurableRuntime runtime) {
        this.runtime = runtime;
        RuntimeClock clock = runtime.clock();
        this.eventClock = RuntimeClock.asJavaClock(() -> EventContext.eventMillis(clock::millis));
    }

    @Override
    public void waitUntil(Runnable task) {
        dev.partyflare.emulator.internal.exec.Activity.Work work =
                runtime.activity().begin("Worker waitUntil task", null);
        Thread.ofVirtual().name("partyflare-waitUntil").start(() -> {
            work.attach();
            EventContext prev = EventContext.enterWorker();
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                runtime.reportError("Worker waitUntil task", e);
            } finally {
                EventContext.exit(prev);
                work.end();
            }
        });
    }

    @Override
    public void waitUntil(CompletionStage<?> work) {
        dev.partyflare.emulator.internal.exec.Activity.Work pending =
                runtime.activity().begin("Worker waitUntil", null);
        work.whenComplete((v, e) -> {
            pending.end();
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
        return eventClock;
    }

    @Override
    public void sleep(Duration duration) {
        try {
            runtime.clock().sleepAsIo(duration);
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
        try {
            return EventContext.awaitIo(() -> runtime.outbound(request));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
