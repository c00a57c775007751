package dev.partyflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 the dev server at random moments while a client writes through HTTP and WebSocket; after
 * each restart every acknowledged write must be there. Cycles: {@code -Dpartyflare.crash.cycles}
 * (20 by default; more for a longer run).
 */
@DisabledOnOs(OS.WINDOWS)
class CrashDurabilityIT {
    static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path tmp;

    @Test
    void acknowledgedWritesSurviveSigkill() throws Exception {
        int cycles = Integer.getInteger("partyflare.crash.cycles", 20);
        Path state = tmp.resolve("state");
        Random random = new Random(42);
        long acknowledgedCount = 0;
        int acknowledgedMessages = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            try (DevProcess dev = DevProcess.start(
                            tmp, "--port", "0", "--persist-to", state.toString(), "--log-level", "error")
                    .ready()) {
                String base = "http://127.0.0.1:" + dev.port;
                // everything acknowledged before the last kill is still there
                long count = Long.parseLong(HTTP.send(
                                HttpRequest.newBuilder(URI.create(base + "/api/counters/crash"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body()
                        .replaceAll(".*\"count\":(\\d+).*", "$1"));
                assertThat(count).as("counter after restart %d", cycle).isGreaterThanOrEqualTo(acknowledgedCount);
                acknowledgedCount = count;
                DevServerIT.Ws ws = new DevServerIT.Ws(dev.port, "/parties/chat-room/crash?name=w");
                int lastSeen = -1;
                while (true) {
                    String m = ws.next();
                    if (m.contains("\"join\"")) {
                        break;
                    }
                    if (m.contains("\"text\":\"w")) {
                        lastSeen = Math.max(lastSeen, Integer.parseInt(m.replaceAll(".*\"text\":\"w(\\d+)\".*", "$1")));
                    }
                }
                assertThat(lastSeen)
                        .as("chat history after restart %d", cycle)
                        .isGreaterThanOrEqualTo(acknowledgedMessages - 1);

                // write until a random moment, then kill -9
                AtomicLong acked = new AtomicLong(acknowledgedCount);
                long killAfter = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100 + random.nextInt(400));
                Thread writer = Thread.ofVirtual().start(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        try {
                            String body = HTTP.send(
                                            HttpRequest.newBuilder(URI.create(base + "/api/counters/crash"))
                                                    .POST(HttpRequest.BodyPublishers.noBody())
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .body();
                            acked.accumulateAndGet(
                                    Long.parseLong(body.replaceAll(".*\"count\":(\\d+).*", "$1")), Math::max);
                        } catch (Exception e) {
                            return; // killed
                        }
                    }
                });
                int sent = acknowledgedMessages;
                while (System.nanoTime() < killAfter) {
                    ws.ws.sendText("w" + sent, true).join();
                    String echo =
                            ws.awaitContaining("\"text\":\"w" + sent + "\""); // broadcast after the write is durable
                    assertThat(echo).contains("w" + sent);
                    acknowledgedMessages = ++sent;
                }
                new ProcessBuilder("kill", "-KILL", Long.toString(dev.process.pid()))
                        .start()
                        .waitFor();
                assertThat(dev.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
                writer.interrupt();
                writer.join(5000);
                acknowledgedCount = acked.get();
            }
        }
        System.out.println("crash durability: " + cycles + " SIGKILL cycles, " + acknowledgedCount
                + " counter writes and " + acknowledgedMessages + " chat messages acknowledged, none lost");
    }
}
