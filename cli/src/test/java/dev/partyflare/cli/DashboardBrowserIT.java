package dev.partyflare.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.partyflare.cli.fixture.BusApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard of a running project in headless Chromium, used as a person would: find a hibernated
 * object by name, watch a socket message arrive in its timeline, run a SQL query, edit a KV value and
 * see the object's next reply change, fire the pending alarm of an evicted object. Screenshots go to
 * target/screenshots. Skipped, with a visible message, where Chromium is not installed.
 */
class DashboardBrowserIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Duration BOUND = Duration.ofSeconds(30);
    static String chromium;

    @TempDir
    Path tmp;

    @BeforeAll
    static void findChromium() {
        chromium = Chromium.find();
        if (chromium == null) {
            System.err.println("*** DashboardBrowserIT SKIPPED: no Chromium found (apt-get install chromium) ***");
        }
    }

    static String send(int port, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("content-type", "application/json");
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isLessThan(300);
        return r.body();
    }

    @Test
    void aPersonUnderstandsAndChangesARunningProjectFromTheDashboard() throws Exception {
        assumeTrue(chromium != null, "Chromium is not installed");
        Path shots = Path.of("target/screenshots");
        Path project = AdminApiIT.notesProject(tmp);
        try (DevProcess dev = DevProcess.start(
                                project,
                                ".",
                                "--port",
                                "0",
                                "--classpath",
                                Path.of("target/test-classes").toAbsolutePath().toString(),
                                "--persist-to",
                                tmp.resolve("state").toString(),
                                "--no-reload")
                        .ready();
                Chromium browser = new Chromium(chromium, tmp.resolve("profile"))) {
            int port = dev.port;
            String admin = "/__partyflare/api/v1";
            // a project with some life in it: notes, a greeting, an alarm on an evicted object, a chat room
            send(port, "GET", "/notes/alpha/add?text=first%20note", null);
            send(port, "GET", "/notes/alpha/add?text=second%20note", null);
            assertThat(send(port, "GET", "/notes/alpha", null)).contains("hello, alpha: 2 notes");
            send(port, "GET", "/notes/beta/alarm?in=3600000", null);
            send(port, "POST", admin + "/objects/NOTES/beta/evict", "{}");
            DevServerIT.Ws ada = new DevServerIT.Ws(port, "/rooms/lobby?who=ada");
            ada.ws.sendText("hi", true).join();
            ada.awaitContaining("echo:hi");
            send(port, "POST", admin + "/objects/ROOMS/lobby/hibernate", null);

            // the hibernated room, found by name
            browser.open("http://127.0.0.1:" + port + "/__partyflare");
            browser.await("document.querySelectorAll('tr.obj').length === 3", BOUND);
            browser.await("document.getElementById('live').textContent === 'live'", BOUND);
            browser.fill("#search", "lob");
            browser.await("document.querySelectorAll('tr.obj').length === 1", BOUND);
            assertThat(browser.textOf("tr.obj"))
                    .contains("lobby")
                    .contains("ROOMS")
                    .contains("hibernated");
            assertThat(browser.eval("document.getElementById('pubsubNav').hidden")
                            .asBoolean())
                    .as("no Pub/sub view without a partysub binding")
                    .isTrue();
            browser.screenshot(shots.resolve("dashboard-hibernated.png"));
            browser.click("tr.obj[data-name=lobby]");
            browser.awaitText("#detailState", "hibernated", BOUND);
            browser.awaitText("#timeline", "hibernated (forced)", BOUND);

            // a socket message appears in the timeline as it happens, pushed (the page does not poll)
            ada.ws.sendText("hello from the test", true).join();
            ada.awaitContaining("echo:hello from the test");
            browser.awaitText("#timeline li[data-kind='socket.message']", "hello from the test", BOUND);
            browser.awaitText("#detailState", "live", BOUND); // the message woke it
            browser.screenshot(shots.resolve("dashboard-timeline.png"));

            // a SQL query on alpha's database
            browser.fill("#search", "");
            browser.await("document.querySelectorAll('tr.obj').length === 3", BOUND);
            browser.click("tr.obj[data-name=alpha]");
            browser.awaitText("#detailName", "alpha", BOUND);
            browser.click("#subtabs button[data-tab=sql]");
            browser.await("!!document.getElementById('sqlInput')", BOUND);
            browser.fill("#sqlInput", "SELECT id, text FROM notes ORDER BY id");
            browser.click("#sqlRun");
            browser.awaitText("#sqlTable", "second note", BOUND);
            assertThat(browser.textOf("#sqlResult")).contains("2 rows").contains("first note");
            // writes need asking: without the box ticked, the console refuses them
            browser.fill("#sqlInput", "DELETE FROM notes");
            browser.click("#sqlRun");
            browser.awaitText("#sqlError", "read-only", BOUND);
            assertThat(send(port, "GET", "/notes/alpha", null)).contains("2 notes");
            // with the box ticked, a write asks first, then runs as an event of the object
            browser.fill("#sqlInput", "INSERT INTO notes (text) VALUES ('third note')");
            browser.click("#sqlWrite");
            browser.click("#sqlRun");
            browser.await("document.getElementById('confirm').open", BOUND);
            assertThat(browser.textOf("#confirm")).contains("INSERT INTO notes");
            browser.screenshot(shots.resolve("dashboard-sql-confirm.png"));
            browser.click("#confirmOk");
            browser.awaitText("#sqlResult", "1 written", BOUND);
            assertThat(send(port, "GET", "/notes/alpha", null)).contains("3 notes");
            browser.click("#sqlWrite");
            browser.fill("#sqlInput", "SELECT id, text FROM notes ORDER BY id");
            browser.click("#sqlRun");
            browser.awaitText("#sqlTable", "third note", BOUND);
            browser.screenshot(shots.resolve("dashboard-sql.png"));

            // a KV value edited here is what the object's next reply says
            browser.click("#subtabs button[data-tab=storage]");
            browser.await("!!document.querySelector('#kv tr[data-key=greeting] [data-edit]')", BOUND);
            browser.click("#kv tr[data-key=greeting] [data-edit]");
            browser.fill("#kvEditor", "\"bonjour\"");
            browser.click("#kvSave");
            browser.awaitText("#kv tr[data-key=greeting]", "bonjour", BOUND);
            assertThat(send(port, "GET", "/notes/alpha", null)).contains("bonjour, alpha: 3 notes");
            browser.screenshot(shots.resolve("dashboard-kv.png"));

            // the pending alarm of an evicted object, fired from here
            browser.fill("#search", "beta");
            browser.await("document.querySelectorAll('tr.obj').length === 1", BOUND);
            assertThat(browser.textOf("tr.obj")).contains("evicted").containsPattern("in \\d+ min");
            browser.click("tr.obj[data-name=beta]");
            browser.awaitText("#detailState", "evicted", BOUND);
            browser.await("!document.getElementById('runAlarm').disabled", BOUND);
            browser.click("#runAlarm");
            browser.awaitText("#timeline", "alarm → ok", BOUND);
            assertThat(send(port, "GET", "/notes/beta", null)).doesNotContain("\"alarmRanAt\":null");
            browser.await("document.getElementById('runAlarm').disabled", BOUND);
            browser.screenshot(shots.resolve("dashboard-alarm.png"));

            // the Worker: its bindings and the project's requests, none of the dashboard's
            browser.open("http://127.0.0.1:" + port + "/__partyflare#/worker");
            browser.awaitText("#requests", "/notes/beta", BOUND);
            String requests = browser.textOf("#requests");
            assertThat(requests)
                    .contains("/notes/alpha/add")
                    .doesNotContain("__partyflare")
                    .doesNotContain("favicon");
            assertThat(browser.textOf("#bindings")).contains("dev.partyflare.cli.fixture.Notes");
            browser.screenshot(shots.resolve("dashboard-worker.png"));
            assertThat(send(port, "GET", admin + "/requests?limit=1000", null))
                    .doesNotContain("__partyflare")
                    .doesNotContain("favicon");
            assertThat(dev.output()).doesNotContainPattern("(?m)^GET /(__partyflare|favicon)");
        }
    }

    @Test
    void theNodesOfPartysubRoomsAndTheirLoadAreShown() throws Exception {
        assumeTrue(chromium != null, "Chromium is not installed");
        Path shots = Path.of("target/screenshots");
        Path project = tmp.resolve("bus");
        java.nio.file.Files.createDirectories(project);
        java.nio.file.Files.writeString(project.resolve("wrangler.toml"), BusApp.WRANGLER_TOML);
        try (DevProcess dev = DevProcess.start(
                                project,
                                ".",
                                "--port",
                                "0",
                                "--classpath",
                                Path.of("target/test-classes").toAbsolutePath().toString(),
                                "--persist-to",
                                tmp.resolve("state").toString(),
                                "--no-reload")
                        .ready();
                Chromium browser = new Chromium(chromium, tmp.resolve("profile"))) {
            int port = dev.port;
            // an autoscaled room grown to three nodes (2 connections per node), a fixed room of two
            List<DevServerIT.Ws> subscribers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                subscribers.add(new DevServerIT.Ws(port, "/parties/bus/lobby?topics=news"));
            }
            subscribers.add(new DevServerIT.Ws(port, "/parties/fixed/hall?topics=news"));
            send(port, "POST", "/parties/bus/lobby", "{\"topic\":\"news\",\"data\":\"first\"}");
            send(port, "POST", "/parties/bus/lobby", "{\"topic\":\"news\",\"data\":\"second\"}");
            send(port, "POST", "/parties/fixed/hall", "{\"topic\":\"news\",\"data\":\"hello\"}");
            for (int i = 0; i < 5; i++) {
                subscribers.get(i).awaitContaining("second");
            }
            subscribers.get(5).awaitContaining("hello");

            browser.open("http://127.0.0.1:" + port + "/__partyflare");
            browser.await("!document.getElementById('pubsubNav').hidden", BOUND);
            browser.click("#pubsubNav");
            browser.await("document.querySelectorAll('.room[data-room=lobby] tr[data-node]').length === 3", BOUND);
            String lobby = browser.textOf(".room[data-room=lobby]");
            assertThat(lobby)
                    .contains("autoscaled")
                    .contains("BUS")
                    .contains("3 active nodes")
                    .contains("5 connections")
                    .contains("2 publishes")
                    .contains("any-0")
                    .contains("any-2")
                    .contains("active");
            // connections and deliveries per node: each subscriber got both messages on its node
            assertThat(browser.textOf(".room[data-room=lobby] tr[data-node='any-0']"))
                    .containsPattern("active\\s+2\\s+4\\b");
            String hall = browser.textOf(".room[data-room=hall]");
            assertThat(hall).contains("fixed").contains("2 active nodes").contains("1 connection");
            browser.screenshot(shots.resolve("dashboard-pubsub.png"));
            // a node links to its object
            browser.click(".room[data-room=lobby] tr[data-node='any-1'] a");
            browser.awaitText("#detailName", "lobby-any-1", BOUND);
            for (DevServerIT.Ws w : subscribers) {
                w.ws.abort();
            }
        }
    }
}
