package dev.partyflare.durable;

/**
 * A Worker's entry point ({@code export default { fetch(request, env, ctx), scheduled(controller,
 * env, ctx) }}). Implementations need a public no-argument constructor; one instance serves every
 * request, concurrently, so keep it free of per-request state. An exception thrown by {@code fetch}
 * becomes a 500 response.
 */
@FunctionalInterface
public interface Worker {
    /** The text workerd logs when a scheduled event reaches a Worker without a handler. */
    String NO_SCHEDULED_HANDLER = "Received a ScheduledEvent but we lack a handler for ScheduledEvents (a.k.a."
            + " Cron Triggers). Did you remember to implement Worker.scheduled()?";

    Response fetch(Request request, Env env, ExecutionContext ctx) throws Exception;

    /**
     * Runs a cron trigger ({@code [triggers] crons} in the configuration) or a scheduled event fired by
     * hand. The run's outcome is {@code exception} when this throws or a {@code ctx.waitUntil} task
     * fails, {@code ok} otherwise; {@code waitUntil} work counts as part of the run. A Worker that does
     * not override it has no scheduled handler: each run fails with {@link #NO_SCHEDULED_HANDLER}.
     */
    default void scheduled(ScheduledController controller, Env env, ExecutionContext ctx) throws Exception {
        throw new UnsupportedOperationException(NO_SCHEDULED_HANDLER);
    }
}
