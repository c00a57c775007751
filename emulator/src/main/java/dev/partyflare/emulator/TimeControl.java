package dev.partyflare.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The runtime clock, as tests drive it. Timers ({@code ctx.sleep}, {@code setTimeout}), alarms,
 * {@code blockConcurrencyWhile} timeouts and idle hibernation run on it; on a manual clock ({@link
 * EmulatorOptions.Builder#manualClock(long)}) they run when time is advanced, not when real time
 * passes.
 *
 * <p><b>Settled time.</b> Moving the clock first waits until the runtime is quiet (every event,
 * alarm run and socket event in flight has ended or waits on the clock), then fires what comes due
 * in time order, waiting for the runtime to be quiet again after each, and returns once it is quiet
 * at the new time. So {@code advance(10 s)} right after a reply hibernates the idle object, however
 * late its last event finished in real time, and nothing needs to be polled afterwards. Work that
 * waits on anything else (a latch, a real network call, spinning code) does not settle: the call
 * fails after the settle timeout ({@link EmulatorOptions.Builder#settleTimeout}), naming it.
 */
public interface TimeControl {

    /** Now on the runtime clock. */
    Instant now();

    /** True when this clock can be advanced (a manual clock). */
    boolean isControllable();

    /**
     * Settles, moves time forward by {@code duration} running every timer and alarm that comes due,
     * in order, each settled before the next, and returns once the runtime is idle.
     *
     * @throws IllegalStateException when work in flight does not settle within the settle timeout
     */
    void advance(Duration duration);

    /**
     * Waits until the runtime is idle without moving the clock: every event, alarm run and socket
     * event has ended or waits on the clock.
     */
    void runUntilIdle();

    /**
     * Settles, then moves the clock to the earliest pending timer (a timer, an alarm, an idle
     * check), runs what is due then and settles. Returns the new time, or empty when nothing is
     * pending (the clock does not move).
     */
    Optional<Instant> advanceToNextTimer();

    /** When the earliest pending timer, alarm or idle check is due; empty when none is. */
    Optional<Instant> nextTimer();

    /**
     * Automatic time skipping (as Temporal's test environment): while a caller waits in a blocking
     * call ({@link Emulator#fetch}, a harness wait, or any {@link #whileWaiting}) and every object
     * waits only on timers or alarms, the clock jumps to the next one. Time does not skip while the
     * test runs its own code, inspects storage or runs code in an object.
     */
    void setAutoSkip(boolean on);

    /** Whether time skips automatically. */
    boolean isAutoSkip();

    /**
     * Runs {@code wait}, a call that blocks until the runtime does something (a reply, a message, a
     * condition); while it blocks, time may skip ({@link #setAutoSkip}).
     */
    <T> T whileWaiting(Supplier<T> wait);

    /**
     * Starts a wait by hand, for waits that {@link #whileWaiting} cannot wrap; the returned action
     * ends it (calling it again does nothing). End it from the thread that satisfies the wait, as soon
     * as it is satisfied (e.g. where a message is queued for the test): time then never skips between
     * the answer and the waiter seeing it.
     */
    Runnable startWaiting();

    /** Number of user timers ({@code sleep}, {@code setTimeout}) scheduled and not yet fired. */
    int pendingTimers();

    /**
     * Waits (in real time, at most {@code timeout}) until at least {@code count} timers are pending:
     * e.g. until concurrent requests have all reached their {@code ctx.sleep}.
     *
     * @throws IllegalStateException with what was awaited, on timeout
     */
    void awaitPendingTimers(int count, Duration timeout);
}
