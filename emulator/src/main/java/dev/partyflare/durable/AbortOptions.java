package dev.partyflare.durable;

/**
 * Options of {@link DurableObjectState#abort(String, AbortOptions)} ({@code ctx.abort(reason,
 * {retryAlarm})}).
 *
 * @param retryAlarm when {@code abort} is called in {@code alarm()}: whether the alarm is retried
 *     as after any failed run (true, the default) or dropped (false). Outside {@code alarm()} it has
 *     no effect.
 */
public record AbortOptions(boolean retryAlarm) {
    /** {@code {}}: an alarm that aborts is retried. */
    public static final AbortOptions DEFAULT = new AbortOptions(true);

    /** {@code {retryAlarm: false}}: an alarm that aborts is not retried. */
    public static final AbortOptions NO_ALARM_RETRY = new AbortOptions(false);
}
