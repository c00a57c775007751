package dev.partyflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.cli.fixture.Notes;
import dev.partyflare.cli.fixture.NotesApp;
import dev.partyflare.cli.fixture.Room;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocket;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The admin API, in-process: what it answers, and that its OpenAPI document lists exactly its routes. */
class AdminApiTest {
    static final long T0 = 1_800_000_000_000L;
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String V1 = "http://127.0.0.1/__partyflare/api/v1";

    @TempDir
    Path dir;

    Emulator emu;
    EmulatorOptions options;
    final RequestJournal journal = new RequestJournal();
    final EventLog log = new EventLog();

    @BeforeEach
    void start() {
        start(true, null);
    }

    void start(boolean manual, String token) {
        NotesApp app = new NotesApp();
        AdminApi api = new AdminApi(() -> emu, () -> options, journal, log);
        Dashboard dashboard = new Dashboard("/__partyflare", token, () -> app, api);
        EmulatorOptions.Builder b = EmulatorOptions.builder()
                .workerName("notes-app")
                .worker(dashboard)
                .durableObject("NOTES", Notes.class)
                .durableObject("ROOMS", Room.class)
                .cronTriggers(java.util.List.of("*/5 * * * *"))
                .http(false)
                .persistTo(dir);
        if (manual) {
            b.manualClock(T0);
        }
        options = b.build();
        emu = Emulator.start(options);
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    record Answer(int status, JsonNode json, String text) {}

    Answer call(String method, String path, String body, String... headers) {
        Request.Builder b = Request.builder(method, V1 + path);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        if (body != null) {
            b.header("content-type", "application/json").body(body);
        }
        Response r = emu.fetch(b.build());
        String text = r.text();
        JsonNode json = null;
        try {
            json = JSON.readTree(text);
        } catch (RuntimeException notJson) {
            // e.g. the OpenAPI document is JSON; error pages of the Worker are not
        }
        return new Answer(r.status(), json, text);
    }

    Answer get(String path) {
        return call("GET", path, null);
    }

    String app(String path) {
        return emu.fetch("http://127.0.0.1" + path).text();
    }

    @Test
    void theOpenApiDocumentListsExactlyTheRoutes() throws Exception {
        Answer doc = get("/openapi.json");
        assertThat(doc.status()).isEqualTo(200);
        assertThat(doc.json().get("openapi").asString()).startsWith("3.");
        Set<String> documented = new TreeSet<>();
        for (Map.Entry<String, JsonNode> p : doc.json().get("paths").properties()) {
            for (Map.Entry<String, JsonNode> m : p.getValue().properties()) {
                documented.add(m.getKey().toUpperCase() + " " + p.getKey());
            }
        }
        Set<String> served = new TreeSet<>();
        for (AdminApi.Route r : AdminApi.ROUTES) {
            served.add(r.method() + " " + r.path());
        }
        assertThat(documented).isEqualTo(served);
        // every documented path parameter is declared, and every declared one is in the path
        for (Map.Entry<String, JsonNode> p : doc.json().get("paths").properties()) {
            for (Map.Entry<String, JsonNode> m : p.getValue().properties()) {
                Set<String> inPath = new TreeSet<>();
                java.util.regex.Matcher matcher =
                        java.util.regex.Pattern.compile("\\{(\\w+)}").matcher(p.getKey());
                while (matcher.find()) {
                    inPath.add(matcher.group(1));
                }
                Set<String> declared = new TreeSet<>();
                JsonNode params = m.getValue().get("parameters");
                if (params != null) {
                    for (JsonNode param : params) {
                        JsonNode resolved = param.has("$ref")
                                ? doc.json().at(param.get("$ref").asString().substring(1))
                                : param;
                        if (resolved.get("in").asString().equals("path")) {
                            declared.add(resolved.get("name").asString());
                        }
                    }
                }
                assertThat(declared).as(m.getKey() + " " + p.getKey()).isEqualTo(inPath);
            }
        }
    }

    @Test
    void everyRouteExistsAndUnknownOnesSaySo() {
        app("/notes/alpha");
        for (AdminApi.Route r : AdminApi.ROUTES) {
            String path = r.path()
                    .replace("{binding}", "NOTES")
                    .replace("{object}", "alpha")
                    .replace("{key}", "k")
                    .replace("{socket}", "1")
                    .replace("{room}", "lobby");
            Answer a = call(
                    r.method(), path, r.method().equals("GET") || r.method().equals("DELETE") ? null : "{}");
            assertThat(a.status()).as(r.method() + " " + path + ": " + a.text()).isNotIn(405, 500);
            if (a.status() == 404) {
                assertThat(a.json().get("error").asString())
                        .as(r.method() + " " + path)
                        .doesNotStartWith("No route");
            }
        }
        Answer unknown = get("/nope");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("error").asString()).contains("No route GET /nope");
        Answer wrongMethod = call("DELETE", "/clock", null);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.json().get("error").asString()).contains("use GET");
        // the old unversioned paths point to v1
        Response old = emu.fetch("http://127.0.0.1/__partyflare/api/objects");
        assertThat(old.status()).isEqualTo(404);
        assertThat(old.text()).contains("/__partyflare/api/v1");
    }

    @Test
    void objectsAreListedSearchedAndOpenedByNameBeforeTheyExist() {
        app("/notes/alpha");
        app("/notes/beta");
        Answer all = get("/objects");
        assertThat(all.json().get("objects")).hasSize(2);
        Answer search = get("/objects?q=alp");
        assertThat(search.json().get("objects")).hasSize(1);
        JsonNode alpha = search.json().get("objects").get(0);
        assertThat(alpha.get("name").asString()).isEqualTo("alpha");
        assertThat(alpha.get("state").asString()).isEqualTo("live");
        assertThat(get("/objects?q=" + alpha.get("id").asString().substring(0, 8))
                        .json()
                        .get("objects"))
                .hasSize(1);
        // by id or by name
        assertThat(get("/objects/NOTES/" + alpha.get("id").asString())
                        .json()
                        .get("name")
                        .asString())
                .isEqualTo("alpha");
        assertThat(get("/objects/NOTES/alpha").json().get("id").asString())
                .isEqualTo(alpha.get("id").asString());
        // one that does not exist yet: its id, state none
        Answer fresh = get("/objects/NOTES/name:gamma");
        assertThat(fresh.status()).isEqualTo(200);
        assertThat(fresh.json().get("state").asString()).isEqualTo("none");
        assertThat(fresh.json().get("name").asString()).isEqualTo("gamma");
        assertThat(fresh.json().get("id").asString())
                .isEqualTo(emu.namespace("NOTES").idFromName("gamma").toString());
        // bad input
        assertThat(get("/objects/NOPE/alpha").status()).isEqualTo(404);
        assertThat(get("/objects/NOPE/alpha").json().get("error").asString())
                .contains("the bindings are [NOTES, ROOMS]");
        assertThat(get("/objects/NOTES/" + "0".repeat(64)).status()).isEqualTo(400);
        assertThat(get("/objects/NOTES/alpha?jurisdiction=mars").status()).isEqualTo(400);
    }

    @Test
    void kvIsReadSeededEditedAndDeletedAndTheObjectSeesIt() {
        assertThat(app("/notes/alpha")).contains("hello, alpha: 0 notes");
        Answer put = call("PUT", "/objects/NOTES/alpha/storage/kv/greeting", "{\"value\": \"bonjour\"}");
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.json().get("type").asString()).isEqualTo("java.lang.String");
        assertThat(app("/notes/alpha")).contains("bonjour, alpha: 0 notes");

        Answer seed = call(
                "POST",
                "/objects/NOTES/alpha/storage/kv",
                "{\"entries\": {\"a/1\": 1, \"a/2\": [1, 2], \"b\": {\"x\": true}}}");
        assertThat(seed.json().get("written").asInt()).isEqualTo(3);
        Answer page = get("/objects/NOTES/alpha/storage/kv?prefix=a/&limit=1");
        assertThat(page.json().get("entries")).hasSize(1);
        assertThat(page.json().get("entries").get(0).get("key").asString()).isEqualTo("a/1");
        assertThat(page.json().get("entries").get(0).get("value").asInt()).isEqualTo(1);
        assertThat(page.json().get("next").asString()).isEqualTo("a/1");
        Answer rest = get("/objects/NOTES/alpha/storage/kv?prefix=a/&startAfter=a/1");
        assertThat(rest.json().get("entries").get(0).get("value").toString()).isEqualTo("[1,2]");
        // a key with a slash, percent-encoded
        assertThat(get("/objects/NOTES/alpha/storage/kv/a%2F2")
                        .json()
                        .get("type")
                        .asString())
                .isEqualTo("list");
        assertThat(call("PUT", "/objects/NOTES/alpha/storage/kv/raw", "{\"base64\": \"AAEC\"}")
                        .status())
                .isEqualTo(200);
        assertThat(get("/objects/NOTES/alpha/storage/kv/raw")
                        .json()
                        .get("base64")
                        .asString())
                .isEqualTo("AAEC");
        assertThat(call("DELETE", "/objects/NOTES/alpha/storage/kv/b", null)
                        .json()
                        .get("deleted")
                        .asBoolean())
                .isTrue();
        assertThat(get("/objects/NOTES/alpha/storage/kv/b").status()).isEqualTo(404);

        // bad input is a clear 4xx and changes nothing
        Answer notJson = call("PUT", "/objects/NOTES/alpha/storage/kv/greeting", "{\"value\": ");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().get("error").asString()).startsWith("The body is not JSON");
        assertThat(call("PUT", "/objects/NOTES/alpha/storage/kv/greeting", "{}").status())
                .isEqualTo(400);
        assertThat(call("PUT", "/objects/NOTES/alpha/storage/kv/greeting", "[1]")
                        .status())
                .isEqualTo(400);
        assertThat(call("PUT", "/objects/NOTES/alpha/storage/kv/x", "{\"base64\": \"!!\"}")
                        .status())
                .isEqualTo(400);
        assertThat(call("PUT", "/objects/NOTES/alpha/storage/kv/x", "{\"value\": 1, \"type\": \"com.example.Nope\"}")
                        .status())
                .isEqualTo(400);
        assertThat(app("/notes/alpha")).contains("bonjour");
    }

    @Test
    void sqlIsReadOnlyUnlessAskedAndErrorsAreClear() {
        app("/notes/alpha/add?text=first");
        Answer read = call("POST", "/objects/NOTES/alpha/storage/sql", "{\"query\": \"SELECT id, text FROM notes\"}");
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().get("columns").toString()).isEqualTo("[\"id\",\"text\"]");
        assertThat(read.json().get("rows").toString()).isEqualTo("[[1,\"first\"]]");

        Answer refused = call("POST", "/objects/NOTES/alpha/storage/sql", "{\"query\": \"DELETE FROM notes\"}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("error").asString()).contains("read-only");
        Answer write = call(
                "POST",
                "/objects/NOTES/alpha/storage/sql",
                "{\"query\": \"INSERT INTO notes (text) VALUES (?)\", \"bindings\": [\"second\"], \"write\": true}");
        assertThat(write.status()).isEqualTo(200);
        assertThat(write.json().get("rowsWritten").asInt()).isEqualTo(1);
        assertThat(app("/notes/alpha")).contains("2 notes");
        Answer bad = call("POST", "/objects/NOTES/alpha/storage/sql", "{\"query\": \"SELEC 1\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asString()).contains("syntax error");
        assertThat(call("POST", "/objects/NOTES/alpha/storage/sql", "{}").status())
                .isEqualTo(400);
        // the write shows in the object's timeline as a change from outside, then its commit
        Answer timeline = get("/objects/NOTES/alpha/timeline");
        List<String> kinds = new ArrayList<>();
        timeline.json().get("events").forEach(e -> kinds.add(e.get("kind").asString()));
        assertThat(kinds).containsSubsequence("admin", "storage.commit");
    }

    @Test
    void storageIsExportedAndImportedAndBadImportsChangeNothing() {
        app("/notes/alpha/add?text=first");
        call("PUT", "/objects/NOTES/alpha/storage/kv/greeting", "{\"value\": \"hi\"}");
        Answer export = get("/objects/NOTES/alpha/storage");
        assertThat(export.json().get("format").asString()).isEqualTo("partyflare.storage/1");
        Answer imported = call("PUT", "/objects/NOTES/beta/storage", export.text());
        assertThat(imported.status()).as(imported.text()).isEqualTo(200);
        assertThat(imported.json().get("imported").get("rows").asInt()).isEqualTo(1);
        assertThat(app("/notes/beta")).contains("hi, beta: 1 notes");
        assertThat(get("/objects/NOTES/beta/storage").json()).isEqualTo(export.json());

        assertThat(call("PUT", "/objects/NOTES/beta/storage", "{").status()).isEqualTo(400);
        Answer wrongFormat = call("PUT", "/objects/NOTES/beta/storage", "{\"format\": \"other\"}");
        assertThat(wrongFormat.status()).isEqualTo(400);
        assertThat(wrongFormat.json().get("error").asString()).contains("partyflare.storage/1");
        String badSql = export.text().replace("CREATE TABLE", "CREATE TABEL");
        Answer failed = call("PUT", "/objects/NOTES/beta/storage", badSql);
        assertThat(failed.status()).isEqualTo(400);
        assertThat(failed.json().get("error").asString()).contains("nothing was changed");
        assertThat(app("/notes/beta")).contains("hi, beta: 1 notes");
        String huge = "{\"format\": \"partyflare.storage/1\", \"kv\": [{\"key\": \"k\", \"value\": \""
                + "x".repeat(AdminApi.MAX_BODY) + "\"}]}";
        assertThat(call("PUT", "/objects/NOTES/beta/storage", huge).status()).isEqualTo(413);
        assertThat(call("DELETE", "/objects/NOTES/beta/storage", null).status()).isEqualTo(200);
        assertThat(get("/objects/NOTES/beta/storage/kv").json().get("entries")).isEmpty();
    }

    @Test
    void alarmsAreSetRunAndDeletedAndTheManualClockMovesThem() {
        app("/notes/alpha");
        Answer set = call("PUT", "/objects/NOTES/alpha/alarm", "{\"inMs\": 60000}");
        assertThat(set.json().get("alarm").get("time").asLong()).isEqualTo(T0 + 60_000);
        assertThat(get("/objects/NOTES/alpha").json().get("alarm").asLong()).isEqualTo(T0 + 60_000);
        call("POST", "/objects/NOTES/alpha/evict", "{}");
        assertThat(get("/objects/NOTES/alpha").json().get("state").asString()).isEqualTo("evicted");
        // run it now, without moving the clock: the evicted object runs its alarm
        Answer ran = call("POST", "/objects/NOTES/alpha/alarm/run", null);
        assertThat(ran.status()).isEqualTo(200);
        assertThat(ran.json().get("alarm").isNull()).isTrue();
        assertThat(app("/notes/alpha")).contains("\"alarmRanAt\":" + T0);
        assertThat(call("POST", "/objects/NOTES/alpha/alarm/run", null).status())
                .isEqualTo(404);

        // through the clock
        call("PUT", "/objects/NOTES/alpha/alarm", "{\"time\": " + (T0 + 5_000) + "}");
        Answer moved = call("POST", "/clock/advance", "{\"ms\": 5000}");
        assertThat(moved.json().get("now").asLong()).isEqualTo(T0 + 5_000);
        assertThat(moved.json().get("settled").asBoolean()).isTrue();
        assertThat(app("/notes/alpha")).contains("\"alarmRanAt\":" + (T0 + 5_000));
        assertThat(call("POST", "/clock/advance", "{\"ms\": -1}").status()).isEqualTo(400);
        assertThat(call("POST", "/clock/advance", "{}").status()).isEqualTo(400);
        assertThat(get("/clock").json().get("manual").asBoolean()).isTrue();

        call("PUT", "/objects/NOTES/alpha/alarm", "{\"inMs\": 1000}");
        assertThat(call("DELETE", "/objects/NOTES/alpha/alarm", null)
                        .json()
                        .get("alarm")
                        .isNull())
                .isTrue();
        assertThat(call("PUT", "/objects/NOTES/alpha/alarm", "{\"time\": 0}").status())
                .isEqualTo(400);
        assertThat(call("PUT", "/objects/NOTES/alpha/alarm", "{}").status()).isEqualTo(400);
    }

    @Test
    void aRealClockCannotBeMoved() {
        emu.close();
        start(false, null);
        Answer a = call("POST", "/clock/advance", "{\"ms\": 1000}");
        assertThat(a.status()).isEqualTo(409);
        assertThat(a.json().get("error").asString()).contains("--clock manual");
    }

    /** An in-process WebSocket client of the fixture's room. */
    static final class Client {
        final WebSocket ws;
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

        Client(Emulator emu, String path) {
            Response r = emu.fetch(Request.builder("GET", "http://127.0.0.1" + path)
                    .header("upgrade", "websocket")
                    .build());
            ws = r.webSocket().orElseThrow();
            ws.accept();
            ws.onMessage(m -> events.add(m.asText()));
            ws.onClose(events::add);
        }

        Object next() throws InterruptedException {
            Object e = events.poll(10, TimeUnit.SECONDS);
            assertThat(e).as("a WebSocket event").isNotNull();
            return e;
        }
    }

    @Test
    void lifecycleActionsAndSockets() throws Exception {
        Client ada = new Client(emu, "/rooms/lobby?who=ada");
        ada.ws.send("hi");
        assertThat(ada.next()).isEqualTo("echo:hi");
        Answer room = get("/objects/ROOMS/lobby");
        assertThat(room.json().get("sockets")).hasSize(1);
        JsonNode socket = room.json().get("sockets").get(0);
        assertThat(socket.get("type").asString()).isEqualTo("hibernatable");
        assertThat(socket.get("tags").toString()).isEqualTo("[\"member\"]");
        long id = socket.get("id").asLong();

        Answer hibernated = call("POST", "/objects/ROOMS/lobby/hibernate", null);
        assertThat(hibernated.json().get("state").asString()).isEqualTo("hibernated");
        assertThat(get("/objects?state=hibernated")
                        .json()
                        .get("objects")
                        .get(0)
                        .get("name")
                        .asString())
                .isEqualTo("lobby");
        Answer sent = call("POST", "/objects/ROOMS/lobby/sockets/" + id + "/send", "{\"message\": \"from admin\"}");
        assertThat(sent.status()).isEqualTo(200);
        assertThat(ada.next()).isEqualTo("from admin");
        call("POST", "/objects/ROOMS/lobby/sockets/" + id + "/send", "{\"message\": \"as ada\", \"to\": \"object\"}");
        assertThat(ada.next()).isEqualTo("echo:as ada"); // it woke to handle it
        Iterator<JsonNode> events =
                get("/objects/ROOMS/lobby/timeline").json().get("events").iterator();
        List<String> kinds = new ArrayList<>();
        events.forEachRemaining(e -> kinds.add(e.get("kind").asString()));
        assertThat(kinds).containsSubsequence("socket.open", "socket.message", "hibernate", "admin", "socket.message");

        assertThat(call("POST", "/objects/ROOMS/lobby/sockets/999999/close", "{}")
                        .status())
                .isEqualTo(404);
        assertThat(call("POST", "/objects/ROOMS/lobby/sockets/abc/close", "{}").status())
                .isEqualTo(400);
        assertThat(call("POST", "/objects/ROOMS/lobby/sockets/" + id + "/close", "{\"code\": 1005}")
                        .status())
                .isEqualTo(400);
        assertThat(call("POST", "/objects/ROOMS/lobby/sockets/" + id + "/send", "{\"message\": 1}")
                        .status())
                .isEqualTo(400);
        assertThat(call(
                                "POST",
                                "/objects/ROOMS/lobby/sockets/" + id + "/close",
                                "{\"code\": 4000, \"reason\": \"bye\"}")
                        .status())
                .isEqualTo(200);
        assertThat(ada.next()).isInstanceOf(WebSocket.CloseEvent.class);

        // reset: storage stays, the instance goes
        app("/notes/alpha/add?text=x");
        Answer reset = call("POST", "/objects/NOTES/alpha/reset", "{\"reason\": \"testing\"}");
        assertThat(reset.json().get("wasLive").asBoolean()).isTrue();
        assertThat(app("/notes/alpha")).contains("1 notes");
        // a hibernate refused says why
        Client bob = new Client(emu, "/rooms/busy?who=bob");
        bob.ws.send("x");
        bob.next();
        assertThat(call("POST", "/objects/NOTES/alpha/evict", "{\"closeWebSockets\": true}")
                        .status())
                .isEqualTo(200);
        assertThat(get("/objects/NOTES/alpha").json().get("state").asString()).isEqualTo("evicted");
    }

    @Test
    void resetClearsEverythingOrOneBinding() {
        app("/notes/alpha/add?text=x");
        app("/notes/beta/add?text=y");
        Client c = new Client(emu, "/rooms/lobby");
        assertThat(call("POST", "/reset", "{\"binding\": \"NOTES\"}")
                        .json()
                        .get("reset")
                        .asString())
                .isEqualTo("NOTES");
        assertThat(get("/objects?binding=NOTES").json().get("objects")).isEmpty();
        assertThat(get("/objects?binding=ROOMS").json().get("objects")).hasSize(1);
        assertThat(app("/notes/alpha")).contains("0 notes");
        assertThat(call("POST", "/reset", "{\"binding\": \"NOPE\"}").status()).isEqualTo(404);
        assertThat(call("POST", "/reset", null).json().get("reset").asString()).isEqualTo("all");
        assertThat(get("/objects").json().get("objects")).isEmpty();
        assertThat(get("/timeline").json().get("events")).isEmpty();
        assertThat(c.ws.readyState()).isEqualTo(WebSocket.CLOSED);
        assertThat(get("/log").json().get("events").toString()).contains("Reset all state");
    }

    @Test
    void theTimelineIsReadWholeOrAfterASequenceNumber() {
        app("/notes/alpha");
        app("/notes/alpha/boom");
        Answer t = get("/objects/NOTES/alpha/timeline");
        List<String> kinds = new ArrayList<>();
        t.json().get("events").forEach(e -> kinds.add(e.get("kind").asString()));
        assertThat(kinds).containsSubsequence("start", "request", "error", "request");
        JsonNode error = null;
        for (JsonNode e : t.json().get("events")) {
            if (e.get("kind").asString().equals("error")) {
                error = e;
            }
        }
        assertThat(error.get("data").get("message").asString()).isEqualTo("boom from alpha");
        assertThat(error.get("data").get("frames").get(0).asString())
                .contains("dev.partyflare.cli.fixture.Notes.fetch");
        long last = t.json().get("last").asLong();
        app("/notes/alpha");
        Answer after = get("/objects/NOTES/alpha/timeline?after=" + last);
        assertThat(after.json().get("events")).hasSize(1);
        assertThat(get("/timeline?limit=2").json().get("events")).hasSize(2);
        assertThat(get("/timeline?limit=0").status()).isEqualTo(400);
        assertThat(get("/timeline?after=x").status()).isEqualTo(400);
    }

    @Test
    void onlyLoopbackSameOriginCallersGetInUnlessTheyHaveTheToken() {
        assertThat(call("GET", "/clock", null, "cf-connecting-ip", "127.0.0.1").status())
                .isEqualTo(200);
        assertThat(call("GET", "/clock", null, "cf-connecting-ip", "10.1.2.3").status())
                .isEqualTo(403);
        assertThat(call("POST", "/reset", "{}", "cf-connecting-ip", "127.0.0.1", "origin", "https://evil.example")
                        .status())
                .isEqualTo(403);
        assertThat(call("GET", "/clock", null, "cf-connecting-ip", "127.0.0.1", "origin", "http://127.0.0.1")
                        .status())
                .isEqualTo(200);
        Response rebound = emu.fetch(Request.builder("GET", "http://attacker.example:8787/__partyflare/api/v1/clock")
                .header("cf-connecting-ip", "127.0.0.1")
                .build());
        assertThat(rebound.status()).isEqualTo(403);
        assertThat(emu.fetch(Request.builder("GET", "http://localhost:8787/__partyflare/api/v1/clock")
                                .header("cf-connecting-ip", "::1")
                                .build())
                        .status())
                .isEqualTo(200);
        emu.close();
        start(true, "s3cret");
        assertThat(call("GET", "/clock", null, "cf-connecting-ip", "10.1.2.3").status())
                .isEqualTo(403);
        assertThat(call("GET", "/clock", null, "cf-connecting-ip", "10.1.2.3", "authorization", "Bearer s3cret")
                        .status())
                .isEqualTo(200);
        assertThat(emu.fetch(Request.builder("GET", V1 + "/clock?token=s3cret")
                                .header("cf-connecting-ip", "10.1.2.3")
                                .build())
                        .status())
                .isEqualTo(200);
    }

    @Test
    void theDashboardPageAndItsAssetsAreServedWithAnIconOfTheirOwn() {
        Response page = emu.fetch("http://127.0.0.1/__partyflare");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text())
                .contains("<title>partyflare dashboard</title>")
                .contains("href=\"/__partyflare/assets/favicon.svg\"")
                .doesNotContain("__BASE__")
                .doesNotContain("http://")
                .doesNotContain("https://");
        for (String asset : List.of("app.js", "app.css", "favicon.svg")) {
            Response r = emu.fetch("http://127.0.0.1/__partyflare/assets/" + asset);
            assertThat(r.status()).as(asset).isEqualTo(200);
            assertThat(r.text()).as(asset + " loads nothing from the network").doesNotContain("https://");
        }
        assertThat(emu.fetch("http://127.0.0.1/__partyflare/assets/../app.js").status())
                .isEqualTo(404);
        assertThat(emu.fetch("http://127.0.0.1/__partyflare/api/v1/live").status())
                .isEqualTo(426);
        // everything else is the project's
        assertThat(app("/elsewhere")).isEqualTo("Not found");
    }

    @Test
    void bindingsDescribeTheWorker() {
        Answer b = get("/bindings");
        assertThat(b.json().get("worker").asString()).isEqualTo("notes-app");
        assertThat(b.json().get("bindings").toString())
                .contains(
                        "\"binding\":\"NOTES\",\"className\":\"dev.partyflare.cli.fixture.Notes\",\"storage\":\"sqlite\"");
        assertThat(b.json().get("clock").asString()).isEqualTo("manual");
        assertThat(b.json().get("crons").toString()).contains("\"cron\":\"*/5 * * * *\"");
    }

    @Test
    void cronTriggersAreListedWithTheirNextRunAndRunOnDemand() {
        NotesApp.SCHEDULED.clear();
        Answer crons = get("/crons");
        assertThat(crons.json().get("crons").get(0).get("cron").asString()).isEqualTo("*/5 * * * *");
        long next = crons.json().get("crons").get(0).get("nextRun").asLong();
        assertThat(next).isGreaterThan(T0).isLessThanOrEqualTo(T0 + 5 * 60_000);
        assertThat(next % (5 * 60_000)).isZero();

        Answer ran = call("POST", "/crons/run?cron=*/5+*+*+*+*&time=" + T0, null);
        assertThat(ran.status()).isEqualTo(200);
        assertThat(ran.json().get("outcome").asString()).isEqualTo("ok");
        assertThat(NotesApp.SCHEDULED).containsExactly("*/5 * * * * @" + T0);

        Answer failed = call("POST", "/crons/run", "{\"cron\": \"fail\"}");
        assertThat(failed.json().get("outcome").asString()).isEqualTo("exception");
        assertThat(failed.json().get("error").asString()).contains("failed on purpose");

        assertThat(call("POST", "/crons/run", null).status()).isEqualTo(400);
        assertThat(call("POST", "/crons/run?cron=x&time=soon", null).status()).isEqualTo(400);
    }
}
