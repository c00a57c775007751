package dev.partyflare.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.partyflare.cli.fixture.NotesApp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API as a user's end-to-end suite outside the JVM uses it: {@code partyflare dev --clock
 * manual} serves the notes project in a child process, and {@code src/test/js/admin-api.test.mjs}
 * runs against it with Node's own test runner. Skipped, with a visible message, where there is no
 * Node.js.
 */
class AdminApiIT {
    static String node;

    @TempDir
    Path tmp;

    @BeforeAll
    static void findNode() {
        node = findOnPath("node");
        if (node == null) {
            System.err.println("*** AdminApiIT SKIPPED: no node on the PATH (install Node.js 20+ to run it) ***");
        }
    }

    static String findOnPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** A project directory serving the notes fixture from the test classes. */
    static Path notesProject(Path dir) throws IOException {
        Path project = dir.resolve("notes");
        Files.createDirectories(project);
        Files.writeString(project.resolve("wrangler.toml"), NotesApp.WRANGLER_TOML);
        return project;
    }

    static int nodeMajor(String node) throws Exception {
        Process p =
                new ProcessBuilder(node, "--version").redirectErrorStream(true).start();
        String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor(30, TimeUnit.SECONDS);
        return Integer.parseInt(v.replaceFirst("^v", "").split("\\.")[0]);
    }

    @Test
    void aNodeSuiteDrivesTheDevServerThroughTheAdminApi() throws Exception {
        assumeTrue(node != null, "Node.js is not installed");
        Path project = notesProject(tmp);
        Path classes = Path.of("target/test-classes").toAbsolutePath();
        Path suite = Path.of("src/test/js/admin-api.test.mjs").toAbsolutePath();
        try (DevProcess dev = DevProcess.start(
                        project,
                        ".",
                        "--port",
                        "0",
                        "--classpath",
                        classes.toString(),
                        "--persist-to",
                        tmp.resolve("state").toString(),
                        "--clock",
                        "manual",
                        "--no-reload")
                .ready()) {
            assertThat(dev.output()).contains("Clock: manual");
            List<String> cmd = new ArrayList<>(List.of(node));
            if (nodeMajor(node) < 22) {
                cmd.add("--experimental-websocket"); // a global WebSocket from Node 22 on
            }
            cmd.addAll(List.of("--test", "--test-reporter=spec", suite.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("PARTYFLARE_URL", "http://127.0.0.1:" + dev.port);
            pb.environment().put("NO_COLOR", "1");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
            System.out.println(out);
            assertThat(p.exitValue())
                    .as("node --test failed:\n" + out + "\n--- partyflare dev said:\n" + dev.output())
                    .isZero();
            assertThat(out).containsPattern("pass 10\\b").containsPattern("fail 0\\b");
            // the dashboard's and the API's own requests stay out of the terminal's request log
            assertThat(dev.output())
                    .doesNotContainPattern("(?m)^(GET|POST|PUT|DELETE) /__partyflare")
                    .contains("GET /notes/alice 200");
        }
    }
}
