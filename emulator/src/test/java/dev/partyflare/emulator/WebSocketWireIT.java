package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.WebSocket;
import dev.partyflare.fixtures.Probe;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The standard WebSocket API over real sockets (SEMANTICS.md §5). */
class WebSocketWireIT {
    static Emulator emu;
    static String ws;

    @BeforeAll
    static void start() {
        emu = TestEmulators.served(); // compatibility date 2026-04-01, as the probe
        ws = "ws://127.0.0.1:" + emu.port();
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    @Test
    void textBinaryEmptyAndOrderAreKept() throws Exception {
        try (WsClient c = WsClient.connect(ws + "/do/PROBE/ws-frames/ws")) {
            c.send("hello");
            c.send(new byte[] {1, 2, 3});
            c.send("");
            c.send(new byte[0]);
            for (int i = 0; i < 100; i++) {
                c.send("m" + i);
            }
            assertThat(c.next()).isEqualTo(new WsClient.Text("hello"));
            assertThat(((WsClient.Binary) c.next()).bytes()).containsExactly(1, 2, 3);
            assertThat(c.next()).isEqualTo(new WsClient.Text(""));
            assertThat(((WsClient.Binary) c.next()).bytes()).isEmpty();
            for (int i = 0; i < 100; i++) {
                assertThat(c.nextText()).isEqualTo("m" + i);
            }
        }
    }

    @Test
    void largestMessageIsDeliveredAndOneMoreByteCloses1009() throws Exception {
        try (WsClient c = WsClient.connect(ws + "/do/PROBE/ws-big/ws")) {
            byte[] max = new byte[32 * 1024 * 1024];
            Arrays.fill(max, (byte) 7);
            c.send(max);
            WsClient.Event echoed = c.next();
            assertThat(((WsClient.Binary) echoed).bytes()).hasSize(max.length);

            byte[] over = new byte[32 * 1024 * 1024 + 1];
            c.ws.sendBinary(java.nio.ByteBuffer.wrap(over), true);
            // refused from the declared length at once (as workerd): the client may still be writing the
            // payload, so it sees the close frame or, if its write fails first, a broken connection
            assertThat(c.next())
                    .satisfiesAnyOf(
                            e -> assertThat(e)
                                    .isEqualTo(new WsClient.Closed(1009, "Message is too large: 33554433 > 33554432")),
                            e -> assertThat(e).isInstanceOf(WsClient.Failed.class));
            WebSocket.ErrorEvent err = Probe.errorOf("ws-big").get(20, TimeUnit.SECONDS);
            assertThat(err.message())
                    .isEqualTo("Uncaught Error: WebSocket protocol error; protocolError.statusCode = 1009;"
                            + " protocolError.description = Message is too large: 33554433 > 33554432");
            assertThat(Probe.closeOf("ws-big")).isNotDone();
        }
    }

    @Test
    void clientCloseReachesTheCodeWhichEchoesIt() throws Exception {
        try (WsClient c = WsClient.connect(ws + "/do/PROBE/ws-close-echo/ws?echo-close=1")) {
            c.send("ping");
            assertThat(c.nextText()).isEqualTo("ping");
            c.ws.sendClose(4000, "bye").join();
            assertThat(c.next()).isEqualTo(new WsClient.Closed(4000, "bye"));
            WebSocket.CloseEvent ev = Probe.closeOf("ws-close-echo").get(20, TimeUnit.SECONDS);
            assertThat(ev).isEqualTo(new WebSocket.CloseEvent(4000, "bye", true));
        }
    }

    @Test
    void runtimeDoesNotAnswerACloseByItself() throws Exception {
        try (WsClient c = WsClient.connect(ws + "/do/PROBE/ws-close-silent/ws")) {
            c.ws.sendClose(4001, "quiet").join();
            WebSocket.CloseEvent ev = Probe.closeOf("ws-close-silent").get(20, TimeUnit.SECONDS);
            assertThat(ev.code()).isEqualTo(4001);
            assertThat(Probe.CLOSE_STATES.get("ws-close-silent")).isEqualTo(WebSocket.CLOSING);
            assertThat(c.poll(300)).isNull(); // no close frame came back
        }
    }

    /**
     * web_socket_auto_reply_to_close (2026-04-07), probed on workerd 1.20260426: a standard socket
     * answers the client's close with its code and reason before the close event, which sees
     * readyState CLOSED. (A hibernatable socket does not: HibernationWireIT.)
     */
    @Test
    void fromTheAutoReplyDateTheRuntimeAnswersACloseByItself() throws Exception {
        try (Emulator later = Emulator.start(
                        TestEmulators.probe().compatibilityDate("2026-04-07").build());
                WsClient c = WsClient.connect("ws://127.0.0.1:" + later.port() + "/do/PROBE/ws-auto-reply/ws")) {
            c.ws.sendClose(4000, "bye").join();
            assertThat(c.next()).isEqualTo(new WsClient.Closed(4000, "bye"));
            assertThat(Probe.closeOf("ws-auto-reply").get(20, TimeUnit.SECONDS))
                    .isEqualTo(new WebSocket.CloseEvent(4000, "bye", true));
            assertThat(Probe.CLOSE_STATES.get("ws-auto-reply")).isEqualTo(WebSocket.CLOSED);
        }
    }

    /**
     * websocket_close_reason_byte_limit (2026-03-03), probed on workerd 1.20260426: from that date a
     * reason over 123 UTF-8 bytes throws; before it, the oversized close frame goes out as it is.
     */
    @Test
    void closeReasonLimitFollowsTheCompatibilityDate() throws Exception {
        String reason = "r".repeat(124);
        try (RawWebSocket c = RawWebSocket.connect(emu.port(), "/do/PROBE/ws-reason-limit/ws")) {
            c.sendText("close:4001:" + reason);
            assertThat(c.next().text())
                    .isEqualTo("error: SyntaxError: WebSocket close reason must not be longer than 123 bytes when"
                            + " UTF-8 encoded.");
        }
        try (Emulator earlier = Emulator.start(
                        TestEmulators.probe().compatibilityDate("2026-03-02").build());
                RawWebSocket c = RawWebSocket.connect(earlier.port(), "/do/PROBE/ws-reason-old/ws")) {
            c.sendText("close:4001:" + reason);
            RawWebSocket.Frame f = c.next();
            assertThat(f.opcode()).isEqualTo(0x8);
            assertThat(f.payload()).hasSize(2 + 124); // over the 125 bytes a control frame may carry
        }
    }

    @Test
    void serverInitiatedClose() throws Exception {
        try (WsClient c = WsClient.connect(ws + "/do/PROBE/ws-server-close/ws")) {
            c.send("close:4002:kick");
            assertThat(c.next()).isEqualTo(new WsClient.Closed(4002, "kick"));
        }
    }

    @Test
    void abruptDropDeliversClose1006() throws Exception {
        WsClient c = WsClient.connect(ws + "/do/PROBE/ws-drop/ws");
        c.send("x");
        assertThat(c.nextText()).isEqualTo("x");
        c.ws.abort();
        WebSocket.CloseEvent ev = Probe.closeOf("ws-drop").get(20, TimeUnit.SECONDS);
        assertThat(ev)
                .isEqualTo(
                        new WebSocket.CloseEvent(1006, "WebSocket disconnected without sending Close frame.", false));
    }

    @Test
    void abortDropsSocketsWithoutCloseFrame() throws Exception {
        // a plain socket sees exactly what reaches the wire (java.net.http's client sometimes misses
        // the connection's end: seen with the server's FIN delivered and its socket left in CLOSE_WAIT)
        try (RawWebSocket c = RawWebSocket.connect(emu.port(), "/do/PROBE/ws-abort/ws")) {
            c.sendText("info");
            assertThat(c.next().text()).isEqualTo("value=0 ctor=1");
            var r = emu.fetch("/do/PROBE/ws-abort/abort?catch=1");
            assertThat(r.text()).contains("\"reset\":true");
            assertThat(c.next()).as("no close frame: the connection just ends").isNull();
        }
    }

    @Test
    void workerCanServeAWebSocketItself() throws Exception {
        try (WsClient c = WsClient.connect(ws + "/worker-ws")) {
            c.send("from-worker");
            assertThat(c.nextText()).isEqualTo("from-worker");
            c.ws.sendClose(1000, "done").join();
            assertThat(c.next()).isEqualTo(new WsClient.Closed(1000, "done"));
        }
    }

    @Test
    void manySocketsOnOneObjectAreIndependent() throws Exception {
        WsClient[] cs = new WsClient[20];
        for (int i = 0; i < cs.length; i++) {
            cs[i] = WsClient.connect(ws + "/do/PROBE/ws-many/ws");
        }
        for (int i = 0; i < cs.length; i++) {
            cs[i].send("n" + i);
        }
        for (int i = 0; i < cs.length; i++) {
            assertThat(cs[i].nextText()).isEqualTo("n" + i);
            cs[i].close();
        }
    }
}
