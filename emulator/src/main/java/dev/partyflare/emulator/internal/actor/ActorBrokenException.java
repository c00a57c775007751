package dev.partyflare.emulator.internal.actor;

/** An event could not run, or was cut off, because its object was reset. */
public final class ActorBrokenException extends RuntimeException {
    private final String errorType;
    private final boolean retryAlarm;

    public ActorBrokenException(String errorType, String message) {
        this(errorType, message, true);
    }

    /** {@code retryAlarm} false: an alarm run cut off by this reset is not retried. */
    public ActorBrokenException(String errorType, String message, boolean retryAlarm) {
        super(message, null, false, false);
        this.errorType = errorType;
        this.retryAlarm = retryAlarm;
    }

    /** False when the reset asked that the alarm it cut off is not retried ({@code {retryAlarm: false}}). */
    public boolean retryAlarm() {
        return retryAlarm;
    }

    public String errorType() {
        return errorType;
    }

    /**
     * True for workerd's {@code internal error; reference = …}: the runtime failed, not the object's
     * code, so the caller's error carries no {@code remote} flag (observed on workerd).
     */
    public boolean internal() {
        return getMessage() != null && getMessage().startsWith("internal error; reference = ");
    }
}
