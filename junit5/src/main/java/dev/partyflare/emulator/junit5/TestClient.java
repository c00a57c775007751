package dev.partyflare.emulator.junit5;

import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.emulator.Emulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An HTTP and WebSocket client of the emulator's Worker, as a browser or {@code fetch} would use
 * it. {@link PartyflareEnv#client()} calls the Worker in-process (no port, no sockets); {@link
 * PartyflareEnv#httpClient()} goes through the emulator's real port (when it serves HTTP). Both
 * behave the same from the test's point of view, so a test can switch between them.
 *
 * <p>Paths such as {@code /counter/a} resolve against {@code http://localhost} in-process and
 * against the emulator's address over the network; absolute URLs are used as they are.
 */
public final class TestClient {
    /** Headers the JDK's HTTP and WebSocket clients set themselves. */
    private static final Set<String> RESTRICTED = Set.of(
            "connection",
            "content-length",
            "expect",
            "host",
            "upgrade",
            "sec-websocket-key",
            "sec-websocket-version",
            "sec-websocket-extensions",
            "sec-websocket-accept");

    private final PartyflareEnv env;
    private final URI base;
    private final HttpClient http;

    private TestClient(PartyflareEnv env, URI base, HttpClient http) {
        this.env = env;
        this.base = base;
        this.http = http;
    }

    static TestClient inProcess(PartyflareEnv env) {
        return new TestClient(env, null, null);
    }

    static TestClient network(PartyflareEnv env, URI base) {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(env.waitTimeout())
                .build();
        return new TestClient(env, base, http);
    }

    /** True for the in-process client. */
    public boolean isInProcess() {
        return base == null;
    }

    /** The absolute URL for {@code pathOrUrl}. */
    public String url(String pathOrUrl) {
        if (!pathOrUrl.startsWith("/")) {
            return pathOrUrl;
        }
        if (base != null) {
            return base.resolve(pathOrUrl).toString();
        }
        Emulator emu = env.emulator();
        return "http://localhost" + (emu.port() > 0 ? ":" + emu.port() : "") + pathOrUrl;
    }

    /** {@code GET pathOrUrl}. */
    public Response get(String pathOrUrl) {
        return fetch(Request.get(url(pathOrUrl)));
    }

    /** {@code POST pathOrUrl} with a UTF-8 text body. */
    public Response post(String pathOrUrl, String body) {
        return fetch(Request.post(url(pathOrUrl), body));
    }

    /**
     * Sends {@code request}, waiting at most the environment's wait timeout for the response. Errors
     * in user code are 500 responses, as on Cloudflare.
     */
    public Response fetch(Request request) {
        if (base == null) {
            Emulator emu = env.entry(); // in a cluster: the nodes in turn
            return env.bounded(request.method() + " " + request.url(), () -> emu.fetch(request));
        }
        return overNetwork(request);
    }

    /** Opens a WebSocket to {@code pathOrUrl} ({@code GET} with {@code Upgrade: websocket}). */
    public TestWebSocket connect(String pathOrUrl) {
        return connect(Request.builder("GET", url(pathOrUrl))
                .header("upgrade", "websocket")
                .build());
    }

    /**
     * Opens a WebSocket with {@code request} (an {@code Upgrade: websocket} header is added if
     * missing). The socket is closed at the end of the test if the test has not closed it.
     *
     * @throws AssertionError when the server answers with anything but 101
     */
    public TestWebSocket connect(Request request) {
        Request upgrade = request.isWebSocketUpgrade() ? request : request.withHeader("upgrade", "websocket");
        TestWebSocket ws;
        if (base == null) {
            Response r = fetch(upgrade);
            if (r.status() != 101 || r.webSocket().isEmpty()) {
                throw new AssertionError("Expected a WebSocket upgrade (101) from " + upgrade + " but got " + r + ": "
                        + abbreviate(r.text()));
            }
            ws = TestWebSocket.of(r.webSocket().get(), upgrade.url(), env.waitTimeout());
        } else {
            URI http = URI.create(upgrade.url());
            URI wsUri = URI.create((http.getScheme().equals("https") ? "wss" : "ws")
                    + http.toString().substring(http.getScheme().length()));
            Map<String, String> headers = new LinkedHashMap<>();
            upgrade.headers().asMap().forEach((name, values) -> {
                if (!RESTRICTED.contains(name) && !name.startsWith("sec-websocket-")) {
                    headers.put(name, String.join(", ", values));
                }
            });
            ws = TestWebSocket.connect(wsUri, headers, env.waitTimeout());
        }
        ws.waitsOn(env.time());
        env.track(ws);
        return ws;
    }

    private Response overNetwork(Request request) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(request.url()))
                .timeout(env.waitTimeout())
                .method(
                        request.method(),
                        request.hasBody()
                                ? HttpRequest.BodyPublishers.ofByteArray(request.bytes())
                                : HttpRequest.BodyPublishers.noBody());
        request.headers().asMap().forEach((name, values) -> {
            if (!RESTRICTED.contains(name)) {
                for (String v : values) {
                    b.header(name, v);
                }
            }
        });
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new PartyflareTimeoutError("Timed out after " + Waits.format(env.waitTimeout())
                    + " waiting for the response to " + request + "; " + env.describeObjects());
        } catch (IOException e) {
            throw new IllegalStateException("Could not send " + request + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the response to " + request, e);
        }
        Response.Builder out = Response.builder(r.statusCode()).body(r.body());
        for (Map.Entry<String, List<String>> h : r.headers().map().entrySet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(":")) {
                continue;
            }
            for (String v : h.getValue()) {
                out.addHeader(name, v);
            }
        }
        return out.build();
    }

    void close() {
        if (http != null) {
            http.shutdownNow();
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "... (" + s.length() + " chars)";
    }

    @Override
    public String toString() {
        return base == null ? "TestClient[in-process]" : "TestClient[" + base + "]";
    }
}
