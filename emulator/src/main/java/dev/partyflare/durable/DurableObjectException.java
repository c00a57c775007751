package dev.partyflare.durable;

/**
 * An error that crossed a stub boundary, as the JS runtime's error with {@code remote}, {@code
 * durableObjectReset}, {@code retryable} and {@code overloaded} flags. {@link #errorType()} names
 * the exception class thrown inside the object (e.g. {@code java.lang.IllegalStateException}).
 */
public class DurableObjectException extends RuntimeException {
    private final String errorType;
    private final boolean remote;
    private final boolean reset;
    private final boolean retryable;
    private final boolean overloaded;
    private final String remoteStack;

    public DurableObjectException(
            String errorType,
            String message,
            boolean remote,
            boolean reset,
            boolean retryable,
            boolean overloaded,
            String remoteStack) {
        super(message);
        this.errorType = errorType;
        this.remote = remote;
        this.reset = reset;
        this.retryable = retryable;
        this.overloaded = overloaded;
        this.remoteStack = remoteStack;
    }

    /** Fully qualified class name of the exception thrown inside the object. */
    public String errorType() {
        return errorType;
    }

    /** True when the error was thrown by the object's code ({@code e.remote}). */
    public boolean remote() {
        return remote;
    }

    /** True when the object was reset ({@code e.durableObjectReset}). */
    public boolean durableObjectReset() {
        return reset;
    }

    /** True when the call may be retried ({@code e.retryable}). */
    public boolean retryable() {
        return retryable;
    }

    /** True when the object was overloaded ({@code e.overloaded}). */
    public boolean overloaded() {
        return overloaded;
    }

    /** The stack trace inside the object, as text (for logs; not part of the message). */
    public String remoteStack() {
        return remoteStack;
    }

    @Override
    public String toString() {
        String simple = errorType.substring(errorType.lastIndexOf('.') + 1);
        return simple + ": " + getMessage();
    }
}
