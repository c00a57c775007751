package dev.partyflare.conformance;

import dev.partyflare.emulator.client.WsClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a scenario uses to talk to a target (HTTP and WebSocket only, against a base URL) and to
 * record what it saw. Observations are compared between targets; timings never are.
 */
public final class Probe {
    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final URI base;
    private final String runId;
    private final HttpClient http;
    private final List<Observation> observations = new ArrayList<>();
    private final Map<String, Long> timings = new LinkedHashMap<>();
    private final List<AutoCloseable> resources = new ArrayList<>();

    Probe(URI base, String runId, HttpClient http) {
        this.base = base;
        this.runId = runId;
        this.http = http;
    }

    public URI base() {
        return base;
    }

    /** A name unique to this run (objects and rooms), so runs never see each other's state. */
    public String unique(String name) {
        return runId + "-" + name;
    }

    // ---- observations

    /** Records {@code value} under {@code key} (a repeated key gets a {@code #n} suffix). */
    public synchronized void observe(String key, Object value) {
        String k = key;
        int n = 2;
        while (has(k)) {
            k = key + "#" + n++;
        }
        String v = value == null ? "null" : String.valueOf(value);
        observations.add(new Observation(k, v.replace(runId, "<run>")));
    }

    private boolean has(String key) {
        for (Observation o : observations) {
            if (o.key().equals(key)) {
                return true;
            }
        }
        return false;
    }

    /** Records a JSON text in canonical form (object keys sorted), or the text if it is not JSON. */
    public void observeJson(String key, String json) {
        observe(key, canonical(json));
    }

    /** Records how long something took (never compared). */
    public synchronized void timing(String key, long millis) {
        timings.put(key, millis);
    }

    /** Runs {@code fn}, records its duration under {@code key}, and returns its result. */
    public <T> T timed(String key, Callable<T> fn) throws Exception {
        long t0 = System.nanoTime();
        try {
            return fn.call();
        } finally {
            timing(key, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    synchronized List<Observation> observations() {
        return List.copyOf(observations);
    }

    synchronized Map<String, Long> timings() {
        return Map.copyOf(timings);
    }

    /** JSON with object keys sorted, compact; non-JSON text unchanged. */
    public static String canonical(String text) {
        if (text == null) {
            return "null";
        }
        String t = text.strip();
        if (!(t.startsWith("{") || t.startsWith("[") || t.startsWith("\""))) {
            return text;
        }
        try {
            return MAPPER.writeValueAsString(sort(MAPPER.readTree(t)));
        } catch (RuntimeException e) {
            return text;
        }
    }

    private static Object sort(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new TreeMap<>();
            ((ObjectNode) n).properties().forEach(e -> m.put(e.getKey(), sort(e.getValue())));
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(x -> l.add(sort(x)));
            return l;
        }
        if (n.isIntegralNumber()) {
            return n.bigIntegerValue();
        }
        if (n.isNumber()) {
            double d = n.doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isNull()) {
            return null;
        }
        return n.asString();
    }

    /** Parses JSON. */
    public static JsonNode json(String text) {
        return MAPPER.readTree(text);
    }

    // ---- HTTP

    /** An HTTP answer. */
    public record Answer(int status, Map<String, List<String>> headers, byte[] bytes) {
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : String.join(", ", v);
        }

        public JsonNode json() {
            return Probe.json(text());
        }
    }

    public Answer get(String path) throws IOException, InterruptedException {
        return send("GET", path, null, Map.of());
    }

    public Answer post(String path, String body) throws IOException, InterruptedException {
        return send("POST", path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** POSTs {@code value} as JSON. */
    public Answer postJson(String path, Object value) throws IOException, InterruptedException {
        return send("POST", path, MAPPER.writeValueAsBytes(value), Map.of("content-type", "application/json"));
    }

    public Answer send(String method, String path, byte[] body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        headers.forEach(b::header);
        b.method(
                method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        Map<String, List<String>> h = new TreeMap<>();
        r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
        return new Answer(r.statusCode(), h, r.body());
    }

    // ---- WebSocket

    /** Opens a WebSocket to {@code path}; closed when the scenario ends. */
    public WsClient ws(String path) throws IOException {
        WsClient c = WsClient.connect(base, path);
        synchronized (this) {
            resources.add(c);
        }
        return c;
    }

    /** Opens a WebSocket with extra request headers; closed when the scenario ends. */
    public WsClient ws(String path, Map<String, String> headers) throws IOException {
        WsClient c = WsClient.connect(base, path, headers);
        synchronized (this) {
            resources.add(c);
        }
        return c;
    }

    /** Sends raw bytes on a new connection and returns the first line of the answer (or why none). */
    public String rawHttp(String request) throws IOException {
        try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            java.io.BufferedReader r = new java.io.BufferedReader(
                    new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            String line = r.readLine();
            return line == null ? "connection closed without an answer" : line;
        } catch (java.net.SocketTimeoutException e) {
            return "no answer within 5 s";
        }
    }

    /** What came back on a raw connection: the bytes, and how the connection ended. */
    public record RawAnswer(byte[] bytes, String end) {
        public String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Sends {@code request} on a new connection and reads until the server closes it ({@code
     * end} = {@code closed}), resets it ({@code reset}) or stays silent for {@code quiet} ({@code
     * open}). The request is written in one go; a server that closes while it is still being
     * written is fine (what it answered is read).
     */
    public RawAnswer raw(byte[] request, Duration quiet) throws IOException {
        try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout((int) quiet.toMillis());
            s.setTcpNoDelay(true);
            try {
                s.getOutputStream().write(request);
                s.getOutputStream().flush();
            } catch (IOException e) {
                // the server refused before the whole request was sent: read its answer
            }
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[16384];
            java.io.InputStream in = s.getInputStream();
            try {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    got.write(buf, 0, n);
                }
                return new RawAnswer(got.toByteArray(), "closed");
            } catch (java.net.SocketTimeoutException e) {
                return new RawAnswer(got.toByteArray(), "open");
            } catch (IOException e) {
                return new RawAnswer(got.toByteArray(), "reset");
            }
        }
    }

    /** Opens a WebSocket, or describes the refusal ({@code refused <status> <body>}). */
    public Object wsOrRefusal(String path) throws IOException {
        try {
            return ws(path);
        } catch (WsClient.Rejected r) {
            return "refused " + r.status() + " " + r.body();
        }
    }

    // ---- waiting

    /**
     * Polls {@code poll} until {@code done} holds (every 50 ms, at most {@code timeout}) and returns
     * the last value: observations wait for the thing they observe, never for a fixed time.
     */
    public <T> T await(Callable<T> poll, Predicate<T> done, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T v = poll.call();
        while (!done.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            v = poll.call();
        }
        return v;
    }

    void closeResources() {
        List<AutoCloseable> rs;
        synchronized (this) {
            rs = List.copyOf(resources);
        }
        for (AutoCloseable r : rs) {
            try {
                r.close();
            } catch (Exception e) {
                // best effort
            }
        }
    }
}
