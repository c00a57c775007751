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

    /** The waitUntil work of a scheduled event, whose outcome waits for it; null for fetch. */
    private final java.util.List<java.util.concurrent.CompletableFuture<?>> tracked;

    /** The Worker this event runs in, whose exports {@code ctx.exports} gives. */
    private final String worker;

    ExecutionContextImpl(DurableRuntime runtime, String worker) {
        this(runtime, false, java.util.Map.of(), worker);
    }

    /** {@code ctx.props}: the calling service binding's props, or empty. */
    private final java.util.Map<String, Object> props;

    @SuppressWarnings("unchecked")
    ExecutionContextImpl(
            DurableRuntime runtime, boolean trackWaitUntil, java.util.Map<String, Object> props, String worker) {
        this.runtime = runtime;
        this.worker = worker;
        // a copy per event, as workerd gives each call its own deserialized props
        this.props = props.isEmpty()
                ? java.util.Map.of()
                : java.util.Collections.unmodifiableMap((java.util.Map<String, Object>)
                        dev.partyflare.emulator.internal.json.Json.copy(props, java.util.Map.class));
        this.tracked = trackWaitUntil ? new java.util.concurrent.CopyOnWriteArrayList<>() : null;
        RuntimeClock clock = runtime.clock();
        this.eventClock = RuntimeClock.asJavaClock(() -> EventContext.eventMillis(clock::millis));
    }

    @Override
    public void waitUntil(Runnable task) {
        dev.partyflare.emulator.internal.exec.Activity.Work work =
                runtime.activity().begin("Worker waitUntil task", null);
        java.util.concurrent.CompletableFuture<Void> done = track(new java.util.concurrent.CompletableFuture<>());
        Thread.ofVirtual().name("partyflare-waitUntil").start(() -> {
            work.attach();
            EventContext prev = EventContext.enterWorker();
            Throwable failure = null;
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                failure = e;
                runtime.reportError("Worker waitUntil task", e);
            } finally {
                EventContext.exit(prev);
                // completed before the work ends: a waiter resumes before the count can drop
                if (done != null) {
                    if (failure == null) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(failure);
                    }
                }
                work.end();
            }
        });
    }

    @Override
    public void waitUntil(CompletionStage<?> work) {
        dev.partyflare.emulator.internal.exec.Activity.Work pending =
                runtime.activity().begin("Worker waitUntil", null);
        track(work.toCompletableFuture());
        work.whenComplete((v, e) -> {
            pending.end();
            if (e != null) {
                runtime.reportError("Worker waitUntil", e);
            }
        });
    }

    private <F extends java.util.concurrent.CompletableFuture<?>> F track(F f) {
        if (tracked == null) {
            return null;
        }
        tracked.add(f);
        return f;
    }

    /**
     * Completes when every waitUntil task of this event has ended, those added meanwhile included;
     * exceptionally when one failed.
     */
    java.util.concurrent.CompletableFuture<Void> allWaitUntil() {
        return allWaitUntil(0);
    }

    private java.util.concurrent.CompletableFuture<Void> allWaitUntil(int from) {
        int to = tracked.size();
        if (from == to) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        java.util.concurrent.CompletableFuture<?>[] batch =
                tracked.subList(from, to).toArray(new java.util.concurrent.CompletableFuture<?>[0]);
        java.util.concurrent.CompletableFuture<Void> all = java.util.concurrent.CompletableFuture.allOf(batch);
        java.util.concurrent.CompletableFuture<Void> out = new java.util.concurrent.CompletableFuture<>();
        all.whenComplete((v, e) -> allWaitUntil(to).whenComplete((v2, e2) -> {
            Throwable first = e != null ? e : e2;
            if (first != null) {
                out.completeExceptionally(first);
            } else {
                out.complete(null);
            }
        }));
        return out;
    }

    @Override
    public dev.partyflare.durable.WorkerExports exports() {
        return runtime.exportsOf(worker);
    }

    @Override
    public java.util.Map<String, Object> props() {
        return props;
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
