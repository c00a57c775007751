package dev.partyflare.emulator;

import java.time.Duration;
import java.time.Instant;

/**
 * The runtime clock, as tests drive it: timers, {@code blockConcurrencyWhile} timeouts (and later
 * alarms and idle eviction) run when time is advanced, not when real time passes. Only an emulator
 * built with {@link EmulatorOptions.Builder#manualClock(long)} can be advanced.
 */
public interface TimeControl {

    /** Now on the runtime clock. */
    Instant now();

    /** True when this clock can be advanced. */
    boolean isControllable();

    /** Moves time forward, running every timer that comes due, in order. */
    void advance(Duration duration);

    /** Number of timers scheduled and not yet fired. */
    int pendingTimers();

    /**
     * Waits (in real time, at most {@code timeout}) until at least {@code count} timers are pending:
     * e.g. until concurrent requests have all reached their {@code ctx.sleep}.
     *
     * @throws IllegalStateException with what was awaited, on timeout
     */
    void awaitPendingTimers(int count, Duration timeout);
}
