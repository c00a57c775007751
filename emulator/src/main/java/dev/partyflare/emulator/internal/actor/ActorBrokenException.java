package dev.partyflare.emulator.internal.actor;

/** An event could not run, or was cut off, because its object was reset. */
public final class ActorBrokenException extends RuntimeException {
    private final String errorType;

    public ActorBrokenException(String errorType, String message) {
        super(message, null, false, false);
        this.errorType = errorType;
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
