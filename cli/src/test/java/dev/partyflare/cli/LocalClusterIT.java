package dev.partyflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.emulator.client.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code partyflare dev --cluster 2 --locations weur,enam} with the embedded demo: two node JVMs on
 * one state directory, in two data centers, each URL printed with its data center, one counter
 * counted through both nodes (it runs in the data center of its first caller, and reports it), and
 * SIGTERM (as Ctrl-C) stops every node JVM.
 */
@DisabledOnOs(OS.WINDOWS)
class LocalClusterIT {
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @TempDir
    Path tmp;

    @Test
    @Timeout(120)
    void twoNodesServeOneCounterAndStopTogether() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("demo"));
        List<ProcessHandle> children = new ArrayList<>();
        try (DevProcess dev = DevProcess.start(
                List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
                dir,
                dir.toString(),
                "--cluster",
                "2",
                "--locations",
                "weur,enam",
                "--port",
                "0",
                "--persist-to",
                tmp.resolve("state").toString())) {
            try {
                String first = dev.await("n0 ready on http://", 90);
                String second = dev.await("n1 ready on http://", 10);
                assertThat(first).contains("(data center weur)");
                assertThat(second).contains("(data center enam)");
                // the node JVMs, by the pid each prints
                Matcher pids =
                        Pattern.compile("Cluster node n\\d \\(pid (\\d+)\\)").matcher(dev.output());
                while (pids.find()) {
                    ProcessHandle.of(Long.parseLong(pids.group(1))).ifPresent(children::add);
                }
                assertThat(children).as("node JVMs; output:\n%s", dev.output()).hasSize(2);
                String[] bases = {url(first), url(second)};
                assertThat(bases[0]).isNotEqualTo(bases[1]);
                for (int i = 0; i < 4; i++) {
                    String body = HTTP.send(
                                    HttpRequest.newBuilder(URI.create(bases[i % 2] + "/api/counters/shared"))
                                            .POST(HttpRequest.BodyPublishers.noBody())
                                            .timeout(Duration.ofSeconds(30))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
                    assertThat(body).as("through n%d", i % 2).contains("\"count\":" + (i + 1));
                }
                // first counted through n0: placed in its data center, and running there
                String objects = HTTP.send(
                                HttpRequest.newBuilder(URI.create(bases[0] + "/__partyflare/api/v1/objects"))
                                        .timeout(Duration.ofSeconds(30))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                assertThat(objects).contains("\"location\":\"weur\"").doesNotContain("\"location\":\"enam\"");

                // the demo's chat through both nodes: a WebSocket on each, one room on one node
                try (var ann = WsClient.connect(URI.create(bases[0]), "/parties/chat-room/cluster-lobby?name=ann");
                        var bob = WsClient.connect(URI.create(bases[1]), "/parties/chat-room/cluster-lobby?name=bob")) {
                    assertThat(nextMessage(ann, "\"type\":\"join\"")).contains("\"name\":\"ann\"");
                    assertThat(nextMessage(bob, "\"name\":\"bob\"")).contains("\"type\":\"join\"");
                    ann.sendText("hello from n0");
                    assertThat(nextMessage(bob, "\"type\":\"message\""))
                            .contains("\"name\":\"ann\"", "\"text\":\"hello from n0\"");
                    bob.sendText("hello from n1");
                    assertThat(nextMessage(ann, "\"text\":\"hello from n1\"")).contains("\"name\":\"bob\"");
                }

                long stopAt = System.nanoTime();
                dev.signal("TERM");
                assertThat(dev.process.waitFor(90, TimeUnit.SECONDS)).isTrue();
                long stopMs = (System.nanoTime() - stopAt) / 1_000_000;
                dev.await("Stopped the 2 nodes\\.", 5);
                assertThat(dev.output()).as("each node left and said so").contains("[n0] Stopped.", "[n1] Stopped.");
                for (ProcessHandle child : children) {
                    assertThat(child.isAlive())
                            .as("node JVM " + child.pid() + " after the stop")
                            .isFalse();
                }
                System.out.println("LocalClusterIT: 2 nodes, 4 calls counted and a chat through both, stopped in "
                        + stopMs + " ms");
            } finally {
                // also when the test failed early: every node JVM goes before the temporary directory
                dev.process.descendants().forEach(children::add);
                Matcher pids =
                        Pattern.compile("Cluster node n\\d \\(pid (\\d+)\\)").matcher(dev.output());
                while (pids.find()) {
                    ProcessHandle.of(Long.parseLong(pids.group(1))).ifPresent(children::add);
                }
                for (ProcessHandle child : children) {
                    child.destroyForcibly();
                    child.onExit().get(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** The next text message containing {@code marker}, skipping others (at most 20, 10 s each). */
    private static String nextMessage(WsClient c, String marker) throws Exception {
        for (int i = 0; i < 20; i++) {
            String f = c.nextDescribed(Duration.ofSeconds(10));
            if (!f.startsWith("text:")) {
                throw new AssertionError("waiting for " + marker + ", got " + f);
            }
            if (f.contains(marker)) {
                return f;
            }
        }
        throw new AssertionError("no message with " + marker + " among 20");
    }

    private static String url(String readyLine) {
        Matcher m = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+)").matcher(readyLine);
        assertThat(m.find()).as(readyLine).isTrue();
        return m.group(1);
    }
}
