package dev.partyflare.emulator.internal.exec;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stops code that spins. Java cannot stop a thread from outside, so user classes are compiled
 * with a call to {@link #poll()} on every loop's back edge ({@link PreemptionTransformer}); when
 * the watchdog resets an object whose event ran past the limit, it {@linkplain #stop stops} the
 * thread, and the next poll on that thread throws {@link ActorResetError}: the loop unwinds,
 * the event ends with the object's reset error, and the carrier thread is free again. An {@link
 * Error}, and thrown again at every later poll, so {@code catch (Exception e)} or a {@code catch
 * (Throwable t)} inside the loop cannot keep it spinning.
 *
 * <p>The cost when nothing is stopped is one volatile read per loop iteration.
 */
public final class Preemption {
    /** Stops pending plus loops waiting for their running event to yield: polls take the slow path. */
    private static final AtomicInteger STOPPED = new AtomicInteger();

    private static final ConcurrentHashMap<Thread, Stop> STOPS = new ConcurrentHashMap<>();

    private record Stop(Object owner, String errorType, String message) {}

    private Preemption() {}

    /** Called by instrumented user code on every loop back edge. */
    public static void poll() {
        if (STOPPED.get() != 0) {
            check();
        }
    }

    private static void check() {
        Thread t = Thread.currentThread();
        Stop s = STOPS.get(t);
        if (s != null) {
            throw new ActorResetError(s.errorType(), s.message());
        }
        if (t.isVirtual()) {
            EventLoop loop = EventThreads.currentVirtualLoop();
            if (loop != null && loop.wantsMigrationOfCurrent()) {
                Thread.yield(); // EventLoop.execute sends the continuation to the fallback pool
            }
        }
    }

    static void yieldRequested() {
        STOPPED.incrementAndGet();
    }

    static void yieldDone() {
        STOPPED.decrementAndGet();
    }

    /** Makes the next poll on {@code thread} throw; {@code owner} is the event's object. */
    public static void stop(Thread thread, Object owner, String errorType, String message) {
        if (STOPS.put(thread, new Stop(owner, errorType, message)) == null) {
            STOPPED.incrementAndGet();
        }
    }

    /** The event of {@code owner} on the current thread ended: its stop, if any, is done. */
    public static void clear(Object owner) {
        clear(Thread.currentThread(), owner);
    }

    /** Withdraws a stop of {@code owner}'s event on {@code t} (the event ended meanwhile). */
    public static void clear(Thread t, Object owner) {
        if (STOPS.isEmpty()) {
            return; // every event ends here: no hash of a fresh thread when nothing is stopped
        }
        Stop s = STOPS.get(t);
        if (s != null && s.owner() == owner && STOPS.remove(t, s)) {
            STOPPED.decrementAndGet();
        }
    }

    /** Whether {@code thread} was asked to stop for {@code owner}'s event and that event has not ended yet. */
    public static boolean isStopped(Thread thread, Object owner) {
        Stop s = STOPS.get(thread);
        return s != null && s.owner() == owner;
    }

    /** Threads asked to stop whose event has not ended yet (for tests and the dashboard). */
    public static int pending() {
        return STOPPED.get();
    }
}
