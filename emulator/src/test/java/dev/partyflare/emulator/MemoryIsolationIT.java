package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An object that allocates without bound, in a child JVM with a 96 MiB heap: the object is reset
 * with Cloudflare's memory-limit text, what it held is freed, and the server and the other objects
 * keep serving.
 */
class MemoryIsolationIT {
    @TempDir
    Path dir;

    @Test
    void anObjectThatAllocatesWithoutBoundIsResetAndTheServerKeepsServing() throws Exception {
        Path log = dir.resolve("server.log");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx96m",
                        "--add-opens=java.base/java.lang=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.partyflare.fixtures.HogServer")
                .redirectError(log.toFile())
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertThat(ready).startsWith("PORT ");
            String base = "http://127.0.0.1:" + ready.substring(5).trim();
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();

            assertThat(get(http, base + "/steady/inc").body()).isEqualTo("1");
            HttpResponse<String> hog = get(http, base + "/hog/hog");
            assertThat(hog.statusCode()).isEqualTo(500);

            // the server is up, the other object kept its state, the hog is a new instance
            assertThat(get(http, base + "/steady/inc").body()).isEqualTo("2");
            assertThat(get(http, base + "/hog/inc").body()).isEqualTo("1");
            // and it can be done again: what the first hog held was freed
            assertThat(get(http, base + "/hog/hog").statusCode()).isEqualTo(500);
            assertThat(get(http, base + "/steady/inc").body()).isEqualTo("3");
            assertThat(p.isAlive()).isTrue();
            List<String> lines = Files.readAllLines(log);
            assertThat(String.join("\n", lines))
                    .contains("Durable Object's isolate exceeded its memory limit and was reset.");
        } finally {
            p.getOutputStream().close();
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
