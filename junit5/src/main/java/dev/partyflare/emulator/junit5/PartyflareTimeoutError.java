package dev.partyflare.emulator.junit5;

/**
 * A wait of the harness ran out of (real) time. The message says what was awaited, for how long,
 * and what the emulator looked like then. It is an {@link AssertionError}, so JUnit reports the
 * test as failed rather than broken.
 */
public final class PartyflareTimeoutError extends AssertionError {
    private static final long serialVersionUID = 1L;

    public PartyflareTimeoutError(String message) {
        super(message);
    }

    public PartyflareTimeoutError(String message, Throwable cause) {
        super(message, cause);
    }
}
