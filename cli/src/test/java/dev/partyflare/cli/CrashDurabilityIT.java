package dev.partyflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 the dev server at random moments while several clients write to several objects of both
 * storage backends (SQLite-backed and KV-backed), over HTTP and WebSockets; after each restart every
 * write that was acknowledged (a reply or a socket message that followed it) must be there, in the
 * KV API and, on the SQLite backend, in the SQL table the same event wrote. Cycles: {@code
 * -Dpartyflare.crash.cycles} (20 by default; run it with CPU hogs beside it, see
 * scripts/with-cpu-hogs.sh).
 */
@DisabledOnOs(OS.WINDOWS)
class CrashDurabilityIT {
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /** A client writing to one object: binding, object name, transport. */
    record Writer(String binding, String object, boolean websocket) {
        String key() {
            return binding + "/" + object;
        }
    }

    static final List<Writer> WRITERS = List.of(
            new Writer("SQL", "a", false),
            new Writer("SQL", "b", false),
            new Writer("SQL", "c", true),
            new Writer("KV", "a", false),
            new Writer("KV", "b", false),
            new Writer("KV", "c", true));

    @TempDir
    Path tmp;

    @Test
    void acknowledgedWritesSurviveSigkillOnBothBackends() throws Exception {
        int cycles = Integer.getInteger("partyflare.crash.cycles", 20);
        Path project = writeProject(tmp.resolve("app"));
        Path state = tmp.resolve("state");
        Path testClasses = Path.of(CrashDurabilityIT.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Random random = new Random(42);
        Map<String, Set<Long>> acknowledged = new ConcurrentHashMap<>();
        Map<String, Long> nextSeq = new TreeMap<>();
        long totalAcked = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            try (DevProcess dev = DevProcess.start(
                            project,
                            project.toString(),
                            "--port",
                            "0",
                            "--persist-to",
                            state.toString(),
                            "--classpath",
                            testClasses.toString(),
                            "--no-reload",
                            "--log-level",
                            "error")
                    .ready()) {
                String base = "http://127.0.0.1:" + dev.port;
                // everything acknowledged before the last kill is there, in KV and in SQL
                for (Writer w : WRITERS) {
                    Set<Long> acked = acknowledged.getOrDefault(w.key(), Set.of());
                    String list = get(base + "/w/" + w.binding() + "/" + w.object() + "/list");
                    String[] lines = list.split("\n");
                    assertThat(numbers(lines[0]))
                            .as("KV entries of %s after restart %d", w.key(), cycle)
                            .containsAll(acked);
                    if (w.binding().equals("SQL")) {
                        assertThat(numbers(lines[1]))
                                .as("SQL rows of %s after restart %d", w.key(), cycle)
                                .containsAll(acked);
                    }
                }
                // all clients write until a random moment, then kill -9
                long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100 + random.nextInt(500));
                List<Thread> threads = new ArrayList<>();
                for (Writer w : WRITERS) {
                    long first = nextSeq.getOrDefault(w.key(), 0L);
                    Set<Long> acked = acknowledged.computeIfAbsent(w.key(), k -> ConcurrentHashMap.newKeySet());
                    threads.add(Thread.ofVirtual().start(() -> write(base, w, first, acked)));
                }
                while (System.nanoTime() < killAt) {
                    Thread.sleep(5);
                }
                new ProcessBuilder("kill", "-KILL", Long.toString(dev.process.pid()))
                        .start()
                        .waitFor();
                assertThat(dev.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
                for (Thread t : threads) {
                    t.join(20_000);
                    assertThat(t.isAlive())
                            .as("a writer still runs 20 s after the kill, at:%n%s", stackOf(t))
                            .isFalse();
                }
                for (Writer w : WRITERS) {
                    Set<Long> acked = acknowledged.getOrDefault(w.key(), Set.of());
                    long max = acked.stream().mapToLong(Long::longValue).max().orElse(-1);
                    // next cycle's numbers start past anything this one may have written
                    nextSeq.put(w.key(), Math.max(nextSeq.getOrDefault(w.key(), 0L), max + 1_000_000));
                }
            }
        }
        for (Set<Long> s : acknowledged.values()) {
            totalAcked += s.size();
        }
        assertThat(totalAcked).as("acknowledged writes in all").isGreaterThan(cycles);
        System.out.println("crash durability: " + cycles + " SIGKILL cycles, " + totalAcked + " acknowledged writes to "
                + WRITERS.size() + " objects (SQLite- and KV-backed), none lost");
    }

    /** Writes n, n+1, … to one object until the server is killed, noting each acknowledged number. */
    private static void write(String base, Writer w, long first, Set<Long> acked) {
        String path = "/w/" + w.binding() + "/" + w.object();
        long n = first;
        try {
            if (!w.websocket()) {
                while (true) {
                    String body = HTTP.send(
                                    HttpRequest.newBuilder(URI.create(base + path + "/" + n))
                                            .POST(HttpRequest.BodyPublishers.noBody())
                                            .timeout(Duration.ofSeconds(30))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
                    if (!body.equals("ok " + n)) {
                        return;
                    }
                    acked.add(n++);
                }
            }
            LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
            CompletableFuture<Void> closed = new CompletableFuture<>();
            WebSocket ws = HTTP.newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(base.replace("http", "ws") + path), new WebSocket.Listener() {
                        final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                replies.add(text.toString());
                                text.setLength(0);
                            }
                            webSocket.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                            closed.complete(null);
                            return null;
                        }

                        @Override
                        public void onError(WebSocket webSocket, Throwable error) {
                            closed.complete(null);
                        }
                    })
                    .get(10, TimeUnit.SECONDS);
            while (!closed.isDone()) {
                ws.sendText(Long.toString(n), true).get(10, TimeUnit.SECONDS);
                String reply = null;
                while (reply == null && !closed.isDone()) {
                    reply = replies.poll(100, TimeUnit.MILLISECONDS);
                }
                if (reply == null || !reply.equals("ok " + n)) {
                    return;
                }
                acked.add(n++);
            }
        } catch (Exception killed) {
            // the server went away: what was acknowledged is in acked
        }
    }

    private static String stackOf(Thread t) {
        StringBuilder b = new StringBuilder();
        for (StackTraceElement e : t.getStackTrace()) {
            b.append("    at ").append(e).append('\n');
        }
        return b.toString();
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
        return r.body();
    }

    private static Set<Long> numbers(String line) {
        Set<Long> out = new TreeSet<>();
        String[] parts = line.trim().split(" ");
        for (int i = 1; i < parts.length; i++) {
            out.add(Long.parseLong(parts[i]));
        }
        return out;
    }

    static Path writeProject(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("wrangler.toml"), """
                name = "crash"
                main = "dev.partyflare.cli.crash.CrashApp"
                compatibility_date = "2026-04-01"

                [[durable_objects.bindings]]
                name = "SQL"
                class_name = "dev.partyflare.cli.crash.Ledger"

                [[durable_objects.bindings]]
                name = "KV"
                class_name = "dev.partyflare.cli.crash.KvLedger"

                [[migrations]]
                tag = "v1"
                new_sqlite_classes = ["dev.partyflare.cli.crash.Ledger"]
                new_classes = ["dev.partyflare.cli.crash.KvLedger"]
                """);
        return dir;
    }
}
