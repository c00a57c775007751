package dev.partyflare.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocket;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.junit5.PartyflareEnv;
import dev.partyflare.emulator.junit5.PartyflareTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * partyflare's Server on the emulator, hibernating and not (behaviours of partyserver's suite),
 * through the test harness as a user's tests run: time skips while a request waits for {@code
 * onStart}'s timer, so no test polls the clock.
 */
@PartyflareTest(
        worker = PartyWorker.class,
        workerName = "party-test",
        bindings = {
            @PartyflareTest.Binding(name = "TestServer", type = TestServer.class),
            @PartyflareTest.Binding(name = "HibServer", type = HibServer.class),
            @PartyflareTest.Binding(name = "HibChildServer", type = HibChildServer.class)
        },
        startTime = "2027-01-15T08:00:00Z",
        autoTimeSkipping = true)
class ServerTest {
    Emulator emu;

    @BeforeEach
    void start(PartyflareEnv env) {
        emu = env.emulator();
    }

    Client connect(String path) {
        return Client.connect(emu, path);
    }

    Response get(String path) {
        return emu.fetch(Request.get("http://localhost" + path));
    }

    /** onStart waits 1 ms on the runtime clock: time skips to it while the request waits. */
    Response getAdvancing(String path) {
        return get(path);
    }

    Client connectAdvancing(String path) {
        return connect(path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"test-server", "hib-server"})
    void connectsByUrlWithIdNameAndServer(String party) throws Exception {
        Client c = connectAdvancing("/parties/" + party + "/room1?_pk=my-id");
        assertThat(c.nextText()).isEqualTo("hello my-id in room1 started=true");
        assertThat(c.request("server")).isEqualTo("server=room1 name=room1");
        assertThat(c.request("tags")).isEqualTo("tags=[my-id]");
        assertThat(c.request("uri")).isEqualTo("uri=http://localhost/parties/" + party + "/room1?_pk=my-id");
        Client anon = connect("/parties/" + party + "/room1");
        String hello = anon.nextText();
        assertThat(hello).matches("hello [A-Za-z0-9_-]{21} in room1 started=true");
    }

    @Test
    void routingEdgeCases() throws Exception {
        assertThat(getAdvancing("/parties/test-server/a%20b").text()).startsWith("room a%20b ");
        assertThat(getAdvancing("/parties/test-server/trail/").text()).startsWith("room trail ");
        assertThat(getAdvancing("/parties/test-server/q?x=1").text()).startsWith("room q ");
        assertThat(getAdvancing("/parties/TestServer/exact").text()).startsWith("room exact ");
        assertThat(getAdvancing("/parties/testserver/lower").text()).startsWith("room lower ");
        assertThat(getAdvancing("/parties/TESTSERVER/upper").text()).startsWith("room upper ");
        assertThat(getAdvancing("/parties/test-server/sub/path/more").text()).startsWith("room sub ");
        Response unknown = get("/parties/nope/room");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.text()).isEqualTo("Invalid request");
        assertThat(unknown.header("content-type")).contains("text/plain;charset=UTF-8");
        Response unknownWs = emu.fetch(Request.builder("GET", "http://localhost/parties/nope/room")
                .header("upgrade", "websocket")
                .build());
        assertThat(unknownWs.status()).isEqualTo(400);
        assertThat(get("/parties/test-server").status()).isEqualTo(404);
        assertThat(get("/parties").status()).isEqualTo(404);
        assertThat(get("/elsewhere/test-server/x").text()).isEqualTo("Not found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"test-server", "hib-server"})
    void onStartRunsOnceBeforeEverythingElse(String party) throws Exception {
        // the test moves the clock itself: a skip while the requests wait would fire onStart's
        // timer before awaitPendingTimers sees it
        emu.time().setAutoSkip(false);
        try {
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                results.add(pool.submit(() -> connect("/parties/" + party + "/once-" + party + "?props=1")
                        .nextText()));
                results.add(pool.submit(() ->
                        get("/parties/" + party + "/once-" + party + "?props=1").text()));
            }
            // onStart waits 200 ms on the runtime clock; nothing else runs meanwhile
            emu.time().awaitPendingTimers(1, Duration.ofSeconds(10));
            assertThat(TestServer.starts("once-" + party)).isZero();
            emu.time().advance(Duration.ofMillis(200));
            for (Future<String> f : results) {
                assertThat(f.get())
                        .satisfiesAnyOf(
                                s -> assertThat(s).endsWith("started=true"),
                                s -> assertThat(s).contains("starts=1"));
            }
            assertThat(TestServer.starts("once-" + party)).isEqualTo(1);
            pool.shutdown();
        } finally {
            emu.time().setAutoSkip(true);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"test-server", "hib-server"})
    void broadcastSkipsExcludedAndKeepsOrder(String party) throws Exception {
        String room = "bc-" + party;
        Client a = connectAdvancing("/parties/" + party + "/" + room + "?_pk=a");
        Client b = connect("/parties/" + party + "/" + room + "?_pk=b");
        Client c = connect("/parties/" + party + "/" + room + "?_pk=c");
        a.nextText();
        b.nextText();
        c.nextText();
        for (int i = 0; i < 20; i++) {
            a.ws.send("broadcast:m" + i);
        }
        for (int i = 0; i < 20; i++) {
            assertThat(b.nextText()).isEqualTo("m" + i);
            assertThat(c.nextText()).isEqualTo("m" + i);
        }
        assertThat(a.poll(50)).isNull();
        assertThat(a.request("count")).isEqualTo("count=3");
        assertThat(a.request("conn:b")).isEqualTo("conn=b");
        assertThat(a.request("conn:zz")).isEqualTo("conn=none");
    }

    @ParameterizedTest
    @ValueSource(strings = {"test-server", "hib-server"})
    void tagsAndTheirLimits(String party) throws Exception {
        Client t = connectAdvancing("/parties/" + party + "/tags?_pk=id1&tags=x,y,x");
        t.nextText();
        assertThat(t.request("tags")).isEqualTo("tags=[id1, x, y, x]");
        assertThat(t.request("count:x")).isEqualTo("count=1");
        Client tooMany = connect("/parties/" + party + "/tags?tags=1,2,3,4,5,6,7,8,9,10");
        assertThat(tooMany.nextText())
                .isEqualTo("Error: A connection can only have 10 tags, including the default id tag.");
        assertThat(tooMany.next())
                .isEqualTo(new WebSocket.CloseEvent(1011, "Uncaught exception during session setup", true));
        Client nine = connect("/parties/" + party + "/tags?tags=1,2,3,4,5,6,7,8,9");
        assertThat(nine.nextText()).startsWith("hello");
        Client empty = connect("/parties/" + party + "/tags?tags=a,");
        assertThat(empty.nextText()).isEqualTo("Error: A connection tag must not be an empty string.");
        Client longTag = connect("/parties/" + party + "/tags?tags=" + "a".repeat(257));
        assertThat(longTag.nextText()).isEqualTo("Error: A connection tag must not exceed 256 characters");
    }

    @Test
    void aSubclassOfAHibernatingServerHibernatesToo() throws Exception {
        Client c = connectAdvancing("/parties/hib-child-server/inherit?_pk=i1");
        c.nextText();
        String id = emu.namespace("HibChildServer").idFromName("inherit").toString();
        assertThat(emu.objects())
                .filteredOn(o -> o.id().equals(id))
                .singleElement()
                .satisfies(o -> {
                    assertThat(o.hibernatableSockets()).isEqualTo(1);
                    assertThat(o.standardSockets()).isZero();
                });
    }

    @Test
    void attachmentsAreKeptBesidePartyserversBookkeepingAcrossHibernation() throws Exception {
        Client c = connectAdvancing("/parties/hib-server/attach?_pk=a1");
        c.nextText();
        assertThat(c.request("attach:x")).isEqualTo("attached");
        assertThat(c.request("getattach")).isEqualTo("attach={a=x}");
        assertThat(c.request("getstate")).isEqualTo("state={a=x}"); // the attachment is the connection's state
        emu.hibernate(emu.namespace("HibServer").getByName("attach"));
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        Future<String> f = pool.submit(() -> c.request("getattach"));
        while (!f.isDone()) {
            emu.time().advance(Duration.ofMillis(1));
            Thread.sleep(1);
        }
        assertThat(f.get()).isEqualTo("attach={a=x}");
        assertThat(c.request("tags")).isEqualTo("tags=[a1]"); // partyserver's own fields are intact
        pool.shutdown();
    }

    @Test
    void partyNamesAreKebabCaseAsPartyserverMakesThem() {
        assertThat(Server.partyName("ChatRoom")).isEqualTo("chat-room");
        assertThat(Server.partyName("MY_BUS")).isEqualTo("my-bus");
        assertThat(Server.partyName("HibChildServer")).isEqualTo("hib-child-server");
        assertThat(Server.partyName("already-kebab")).isEqualTo("already-kebab");
        assertThat(Server.partyName("Trailing_")).isEqualTo("trailing");
    }

    @Test
    void stateSurvivesHibernation() throws Exception {
        Client c = connectAdvancing("/parties/hib-server/state?_pk=s1");
        c.nextText();
        assertThat(c.request("state:hello")).isEqualTo("state set");
        assertThat(c.request("getstate")).isEqualTo("state={v=hello}");
        emu.hibernate(emu.namespace("HibServer").getByName("state"));
        Client again = c;
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        Future<String> f = pool.submit(() -> again.request("getstate"));
        while (!f.isDone()) {
            emu.time().advance(Duration.ofMillis(1));
            Thread.sleep(1);
        }
        assertThat(f.get()).isEqualTo("state={v=hello}");
        assertThat(c.request("server")).isEqualTo("server=state name=state");
        assertThat(c.request("tags")).isEqualTo("tags=[s1]");
        assertThat(TestServer.starts("state")).isEqualTo(2); // onStart again after waking
        pool.shutdown();
    }

    @Test
    void stateLimitIsTheAttachmentLimitMinusBookkeeping() throws Exception {
        Client c = connectAdvancing("/parties/hib-server/limit?_pk=s1");
        c.nextText();
        assertThat(c.request("state:" + "a".repeat(1800))).isEqualTo("state set");
        String tooBig = c.request("state:" + "a".repeat(2048));
        assertThat(tooBig)
                .matches(
                        "error: A WebSocket 'attachment' cannot be larger than 2048 bytes\\.'attachment' was \\d+ bytes\\.");
        assertThat(c.request("getstate")).isEqualTo("state={v=" + "a".repeat(1800) + "}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"test-server", "hib-server"})
    void nameIsPersistedUnderPsName(String party) throws Exception {
        Client c = connectAdvancing("/parties/" + party + "/named");
        c.nextText();
        assertThat(c.request("ps-name")).isEqualTo("ps_name=named");
    }

    @ParameterizedTest
    @ValueSource(strings = {"test-server", "hib-server"})
    void errorsInOnMessageGoToOnErrorAndTheSocketStaysOpen(String party) throws Exception {
        String room = "err-" + party;
        Client c = connectAdvancing("/parties/" + party + "/" + room + "?_pk=e1");
        c.nextText();
        c.ws.send("throw");
        assertThat(c.request("still")).isEqualTo("echo:still");
        assertThat(TestServer.events(room)).contains("error e1 message boom");
    }

    @Test
    void errorsInOnRequestGive500WithTheStack() throws Exception {
        Response r = getAdvancing("/parties/test-server/oops/throw");
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.text()).startsWith("java.lang.IllegalArgumentException: request boom");
        assertThat(r.text()).contains("at dev.partyflare.server.TestServer.onRequest");
    }

    @ParameterizedTest
    @ValueSource(strings = {"test-server", "hib-server"})
    void clientCloseIsAnsweredWithTheSameCodeAndReason(String party) throws Exception {
        String room = "close-" + party;
        Client c = connectAdvancing("/parties/" + party + "/" + room + "?_pk=c1");
        c.nextText();
        c.ws.close(4000, "bye");
        assertThat(c.next()).isEqualTo(new WebSocket.CloseEvent(4000, "bye", true));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (TestServer.events(room).stream().noneMatch(e -> e.startsWith("close")) && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertThat(TestServer.events(room)).contains("close c1 4000 bye true");
    }

    @ParameterizedTest
    @ValueSource(strings = {"test-server", "hib-server"})
    void serverInitiatedClose(String party) throws Exception {
        Client c = connectAdvancing("/parties/" + party + "/kick-" + party);
        c.nextText();
        c.ws.send("close");
        assertThat(c.next()).isEqualTo(new WebSocket.CloseEvent(4002, "kicked", true));
    }

    @Test
    void corsAndHooks() throws Exception {
        Response preflight = emu.fetch(Request.builder("OPTIONS", "http://localhost/parties/test-server/c?cors=1")
                .build());
        assertThat(preflight.status()).isEqualTo(200);
        assertThat(preflight.header("access-control-allow-origin")).contains("*");
        assertThat(preflight.header("access-control-max-age")).contains("86400");
        Response withCors = getAdvancing("/parties/test-server/c?cors=1");
        assertThat(withCors.header("access-control-allow-methods")).contains("GET, POST, HEAD, OPTIONS");
        assertThat(get("/parties/test-server/c").header("access-control-allow-origin"))
                .isEmpty();
        assertThat(getAdvancing("/parties/test-server/c?cors=custom").header("access-control-allow-origin"))
                .contains("https://example.com");
        assertThat(emu.fetch(Request.builder("OPTIONS", "http://localhost/elsewhere?cors=1")
                                .build())
                        .status())
                .isEqualTo(404);

        Response denied = get("/parties/test-server/d?deny=1");
        assertThat(denied.status()).isEqualTo(403);
        Response deniedWs = emu.fetch(Request.builder("GET", "http://localhost/parties/test-server/d?deny=1")
                .header("upgrade", "websocket")
                .build());
        assertThat(deniedWs.text()).isEqualTo("denied TestServer/d");
        assertThat(getAdvancing("/parties/test-server/r?rewrite=1").text()).contains("method=POST body=rewritten");
    }

    @Test
    void propsReachOnStart() {
        // time skips over onStart's 200 ms while the request waits
        getAdvancing("/parties/test-server/props?props=1");
        assertThat(TestServer.events("props"))
                .anySatisfy(e -> assertThat(e).contains("who=üser").contains("slow=true"));
    }

    @Test
    void getServerByNameWaitsForOnStart() throws Exception {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        Future<String> f = pool.submit(
                () -> Server.getServerByName(emu.namespace("TestServer"), "rpc").call(String.class, "describe"));
        while (!f.isDone()) {
            emu.time().advance(Duration.ofMillis(1));
            Thread.sleep(1);
        }
        assertThat(f.get()).isEqualTo("name=rpc started=true");
        pool.shutdown();
    }

    @Test
    void alarmsRunOnAlarmWithTheNameKnown() throws Exception {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        long at = emu.time().now().toEpochMilli() + 60_000;
        Future<?> f = pool.submit(() ->
                Server.getServerByName(emu.namespace("HibServer"), "alarmed").call(Void.class, "scheduleAlarm", at));
        while (!f.isDone()) {
            emu.time().advance(Duration.ofMillis(1));
            Thread.sleep(1);
        }
        f.get();
        emu.evict(emu.namespace("HibServer").getByName("alarmed"), false);
        emu.time().advance(Duration.ofSeconds(61));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (TestServer.events("alarmed").stream().noneMatch(e -> e.startsWith("alarm"))
                && System.nanoTime() < deadline) {
            emu.time().advance(Duration.ofMillis(1));
            Thread.sleep(1);
        }
        assertThat(TestServer.events("alarmed")).contains("alarm in alarmed");
        pool.shutdown();
    }

    @Test
    void tagPreparationRules() {
        assertThat(Server.prepareTags("id", List.of("a", "id", "b"))).containsExactly("id", "a", "b");
        assertThatThrownBy(() -> Server.prepareTags("id", List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10")))
                .hasMessage("A connection can only have 10 tags, including the default id tag.");
        assertThat(Router.kebabCase("ChatHib")).isEqualTo("chat-hib");
        assertThat(Router.kebabCase("MY_ROOM")).isEqualTo("my-room");
        assertThat(Router.kebabCase("myAgent_")).isEqualTo("my-agent");
    }
}
