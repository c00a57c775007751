package dev.partyflare.emulator.junit5;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a {@link TestWebSocket}. The {@code receives...} and {@code isClosed...}
 * assertions wait (at most the socket's wait timeout) and consume what they check.
 */
public final class TestWebSocketAssert extends AbstractAssert<TestWebSocketAssert, TestWebSocket> {

    public TestWebSocketAssert(TestWebSocket actual) {
        super(actual, TestWebSocketAssert.class);
    }

    /** The next message is the text {@code expected}. */
    public TestWebSocketAssert receives(String expected) {
        isNotNull();
        String got = actual.nextMessage();
        if (!got.equals(expected)) {
            failWithMessage(
                    "Expected WebSocket %s to receive \"%s\" but it received \"%s\"", actual.url(), expected, got);
        }
        return this;
    }

    /** The next messages are the texts {@code expected}, in order. */
    public TestWebSocketAssert receives(String first, String... more) {
        receives(first);
        for (String m : more) {
            receives(m);
        }
        return this;
    }

    /** The next message is binary and equals {@code expected}. */
    public TestWebSocketAssert receivesBinary(byte[] expected) {
        isNotNull();
        byte[] got = actual.nextBinary();
        if (!Arrays.equals(got, expected)) {
            failWithMessage(
                    "Expected WebSocket %s to receive %s bytes %s but it received %s bytes %s",
                    actual.url(), expected.length, Arrays.toString(expected), got.length, Arrays.toString(got));
        }
        return this;
    }

    /** No message arrives within {@code wait} (real time). */
    public TestWebSocketAssert receivesNothingWithin(Duration wait) {
        isNotNull();
        Optional<dev.partyflare.durable.WebSocketMessage> m = actual.pollFrame(wait);
        if (m.isPresent()) {
            failWithMessage(
                    "Expected no message on WebSocket %s within %s but got %s",
                    actual.url(),
                    Waits.format(wait),
                    m.get().isText() ? "\"" + m.get().asText() + "\"" : m.get());
        }
        return this;
    }

    /** Neither side has closed the socket. */
    public TestWebSocketAssert isOpen() {
        isNotNull();
        if (!actual.isOpen()) {
            failWithMessage("Expected WebSocket %s to be open but it is %s", actual.url(), actual);
        }
        return this;
    }

    /** The socket closes (waiting for it). */
    public TestWebSocketAssert isClosed() {
        isNotNull();
        actual.awaitClose();
        return this;
    }

    /** The socket closes with {@code code} (waiting for it). */
    public TestWebSocketAssert isClosedWith(int code) {
        isNotNull();
        TestWebSocket.Close c = actual.awaitClose();
        if (c.code() != code) {
            failWithMessage("Expected WebSocket %s to close with %s but it closed with %s", actual.url(), code, c);
        }
        return this;
    }

    /** The socket closes with {@code code} and {@code reason} (waiting for it). */
    public TestWebSocketAssert isClosedWith(int code, String reason) {
        isNotNull();
        TestWebSocket.Close c = actual.awaitClose();
        if (c.code() != code || !c.reason().equals(reason)) {
            failWithMessage(
                    "Expected WebSocket %s to close with %s \"%s\" but it closed with %s",
                    actual.url(), code, reason, c);
        }
        return this;
    }
}
