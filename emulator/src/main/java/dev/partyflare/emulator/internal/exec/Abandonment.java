package dev.partyflare.emulator.internal.exec;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Answers for threads that will not return. Java cannot stop a thread: an event that spins inside
 * code without preemption polls (the JDK, a library jar: a catastrophic regex, say) keeps its thread
 * after the watchdog has reset its object, and whoever waits for that thread to return an answer
 * waits with it. The HTTP frontend, whose request runs its Worker and the objects it calls on the
 * request's own thread, registers here what to answer instead; the watchdog abandons a thread that
 * has not unwound within a grace period after it was stopped, and that answer goes out from here.
 *
 * <p>Threads: {@link #watch} and its close run on the watched thread; answers run on the one {@code
 * partyflare-abandonment} daemon thread, at most once per watch.
 */
public final class Abandonment {
    /** How long a stopped thread has to unwind (its next preemption poll, an interrupt) before it is abandoned. */
    public static final Duration GRACE = Duration.ofSeconds(1);

    private static final ConcurrentHashMap<Thread, Consumer<RuntimeException>> WATCHED = new ConcurrentHashMap<>();
    private static final ScheduledExecutorService CHECKS = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("partyflare-abandonment").unstarted(r));

    private Abandonment() {}

    /** Registered for the current thread until closed. */
    public interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Until the returned watch is closed, {@code answer} runs (once, on another thread) with the
     * reason if the current thread is abandoned. A nested watch replaces the outer one until closed.
     */
    public static Watch watch(Consumer<RuntimeException> answer) {
        Thread self = Thread.currentThread();
        Consumer<RuntimeException> outer = WATCHED.put(self, answer);
        return () -> {
            if (outer != null) {
                WATCHED.put(self, outer);
            } else {
                WATCHED.remove(self, answer);
            }
        };
    }

    /**
     * After {@link #GRACE}, abandons {@code thread} if {@code stillStuck} says it has not unwound: its
     * watcher, if any, answers with {@code reason}.
     */
    public static void abandonIfStuck(Thread thread, BooleanSupplier stillStuck, Supplier<RuntimeException> reason) {
        CHECKS.schedule(
                () -> {
                    if (!stillStuck.getAsBoolean()) {
                        return;
                    }
                    Consumer<RuntimeException> answer = WATCHED.remove(thread);
                    if (answer == null) {
                        return; // nobody waits on it for an answer (a socket event, an alarm)
                    }
                    try {
                        answer.accept(reason.get());
                    } catch (RuntimeException | Error e) {
                        System.getLogger("dev.partyflare.watchdog")
                                .log(System.Logger.Level.WARNING, "Answering for an abandoned thread failed", e);
                    }
                },
                GRACE.toMillis(),
                TimeUnit.MILLISECONDS);
    }
}
