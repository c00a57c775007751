package dev.partyflare.durable;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An automatic response ({@code new WebSocketRequestResponsePair(request, response)}): a text
 * message exactly equal to {@code request} on a hibernatable socket is answered with {@code
 * response} by the runtime, without waking the object.
 */
public record WebSocketRequestResponsePair(String request, String response) {
    static final int MAX_BYTES = 2048;

    public WebSocketRequestResponsePair {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(response, "response");
        int rq = request.getBytes(StandardCharsets.UTF_8).length;
        if (rq > MAX_BYTES) {
            throw new IllegalArgumentException("Request cannot be larger than " + MAX_BYTES
                    + " bytes. A request of size " + rq + " was provided.");
        }
        int rs = response.getBytes(StandardCharsets.UTF_8).length;
        if (rs > MAX_BYTES) {
            throw new IllegalArgumentException("Response cannot be larger than " + MAX_BYTES
                    + " bytes. A response of size " + rs + " was provided.");
        }
    }
}
