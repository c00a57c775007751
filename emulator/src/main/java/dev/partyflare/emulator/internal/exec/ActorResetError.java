package dev.partyflare.emulator.internal.exec;

/**
 * Unwinds the code of an object that is being reset ({@code ctx.abort()}, a failed {@code
 * blockConcurrencyWhile}, a failed commit). An {@link Error}, so {@code catch (Exception e)} in
 * user code does not swallow it, as JS code cannot catch {@code abort()}.
 */
public final class ActorResetError extends Error {
    private final String errorType;

    public ActorResetError(String errorType, String message) {
        super(message, null, false, false);
        this.errorType = errorType;
    }

    public String errorType() {
        return errorType;
    }
}
