package dev.partyflare.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * The demo page and the dashboard in headless Chromium (Debian's {@code chromium}); skipped, with
 * a visible message, where Chromium is not installed. Screenshots go to target/screenshots.
 */
class BrowserIT {
    static String chromium;

    @TempDir
    Path tmp;

    @BeforeAll
    static void findChromium() {
        for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(c))) {
                chromium = c;
                return;
            }
        }
        System.err.println(
                "*** BrowserIT SKIPPED: no Chromium found (apt-get install chromium to run the browser tests) ***");
    }

    String browse(String url, String screenshot) throws Exception {
        List<String> base = List.of(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + tmp.resolve("profile"),
                "--virtual-time-budget=5000",
                "--window-size=1280,900");
        if (screenshot != null) {
            Path dir = Path.of("target/screenshots");
            Files.createDirectories(dir);
            List<String> shot = new ArrayList<>(base);
            shot.add("--screenshot=" + dir.resolve(screenshot).toAbsolutePath());
            shot.add(url);
            Process p = new ProcessBuilder(shot)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        List<String> dump = new ArrayList<>(base);
        dump.add("--dump-dom");
        dump.add(url);
        Process p = new ProcessBuilder(dump)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return dom;
    }

    @Test
    void demoPageChatsAndDashboardShowsTheObjects() throws Exception {
        assumeTrue(chromium != null, "Chromium is not installed");
        try (DevProcess dev =
                DevProcess.start(tmp, "--port", "0", "--in-memory").ready()) {
            // another "tab" says something first: the room keeps it in its history
            DevServerIT.Ws other = new DevServerIT.Ws(dev.port, "/parties/chat-room/lobby?name=other-tab");
            other.ws.sendText("hello from the other tab", true).join();
            other.awaitContaining("hello from the other tab");

            String page = browse("http://127.0.0.1:" + dev.port + "/?name=browser", "demo.png");
            assertThat(page).contains("partyflare demo");
            assertThat(page).containsPattern("id=\"chatStatus\">connected, \\d+ online");
            assertThat(page).contains("hello from the other tab");
            assertThat(page).contains("id=\"boardStatus\">connected");

            String dashboard = browse("http://127.0.0.1:" + dev.port + "/__partyflare", "dashboard.png");
            assertThat(dashboard).contains("partyflare dashboard");
            assertThat(dashboard).contains("<td>ChatRoom</td>").contains("lobby");
            assertThat(dashboard).contains("GET /");
        }
    }
}
