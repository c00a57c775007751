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
}
