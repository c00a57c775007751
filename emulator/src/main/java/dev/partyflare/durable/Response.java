package dev.partyflare.durable;

import dev.partyflare.durable.spi.Platform;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * An immutable HTTP response, as the Fetch API's {@code Response}. A status 101 response carries
 * the client end of a {@link WebSocketPair}: that is how a Worker or object accepts a WebSocket
 * ({@link #webSocket(WebSocket)}).
 */
public final class Response {
    private static final byte[] NO_BODY = new byte[0];

    private final int status;
    private final String statusText;
    private final Headers headers;
    private final byte[] body;
    private final WebSocket webSocket;

    private Response(Builder b) {
        this.status = b.status;
        this.statusText = b.statusText != null ? b.statusText : StatusTexts.of(b.status);
        this.headers = b.headers.build();
        this.body = b.body;
        this.webSocket = b.webSocket;
    }

    /** 200 with a {@code text/plain;charset=UTF-8} body. */
    public static Response text(String body) {
        return text(body, 200);
    }

    public static Response text(String body, int status) {
        return builder(status)
                .header("content-type", "text/plain;charset=UTF-8")
                .body(body)
                .build();
    }

    /** 200 with a JSON body ({@code application/json}). */
    public static Response json(Object value) {
        return json(value, 200);
    }

    public static Response json(Object value, int status) {
        return builder(status)
                .header("content-type", "application/json")
                .body(Platform.get().writeJson(value))
                .build();
    }

    /** 200 with an HTML body. */
    public static Response html(String body) {
        return builder(200)
                .header("content-type", "text/html;charset=UTF-8")
                .body(body)
                .build();
    }

    /** An empty response with {@code status}. */
    public static Response status(int status) {
        return builder(status).build();
    }

    /** 101 Switching Protocols carrying the client end of a {@link WebSocketPair}. */
    public static Response webSocket(WebSocket client) {
        return builder(101).webSocket(client).build();
    }

    /** 101 with extra headers, e.g. {@code sec-websocket-protocol}. */
    public static Response webSocket(WebSocket client, Headers headers) {
        return builder(101).headers(headers).webSocket(client).build();
    }

    public static Response redirect(String location, int status) {
        return builder(status).header("location", location).build();
    }

    public static Builder builder(int status) {
        return new Builder(status);
    }

    public Builder toBuilder() {
        Builder b = new Builder(status);
        b.statusText = statusText;
        b.headers.addAll(headers);
        b.body = body;
        b.webSocket = webSocket;
        return b;
    }

    /**
     * The reason phrase workerd gives {@code status} when the code sets none ({@code "Moved
     * Permanently"} for 301), or "" for a status without one.
     */
    public static String defaultStatusText(int status) {
        return StatusTexts.of(status);
    }

    public int status() {
        return status;
    }

    public String statusText() {
        return statusText;
    }

    /** True for 200-299. */
    public boolean ok() {
        return status >= 200 && status < 300;
    }

    public Headers headers() {
        return headers;
    }

    public Optional<String> header(String name) {
        return headers.get(name);
    }

    /** The client end of the WebSocket for a 101 response. */
    public Optional<WebSocket> webSocket() {
        return Optional.ofNullable(webSocket);
    }

    public byte[] bytes() {
        return body.length == 0 ? NO_BODY : body.clone();
    }

    public InputStream bodyStream() {
        return new ByteArrayInputStream(body);
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public <T> T json(Class<T> type) {
        return Platform.get().readJson(body, type);
    }

    public Response withHeader(String name, String value) {
        return toBuilder().header(name, value).build();
    }

    @Override
    public String toString() {
        return status + " " + statusText;
    }

    /** Mutable builder for {@link Response}. */
    public static final class Builder {
        private int status;
        private String statusText;
        private final Headers.Builder headers = Headers.builder();
        private byte[] body = NO_BODY;
        private WebSocket webSocket;

        private Builder(int status) {
            status(status);
        }

        public Builder status(int s) {
            if (s < 100 || s > 599) {
                throw new IllegalArgumentException("Failed to construct 'Response': The status provided (" + s
                        + ") is outside the range [200, 599].");
            }
            this.status = s;
            return this;
        }

        public Builder statusText(String text) {
            this.statusText = text;
            return this;
        }

        public Builder header(String name, String value) {
            headers.set(name, value);
            return this;
        }

        public Builder addHeader(String name, String value) {
            headers.add(name, value);
            return this;
        }

        public Builder headers(Headers h) {
            headers.addAll(h);
            return this;
        }

        public Builder body(byte[] bytes) {
            this.body = bytes == null ? NO_BODY : bytes.clone();
            return this;
        }

        public Builder body(String text) {
            this.body = text == null ? NO_BODY : text.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        public Builder webSocket(WebSocket client) {
            this.webSocket = client;
            return this;
        }

        public Response build() {
            if (webSocket != null && status != 101) {
                throw new IllegalArgumentException("Only a 101 response can carry a WebSocket");
            }
            if (status == 101 && webSocket == null) {
                throw new IllegalArgumentException(
                        "Failed to construct 'Response': The status provided (101) is outside the range [200, 599].");
            }
            return new Response(this);
        }
    }
}
