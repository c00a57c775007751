package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTP over a real socket, including bad input: each gets a clear answer and the server keeps serving. */
class HttpWireIT {
    static Emulator emu;
    static String base;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        emu = TestEmulators.served();
        base = "http://127.0.0.1:" + emu.port();
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", emu.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            int n = in.read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        }
    }

    private static void stillServing() throws Exception {
        var r = get("/do/PROBE/alive/inc");
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void methodsBodiesAndRawPathsReachTheWorker() throws Exception {
        var r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/echo/a%20b?q=1"))
                        .method("PUT", HttpRequest.BodyPublishers.ofString("payload"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("payload");
        assertThat(r.headers().firstValue("x-method")).contains("PUT");
        assertThat(r.headers().firstValue("x-url"))
                .hasValueSatisfying(u -> assertThat(u).endsWith("/echo/a%20b?q=1"));
    }

    @Test
    void handlerThatThrowsGives500AndTheObjectSurvives() throws Exception {
        get("/do/PROBE/http-throw/inc");
        var r = get("/do/PROBE/http-throw/throw");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).startsWith("java.lang.IllegalStateException: fetch boom");
        assertThat(get("/do/PROBE/http-throw/get").body()).isEqualTo("1");
    }

    @Test
    void garbageRequestLineIsRejected() throws Exception {
        String answer = raw("GARBAGE\r\n\r\n");
        assertThat(answer).matches("(?s)HTTP/1\\.1 [45]\\d\\d .*");
        stillServing();
    }

    @Test
    void nulInThePathIsRejected() throws Exception {
        String answer = raw("GET /a\u0000b HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400");
        stillServing();
    }

    @Test
    void chunkedOversizedBodyIs413() throws Exception {
        try (Emulator small =
                Emulator.start(TestEmulators.probe().maxRequestBodyBytes(1024).build())) {
            var r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + small.port() + "/echo"))
                            .POST(HttpRequest.BodyPublishers.ofInputStream(
                                    () -> new java.io.ByteArrayInputStream(new byte[8192])))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(413);
        }
    }

    /**
     * The client is still sending when the 413 is written: the answer must still reach it (closing
     * at once reset the connection and the client sometimes saw no answer at all).
     */
    @Test
    void a413ReachesAClientThatIsStillSending() throws Exception {
        try (Emulator small =
                Emulator.start(TestEmulators.probe().maxRequestBodyBytes(1024).build())) {
            for (int i = 0; i < 20; i++) {
                var r = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + small.port() + "/echo"))
                                .POST(HttpRequest.BodyPublishers.ofInputStream(
                                        () -> new java.io.ByteArrayInputStream(new byte[4 * 1024 * 1024])))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as("request %d", i).isEqualTo(413);
            }
        }
    }

    @Test
    void upgradeWithoutKeyIsABadRequest() throws Exception {
        String answer =
                raw("GET /do/PROBE/bad-upgrade/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n");
        assertThat(answer)
                .isEqualTo("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 32\r\n"
                        + "Content-Type: text/plain\r\n\r\nERROR: Missing Sec-WebSocket-Key");
        stillServing();
    }

    @Test
    void webSocketResponseToAPlainRequestIs500() throws Exception {
        var r = get("/bad-101");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body())
                .isEqualTo("Worker tried to return a WebSocket in a response to a request which did not contain the"
                        + " header \"Upgrade: websocket\".");
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        try (Emulator small =
                Emulator.start(TestEmulators.probe().maxRequestBodyBytes(1024).build())) {
            var r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + small.port() + "/echo"))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[4096]))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(413);
        }
    }

    @Test
    void unknownBindingGives500WithTheBindingsListed() throws Exception {
        var r = get("/do/NOPE/x/get");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body())
                .contains("No Durable Object binding named \"NOPE\"")
                .contains("PROBE, OTHER");
    }

    @Test
    void bindsLoopbackByDefault() {
        assertThat(emu.url()).hasValueSatisfying(u -> assertThat(u.getHost()).isEqualTo("127.0.0.1"));
    }
}
