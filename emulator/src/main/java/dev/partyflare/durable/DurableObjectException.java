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

    /**
     * An error thrown by the object's own code ({@code e.remote} is true).
     *
     * @param errorType fully qualified class name of the exception thrown inside the object
     * @param remoteStack its stack trace as text, or {@code ""}
     */
    public static DurableObjectException remote(String errorType, String message, String remoteStack) {
        return builder(errorType, message).remote(true).remoteStack(remoteStack).build();
    }

    /** The error a call gets when the object is overloaded ({@code e.overloaded} is true). */
    public static DurableObjectException overloaded(String message) {
        return builder("java.lang.Error", message).overloaded(true).build();
    }

    /** A builder for any other combination of flags; all flags start false. */
    public static Builder builder(String errorType, String message) {
        return new Builder(errorType, message);
    }

    /** Builds a {@link DurableObjectException}; each flag is named after its JS property. */
    public static final class Builder {
        private final String errorType;
        private final String message;
        private boolean remote;
        private boolean reset;
        private boolean retryable;
        private boolean overloaded;
        private String remoteStack = "";

        private Builder(String errorType, String message) {
            this.errorType = errorType;
            this.message = message;
        }

        /** {@code e.remote}: the error was thrown by the object's code. */
        public Builder remote(boolean remote) {
            this.remote = remote;
            return this;
        }

        /** {@code e.durableObjectReset}: the object was reset. */
        public Builder durableObjectReset(boolean reset) {
            this.reset = reset;
            return this;
        }

        /** {@code e.retryable}: the call may be retried. */
        public Builder retryable(boolean retryable) {
            this.retryable = retryable;
            return this;
        }

        /** {@code e.overloaded}: the object was overloaded. */
        public Builder overloaded(boolean overloaded) {
            this.overloaded = overloaded;
            return this;
        }

        /** The stack trace inside the object, as text. */
        public Builder remoteStack(String remoteStack) {
            this.remoteStack = remoteStack;
            return this;
        }

        public DurableObjectException build() {
            return new DurableObjectException(this);
        }
    }

    protected DurableObjectException(Builder b) {
        super(b.message);
        this.errorType = b.errorType;
        this.remote = b.remote;
        this.reset = b.reset;
        this.retryable = b.retryable;
        this.overloaded = b.overloaded;
        this.remoteStack = b.remoteStack;
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
