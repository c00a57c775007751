package dev.partyflare.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo page and the dashboard in headless Chromium (Debian's {@code chromium}), driven through the
 * DevTools protocol and waiting on the page's own state (bounded, in real time); skipped, with a
 * visible message, where Chromium is not installed. Screenshots go to target/screenshots.
 */
class BrowserIT {
    static String chromium;

    @TempDir
    Path tmp;

    @BeforeAll
    static void findChromium() {
        chromium = Chromium.find();
        if (chromium == null) {
            System.err.println(
                    "*** BrowserIT SKIPPED: no Chromium found (apt-get install chromium to run the browser tests) ***");
        }
    }

    @Test
    void demoPageChatsAndDashboardShowsTheObjects() throws Exception {
        assumeTrue(chromium != null, "Chromium is not installed");
        Path shots = Path.of("target/screenshots");
        try (DevProcess dev =
                        DevProcess.start(tmp, "--port", "0", "--in-memory").ready();
                Chromium browser = new Chromium(chromium, tmp.resolve("profile"))) {
            // another "tab" says something first: the room keeps it in its history
            DevServerIT.Ws other = new DevServerIT.Ws(dev.port, "/parties/chat-room/lobby?name=other-tab");
            other.ws.sendText("hello from the other tab", true).join();
            other.awaitContaining("hello from the other tab");

            browser.open("http://127.0.0.1:" + dev.port + "/?name=browser");
            Duration bound = Duration.ofSeconds(30);
            browser.await("document.getElementById('chatStatus').textContent.startsWith('connected,')", bound);
            browser.await("document.getElementById('boardStatus').textContent === 'connected'", bound);
            browser.await("document.getElementById('chatLog').innerText.includes('hello from the other tab')", bound);
            browser.await("/\\d+ hits? /.test(document.getElementById('count').textContent)", bound);
            assertThat(browser.text()).contains("partyflare demo");

            // what a person does: type, send; the other tab gets it
            browser.eval("document.getElementById('chatText').value = 'hi from the browser';"
                    + " document.querySelector('#chatForm button, #chatForm [type=submit]').click()");
            assertThat(other.awaitContaining("hi from the browser")).contains("\"name\":\"browser\"");
            browser.eval("document.getElementById('hit').click()");
            browser.await("/^1 hit /.test(document.getElementById('count').textContent)", bound);
            browser.screenshot(shots.resolve("demo.png"));

            browser.open("http://127.0.0.1:" + dev.port + "/__partyflare");
            browser.await(
                    "document.body && document.body.innerText.includes('ChatRoom')"
                            + " && document.body.innerText.includes('lobby')",
                    bound);
            assertThat(browser.text()).contains("partyflare dashboard");
            browser.screenshot(shots.resolve("dashboard.png"));
        }
    }
}
