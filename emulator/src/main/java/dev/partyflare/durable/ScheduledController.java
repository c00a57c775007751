package dev.partyflare.durable;

import java.util.Objects;

/**
 * The {@code controller} of a Worker's {@code scheduled(controller, env, ctx)}: which cron trigger
 * fired and for which minute. Tests may construct one to call a handler directly.
 */
public final class ScheduledController {
    private final String cron;
    private final long scheduledTime;
    private volatile boolean noRetry;

    /**
     * @param cron the cron expression as configured ({@code ""} when fired by hand without one)
     * @param scheduledTime the time the run was scheduled for, epoch milliseconds
     */
    public ScheduledController(String cron, long scheduledTime) {
        this.cron = Objects.requireNonNull(cron, "cron");
        this.scheduledTime = scheduledTime;
    }

    /** The cron expression that fired, exactly as written in the configuration. */
    public String cron() {
        return cron;
    }

    /** The time the run was scheduled for, epoch milliseconds (UTC). */
    public long scheduledTime() {
        return scheduledTime;
    }

    /**
     * Asks the runtime not to retry this run if it fails. Runs are never retried locally (nor by
     * {@code wrangler dev}); the call is recorded and reported in the run's result.
     */
    public void noRetry() {
        this.noRetry = true;
    }

    /** Whether {@link #noRetry()} was called. */
    public boolean noRetryCalled() {
        return noRetry;
    }

    @Override
    public String toString() {
        return "ScheduledController[cron=" + cron + ", scheduledTime=" + scheduledTime + "]";
    }
}
