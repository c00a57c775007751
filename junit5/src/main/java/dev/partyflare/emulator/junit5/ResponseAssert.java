package dev.partyflare.emulator.junit5;

import dev.partyflare.durable.Response;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.AbstractStringAssert;
import org.assertj.core.api.Assertions;

/** AssertJ assertions on a {@link Response}; failures show the status and the start of the body. */
public final class ResponseAssert extends AbstractAssert<ResponseAssert, Response> {

    public ResponseAssert(Response actual) {
        super(actual, ResponseAssert.class);
    }

    private String shown() {
        String body = actual.status() == 101 ? "(a WebSocket)" : TestClient.abbreviate(actual.text());
        return actual + (body.isEmpty() ? " with an empty body" : " with body: " + body);
    }

    public ResponseAssert hasStatus(int status) {
        isNotNull();
        if (actual.status() != status) {
            failWithMessage("Expected status %s but got %s", status, shown());
        }
        return this;
    }

    /** Status 200-299. */
    public ResponseAssert isOk() {
        isNotNull();
        if (!actual.ok()) {
            failWithMessage("Expected a 2xx status but got %s", shown());
        }
        return this;
    }

    public ResponseAssert hasBody(String text) {
        isNotNull();
        if (!actual.text().equals(text)) {
            failWithMessage("Expected body \"%s\" but got %s", text, shown());
        }
        return this;
    }

    public ResponseAssert hasBodyContaining(String text) {
        isNotNull();
        if (!actual.text().contains(text)) {
            failWithMessage("Expected a body containing \"%s\" but got %s", text, shown());
        }
        return this;
    }

    public ResponseAssert hasHeader(String name) {
        isNotNull();
        if (actual.header(name).isEmpty()) {
            failWithMessage(
                    "Expected header %s but the response has %s",
                    name, actual.headers().names());
        }
        return this;
    }

    /** The header's values joined with {@code ", "} equal {@code value}. */
    public ResponseAssert hasHeader(String name, String value) {
        isNotNull();
        String got = actual.header(name).orElse(null);
        if (!value.equals(got)) {
            failWithMessage(
                    "Expected header %s: %s but got %s",
                    name,
                    value,
                    got == null ? "no such header (headers: " + actual.headers().names() + ")" : got);
        }
        return this;
    }

    /** A 101 response carrying a WebSocket. */
    public ResponseAssert isWebSocketUpgrade() {
        isNotNull();
        if (actual.status() != 101 || actual.webSocket().isEmpty()) {
            failWithMessage("Expected a WebSocket upgrade (101) but got %s", shown());
        }
        return this;
    }

    /** The body as text, for further assertions. */
    public AbstractStringAssert<?> body() {
        isNotNull();
        return Assertions.assertThat(actual.text()).as("body of %s", actual);
    }
}
