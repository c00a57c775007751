package dev.partyflare.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Headless Chromium (Debian's {@code chromium}) driven through the DevTools protocol: open a page,
 * wait — in real time, with a bound — until an expression over the page's own state is true, run
 * scripts, click, take screenshots. The browser tests use this instead of Chromium's virtual time
 * budget, which elapses before a WebSocket connects on a busy machine.
 */
final class Chromium implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process process;
    private final WebSocket ws;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private String session;

    /** The first Chromium found, or null. */
    static String find() {
        for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return null;
    }

    Chromium(String executable, Path profile) throws Exception {
        process = new ProcessBuilder(
                        executable,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--disable-crash-reporter",
                        "--disable-breakpad",
                        "--user-data-dir=" + profile,
                        "--window-size=1280,900",
                        "--remote-debugging-address=127.0.0.1",
                        "--remote-debugging-port=0",
                        "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String endpoint = endpoint();
        CompletableFuture<WebSocket> connected = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(20))
                .buildAsync(URI.create(endpoint), new Listener());
        ws = connected.get(30, TimeUnit.SECONDS);
        JsonNode target = call(null, "Target.createTarget", Map.of("url", "about:blank"));
        JsonNode attached = call(
                null,
                "Target.attachToTarget",
                Map.of("targetId", target.get("targetId").asString(), "flatten", true));
        session = attached.get("sessionId").asString();
        call(session, "Page.enable", Map.of());
        call(session, "Runtime.enable", Map.of());
    }

    /** Reads "DevTools listening on ws://..." from Chromium's standard error. */
    private String endpoint() throws IOException {
        BufferedReader err =
                new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while ((line = err.readLine()) != null && System.nanoTime() < deadline) {
            int i = line.indexOf("ws://");
            if (line.contains("DevTools listening on") && i >= 0) {
                Thread.ofVirtual().start(() -> drain(err));
                return line.substring(i).trim();
            }
        }
        throw new IOException("Chromium did not print its DevTools endpoint within 60 s");
    }

    private static void drain(BufferedReader r) {
        try {
            while (r.readLine() != null) {
                // Chromium's log; not needed
            }
        } catch (IOException e) {
            // ended
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                JsonNode m = JSON.readTree(text.toString());
                text.setLength(0);
                if (m.has("id")) {
                    CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                    if (f != null) {
                        if (m.has("error")) {
                            f.completeExceptionally(
                                    new IllegalStateException(m.get("error").toString()));
                        } else {
                            f.complete(m.get("result"));
                        }
                    }
                }
            }
            webSocket.request(1);
            return null;
        }
    }

    private JsonNode call(String sessionId, String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        pending.put(id, result);
        Map<String, Object> message = new java.util.LinkedHashMap<>();
        message.put("id", id);
        message.put("method", method);
        message.put("params", params);
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        ws.sendText(JSON.writeValueAsString(message), true).get(10, TimeUnit.SECONDS);
        return result.get(60, TimeUnit.SECONDS);
    }

    /** Navigates to {@code url}. */
    void open(String url) throws Exception {
        call(session, "Page.navigate", Map.of("url", url));
    }

    /** The value of {@code expression} in the page (awaited if it is a promise), as JSON. */
    JsonNode eval(String expression) throws Exception {
        JsonNode r = call(
                session,
                "Runtime.evaluate",
                Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("script failed: " + r.get("exceptionDetails"));
        }
        JsonNode v = r.get("result").get("value");
        return v == null ? JSON.nullNode() : v;
    }

    /** Waits until {@code condition} (a JavaScript expression) is true; fails after {@code timeout}. */
    void await(String condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (eval("Boolean(" + condition + ")").asBoolean()) {
                    return;
                }
            } catch (IllegalStateException notYet) {
                // the page is still loading
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the page never got to " + condition + " within " + timeout.toSeconds()
                        + " s; its text:\n"
                        + eval("document.body ? document.body.innerText : ''").asString());
            }
            Thread.sleep(50);
        }
    }

    /** A JavaScript string literal of {@code s}. */
    static String js(String s) {
        return JSON.writeValueAsString(s);
    }

    /** Clicks the element {@code selector} (a CSS selector) finds; fails when there is none. */
    void click(String selector) throws Exception {
        eval("(() => { const e = document.querySelector(" + js(selector) + ");"
                + " if (!e) throw new Error('nothing matches ' + " + js(selector) + "); e.click(); return true; })()");
    }

    /** Types {@code value} into the field {@code selector} finds, as a person would (an input event follows). */
    void fill(String selector, String value) throws Exception {
        eval("(() => { const e = document.querySelector(" + js(selector) + ");"
                + " if (!e) throw new Error('nothing matches ' + " + js(selector) + "); e.focus(); e.value = "
                + js(value) + "; e.dispatchEvent(new Event('input', {bubbles: true})); return true; })()");
    }

    /** The visible text of the element {@code selector} finds ("" when none). */
    String textOf(String selector) throws Exception {
        return eval("(() => { const e = document.querySelector(" + js(selector)
                        + "); return e ? e.innerText : ''; })()")
                .asString();
    }

    /** Waits until the element {@code selector} finds shows {@code text}. */
    void awaitText(String selector, String text, Duration timeout) throws Exception {
        await(
                "(() => { const e = document.querySelector(" + js(selector) + "); return !!e && e.innerText.includes("
                        + js(text) + "); })()",
                timeout);
    }

    /** The page's visible text. */
    String text() throws Exception {
        return eval("document.body.innerText").asString();
    }

    void screenshot(Path file) throws Exception {
        JsonNode r = call(session, "Page.captureScreenshot", Map.of("format", "png"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(r.get("data").asString()));
    }

    /**
     * Ends the browser and every process it started, and returns only when all of them are gone: a
     * renderer or utility process that outlives the browser keeps writing into the profile directory,
     * and the test's temporary directory then cannot be deleted (seen on a busy CI machine as "Failed to
     * close extension context").
     */
    @Override
    public void close() {
        List<ProcessHandle> family = new ArrayList<>();
        family.add(process.toHandle());
        process.descendants().forEach(family::add);
        try {
            // not awaited: the browser may drop the connection before it answers
            ws.sendText(JSON.writeValueAsString(Map.of("id", ids.incrementAndGet(), "method", "Browser.close")), true)
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // not answering: it is ended below anyway
        }
        try {
            ws.abort();
        } catch (Exception e) {
            // already closed by the browser
        }
        process.toHandle().descendants().forEach(family::add);
        if (!awaitExit(family, 10)) {
            family.forEach(ProcessHandle::destroyForcibly);
            awaitExit(family, 10);
        }
    }

    private static boolean awaitExit(List<ProcessHandle> processes, long seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (ProcessHandle p : processes) {
            try {
                p.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                return false;
            }
        }
        return true;
    }
}
