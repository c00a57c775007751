package dev.partyflare.emulator;

/**
 * How a scheduled event (a cron trigger) ended, as workerd reports it to Miniflare's {@code
 * scheduled()}: {@code outcome} is {@code "ok"}, or {@code "exception"} when the handler threw, a
 * {@code waitUntil} task failed or the Worker has no scheduled handler.
 *
 * @param outcome {@code "ok"} or {@code "exception"}
 * @param noRetry whether the handler called {@code controller.noRetry()}
 * @param error what failed, or null
 */
public record ScheduledResult(String outcome, boolean noRetry, Throwable error) {
    /** Whether the run succeeded. */
    public boolean ok() {
        return "ok".equals(outcome);
    }
}
