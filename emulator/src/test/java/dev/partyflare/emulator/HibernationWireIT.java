package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.fixtures.Hib;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hibernatable sockets over real connections. */
class HibernationWireIT {
    static Emulator emu;
    static String ws;

    @BeforeAll
    static void start() {
        emu = TestEmulators.served();
        ws = "ws://127.0.0.1:" + emu.port() + "/do/HIB/";
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    static String hex(String name) {
        return emu.namespace("HIB").idFromName(name).toString();
    }

    static void awaitEvent(String name, String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Hib.events(hex(name)).stream().noneMatch(e -> e.startsWith(prefix))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no event " + prefix + " in " + Hib.events(hex(name)));
            }
            Thread.sleep(5);
        }
    }

    @Test
    void aHibernatedObjectWakesForTheNextMessage() throws Exception {
        try (WsClient c = WsClient.connect(ws + "wire-hib/ws?tags=x")) {
            c.send("a");
            assertThat(c.nextText()).isEqualTo("echo:a mem=1");
            emu.hibernate(emu.namespace("HIB").getByName("wire-hib"));
            c.send("info");
            assertThat(c.nextText()).isEqualTo("ctor=2 mem=1 sockets=1 tags=[x]");
        }
    }

    @Test
    void clientCloseReachesWebSocketClose() throws Exception {
        try (WsClient c = WsClient.connect(ws + "wire-close/ws")) {
            c.send("a");
            c.nextText();
            c.ws.sendClose(4000, "bye").join();
            assertThat(c.next()).isEqualTo(new WsClient.Closed(4000, "bye"));
            awaitEvent("wire-close", "close 4000 bye true");
        }
    }

    /**
     * web_socket_auto_reply_to_close (2026-04-07) does not apply to hibernatable sockets (probed on
     * workerd 1.20260426): webSocketClose still sees readyState CLOSING and the reply is its own.
     */
    @Test
    void hibernatableSocketsAreNotAnsweredByTheRuntimeAfterTheAutoReplyDate() throws Exception {
        try (Emulator later = Emulator.start(
                        TestEmulators.probe().compatibilityDate("2026-04-07").build());
                WsClient c = WsClient.connect("ws://127.0.0.1:" + later.port() + "/do/HIB/wire-close-late/ws")) {
            c.send("a");
            c.nextText();
            c.ws.sendClose(4000, "bye").join();
            assertThat(c.next()).isEqualTo(new WsClient.Closed(4000, "bye"));
            String id = later.namespace("HIB").idFromName("wire-close-late").toString();
            assertThat(Hib.events(id)).contains("close 4000 bye true state=2");
        }
    }

    @Test
    void abruptDropReachesWebSocketCloseWith1006() throws Exception {
        WsClient c = WsClient.connect(ws + "wire-drop/ws");
        c.send("a");
        c.nextText();
        c.ws.abort();
        awaitEvent("wire-drop", "close 1006 WebSocket disconnected without sending Close frame. false");
    }

    @Test
    void oversizedMessageGoesToWebSocketError() throws Exception {
        try (WsClient c = WsClient.connect(ws + "wire-big/ws")) {
            c.send("a");
            c.nextText();
            c.ws.sendBinary(java.nio.ByteBuffer.wrap(new byte[32 * 1024 * 1024 + 1]), true);
            // refused from the declared length at once (as workerd): the client may still be writing the
            // payload, so it sees the close frame or, if its write fails first, a broken connection
            assertThat(c.next())
                    .satisfiesAnyOf(
                            e -> assertThat(e)
                                    .isEqualTo(new WsClient.Closed(1009, "Message is too large: 33554433 > 33554432")),
                            e -> assertThat(e).isInstanceOf(WsClient.Failed.class));
            awaitEvent("wire-big", "error ");
            assertThat(Hib.events(hex("wire-big")))
                    .contains(
                            "error WebSocket protocol error; protocolError.statusCode = 1009; protocolError.description = Message is too large: 33554433 > 33554432");
            assertThat(Hib.events(hex("wire-big"))).noneMatch(e -> e.startsWith("close"));
        }
    }

    @Test
    void autoResponseOverTheWire() throws Exception {
        try (WsClient c = WsClient.connect(ws + "wire-auto/ws")) {
            emu.fetch("/do/HIB/wire-auto/auto");
            c.send("ping");
            assertThat(c.nextText()).isEqualTo("pong");
            assertThat(List.of(Hib.ctor(hex("wire-auto")))).containsExactly(1);
        }
    }

    /**
     * Stopping the server closes its sockets (1001 Going Away) and the clients answer; no handler runs
     * for those closes, as none runs once workerd's process ends: they would meet closed storage and
     * print its errors while the server stops (seen with partysub rooms in `partyflare bench --cold`).
     */
    @Test
    void stoppingTheServerRunsNoHandlerForTheClosesItCauses() throws Exception {
        List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        Emulator stopping = Emulator.start(TestEmulators.probe().build(), null, (where, error) -> errors.add(where));
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        List<java.util.concurrent.CompletableFuture<Integer>> closed = new java.util.ArrayList<>();
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = "stopping-" + i;
            ids.add(stopping.namespace("HIB").idFromName(name).toString());
            java.util.concurrent.CompletableFuture<Integer> code = new java.util.concurrent.CompletableFuture<>();
            java.util.concurrent.CompletableFuture<String> first = new java.util.concurrent.CompletableFuture<>();
            java.net.http.WebSocket ws = http.newWebSocketBuilder()
                    .buildAsync(
                            java.net.URI.create("ws://127.0.0.1:" + stopping.port() + "/do/HIB/" + name + "/ws"),
                            new java.net.http.WebSocket.Listener() {
                                @Override
                                public java.util.concurrent.CompletionStage<?> onText(
                                        java.net.http.WebSocket w, CharSequence data, boolean last) {
                                    first.complete(data.toString());
                                    w.request(1);
                                    return null;
                                }

                                @Override
                                public java.util.concurrent.CompletionStage<?> onClose(
                                        java.net.http.WebSocket w, int status, String reason) {
                                    code.complete(status); // the client answers the close
                                    return null;
                                }
                            })
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
            ws.sendText("a", true).join();
            assertThat(first.get(10, java.util.concurrent.TimeUnit.SECONDS)).startsWith("echo:a");
            closed.add(code);
        }

        stopping.close();

        for (var code : closed) {
            assertThat(code.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1001);
        }
        // a handler dispatched for a close would run within moments: give it a second of real time
        long until = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < until) {
            for (String id : ids) {
                assertThat(Hib.events(id))
                        .as("handlers after the server stopped")
                        .noneMatch(e -> e.startsWith("close"));
            }
            Thread.sleep(20);
        }
        assertThat(errors).isEmpty();
    }
}
