package dev.partyflare.durable;

import dev.partyflare.durable.spi.Platform;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable HTTP request, as the Fetch API's {@code Request}: method, absolute URL, headers,
 * a byte body and the {@code cf} properties (e.g. {@code country}, {@code continent}) that
 * Cloudflare attaches to incoming requests. Derive changed copies with the {@code with...}
 * methods or {@link #toBuilder()}.
 */
public final class Request {
    private static final byte[] NO_BODY = new byte[0];

    private final String method;
    private final String url;
    private final Headers headers;
    private final byte[] body;
    private final Map<String, Object> cf;
    private final UrlParts parts; // split once, when the builder checked the URL
    private URI uri;

    private Request(Builder b) {
        this.method = b.method;
        this.url = b.url;
        this.parts = b.parts;
        this.uri = b.parts.uri();
        this.headers = b.headers.build();
        this.body = b.body;
        this.cf = Map.copyOf(b.cf);
    }

    /** A GET request to {@code url}. */
    public static Request get(String url) {
        return builder("GET", url).build();
    }

    /** A POST request with a UTF-8 text body. */
    public static Request post(String url, String body) {
        return builder("POST", url).body(body).build();
    }

    public static Builder builder(String method, String url) {
        return new Builder(method, url);
    }

    public Builder toBuilder() {
        Builder b = new Builder(method, url);
        b.headers.addAll(headers);
        b.body = body;
        b.cf = Map.copyOf(cf);
        return b;
    }

    /** Upper-case method name, e.g. {@code GET}. */
    public String method() {
        return method;
    }

    /** The absolute URL as received: the path stays percent-encoded. */
    public String url() {
        return url;
    }

    /** The URL parsed. */
    public URI uri() {
        URI u = uri;
        if (u == null) {
            u = URI.create(url);
            uri = u;
        }
        return u;
    }

    /** The raw (still percent-encoded) path, e.g. {@code /parties/chat/a%20b}. */
    public String path() {
        String p = parts.rawPath();
        return p == null || p.isEmpty() ? "/" : p;
    }

    /** The raw query string without {@code ?}, or empty. */
    public Optional<String> query() {
        return Optional.ofNullable(parts.rawQuery());
    }

    /** The first value of query parameter {@code name}, decoded. */
    public Optional<String> queryParam(String name) {
        String q = parts.rawQuery();
        if (q == null) {
            return Optional.empty();
        }
        for (String part : q.split("&")) {
            int eq = part.indexOf('=');
            String k = eq < 0 ? part : part.substring(0, eq);
            if (decode(k).equals(name)) {
                return Optional.of(eq < 0 ? "" : decode(part.substring(eq + 1)));
            }
        }
        return Optional.empty();
    }

    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    public Headers headers() {
        return headers;
    }

    /** Shortcut for {@code headers().get(name)}. */
    public Optional<String> header(String name) {
        return headers.get(name);
    }

    /** Cloudflare's request metadata ({@code request.cf}); empty unless the runtime set it. */
    public Map<String, Object> cf() {
        return cf;
    }

    /** A copy of the body bytes. */
    public byte[] bytes() {
        return body.length == 0 ? NO_BODY : body.clone();
    }

    /** The body as a stream. */
    public InputStream bodyStream() {
        return new ByteArrayInputStream(body);
    }

    /** The body decoded as UTF-8. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body parsed as JSON into {@code type}. */
    public <T> T json(Class<T> type) {
        return Platform.get().readJson(body, type);
    }

    public boolean hasBody() {
        return body.length > 0;
    }

    /** True when this is a WebSocket upgrade request ({@code Upgrade: websocket}). */
    public boolean isWebSocketUpgrade() {
        return headers.get("upgrade").map(v -> v.equalsIgnoreCase("websocket")).orElse(false);
    }

    public Request withUrl(String newUrl) {
        return toBuilder().url(newUrl).build();
    }

    public Request withHeader(String name, String value) {
        return toBuilder().header(name, value).build();
    }

    @Override
    public String toString() {
        return method + " " + url;
    }

    /** Mutable builder for {@link Request}. */
    public static final class Builder {
        private String method;
        private String url;
        private UrlParts parts;
        private final Headers.Builder headers = Headers.builder();
        private byte[] body = NO_BODY;
        private Map<String, Object> cf = Map.of();

        private Builder(String method, String url) {
            method(method);
            url(url);
        }

        public Builder method(String m) {
            Objects.requireNonNull(m, "method");
            this.method = switch (m) {
                case "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH" -> m;
                default -> {
                    if (m.isEmpty() || !m.chars().allMatch(c -> c > ' ' && c < 127)) {
                        throw new IllegalArgumentException("Invalid HTTP method: " + m);
                    }
                    yield m.toUpperCase(Locale.ROOT);
                }
            };
            return this;
        }

        public Builder url(String u) {
            Objects.requireNonNull(u, "url");
            this.parts = UrlParts.of(u);
            this.url = u;
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

        /** A JSON body (and {@code content-type: application/json} unless set). */
        public Builder json(Object value) {
            this.body = Platform.get().writeJson(value);
            if (!headers.build().has("content-type")) {
                headers.set("content-type", "application/json");
            }
            return this;
        }

        public Builder cf(Map<String, Object> properties) {
            this.cf = Map.copyOf(properties);
            return this;
        }

        public Request build() {
            return new Request(this);
        }
    }
}
