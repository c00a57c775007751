package dev.partyflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping {@code partyflare dev} is prompt and clean on a busy machine: Ctrl-C or SIGTERM, with a
 * CPU hog beside it, stops the server within 2 s, closes its WebSockets with 1001 and keeps every
 * acknowledged write; a second signal during a slow stop exits at once. Cycles: {@code
 * -Dpartyflare.shutdown.cycles} (50 by default).
 */
@DisabledOnOs(OS.WINDOWS)
class ShutdownIT {
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @TempDir
    Path tmp;

    @Test
    void aSignalStopsTheServerWithinTwoSecondsUnderLoad() throws Exception {
        int cycles = Integer.getInteger("partyflare.shutdown.cycles", 50);
        Path state = tmp.resolve("state");
        Process hog = new ProcessBuilder("timeout", "900", "sh", "-c", "while :; do :; done").start();
        List<Long> stopMillis = new ArrayList<>();
        long acknowledged = 0;
        try {
            for (int cycle = 0; cycle < cycles; cycle++) {
                try (DevProcess dev = DevProcess.start(
                                List.of("-Dpartyflare.dev.stopTimings=true"),
                                tmp,
                                "--port",
                                "0",
                                "--persist-to",
                                state.toString(),
                                "--no-reload",
                                "--log-level",
                                "error")
                        .ready()) {
                    String base = "http://127.0.0.1:" + dev.port;
                    long count = counter(base, "GET");
                    assertThat(count).as("counter after stop %d", cycle).isEqualTo(acknowledged);
                    DevServerIT.Ws ws = new DevServerIT.Ws(dev.port, "/parties/chat-room/stop?name=s" + cycle);
                    ws.awaitContaining("\"join\"");
                    acknowledged = counter(base, "POST");
                    String signal = cycle % 2 == 0 ? "INT" : "TERM";
                    long t0 = System.nanoTime();
                    dev.signal(signal); // `kill` has run when this returns: the signal was sent
                    long sent = System.nanoTime();
                    boolean exited = dev.process.waitFor(10, TimeUnit.SECONDS);
                    long exit = System.nanoTime();
                    assertThat(exited)
                            .as("stopped within 10 s of SIG%s (cycle %d):\n%s", signal, cycle, dev.output())
                            .isTrue();
                    dev.awaitOutputEnd(); // "Stopped." and the timings, read by another thread
                    long ms = (exit - sent) / 1_000_000;
                    stopMillis.add(ms);
                    String phases = String.format(
                            "starting kill %d ms; signal to \"Stopped.\" %d ms; \"Stopped.\" to exit %d ms; %s",
                            (sent - t0) / 1_000_000,
                            dev.stoppedAt == 0 ? -1 : (dev.stoppedAt - sent) / 1_000_000,
                            dev.stoppedAt == 0 ? -1 : (exit - dev.stoppedAt) / 1_000_000,
                            dev.output()
                                    .lines()
                                    .filter(l -> l.startsWith("stop timings:"))
                                    .findFirst()
                                    .orElse("no stop timings"));
                    System.out.printf("shutdown cycle %d, SIG%s: %d ms to exit; %s%n", cycle, signal, ms, phases);
                    assertThat(ms)
                            .as("SIG%s to exit, cycle %d (load %s): %s", signal, cycle, loadAverage(), phases)
                            .isLessThan(2000);
                    assertThat(dev.output()).contains("Stopped.");
                    assertThat(ws.awaitContaining("closed")).startsWith("closed 1001");
                }
            }
        } finally {
            // timeout's child first: killing timeout alone (SIGKILL) leaves its busy loop running for ever
            hog.descendants().forEach(ProcessHandle::destroyForcibly);
            hog.destroyForcibly();
        }
        stopMillis.sort(null);
        System.out.println("shutdown: " + cycles + " stops under a CPU hog, SIGINT/SIGTERM to exit: median "
                + stopMillis.get(stopMillis.size() / 2) + " ms, max " + stopMillis.get(stopMillis.size() - 1) + " ms");
    }

    @Test
    void aSecondSignalDuringASlowStopExitsAtOnce() throws Exception {
        try (DevProcess dev = DevProcess.start(
                        List.of("-Dpartyflare.dev.stopDelayMs=30000"), tmp, "--port", "0", "--in-memory", "--no-reload")
                .ready()) {
            dev.interrupt();
            Thread.sleep(300); // the graceful stop is under way (and slowed down to 30 s)
            long t0 = System.nanoTime();
            dev.interrupt();
            assertThat(dev.process.waitFor(5, TimeUnit.SECONDS))
                    .as(dev.output())
                    .isTrue();
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2000);
            assertThat(dev.process.exitValue()).isEqualTo(130);
            dev.await("Stopping now \\(second SIGINT\\)", 5);
        }
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static long counter(String base, String method) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base + "/api/counters/stop")).timeout(Duration.ofSeconds(30));
        HttpResponse<String> r = HTTP.send(
                method.equals("POST")
                        ? b.POST(HttpRequest.BodyPublishers.noBody()).build()
                        : b.build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Long.parseLong(r.body().replaceAll(".*\"count\":(\\d+).*", "$1"));
    }
}
