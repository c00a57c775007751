package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocket;
import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.fixtures.Store;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The output gate (SEMANTICS.md §2): nothing leaves before the writes it follows are durable. */
class OutputGateTest {
    Emulator emu;

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path state;

    @BeforeEach
    void start() {
        // on files: what a crash would leave is read on a connection of its own
        emu = Emulator.start(TestEmulators.probe()
                .http(false)
                .manualClock(TestEmulators.T0)
                .persistTo(state)
                .build());
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    /** The committed value's JSON, or null: what a crash now would leave. */
    String committed(String object, String key) {
        String id = emu.namespace("STORE").idFromName(object).toString();
        return emu.runtime().namespaces().get("STORE").store().readCommittedJson(id, key);
    }

    @Test
    void aReplyArrivesOnlyAfterItsWriteIsDurable() {
        emu.runtime().storage().faults().delayCommits(300);
        try {
            Response r = emu.fetch("http://x/do/STORE/og-slow/put?k=a&v=1");
            assertThat(r.text()).isEqualTo("stored");
            // the commit was slow, yet the write is durable by the time the reply is seen
            assertThat(committed("og-slow", "a")).isEqualTo("\"1\"");
        } finally {
            emu.runtime().storage().faults().delayCommits(0);
        }
    }

    /** Sends {@code message} to STORE {@code object}'s socket while the next commit fails; what arrives. */
    List<String> sendWhileTheCommitFails(String object, String message) throws Exception {
        Response upgrade = emu.fetch(Request.builder("GET", "http://x/do/STORE/" + object + "/ws")
                .header("upgrade", "websocket")
                .build());
        WebSocket client = upgrade.webSocket().orElseThrow();
        List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<WebSocket.CloseEvent> closed = new CompletableFuture<>();
        client.accept();
        client.onMessage(m -> received.add(m.asText()));
        client.onClose(closed::complete);
        emu.runtime().storage().faults().failNextCommits(1);
        client.send(message);
        assertThat(closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(1006); // the object was reset
        return received;
    }

    @Test
    void aMessageAfterAConfirmedSetAlarmWaitsForItAndIsDroppedWhenItFails() throws Exception {
        assertThat(sendWhileTheCommitFails("og-alarm", "alarm")).isEmpty();
    }

    @Test
    void aMessageAfterAnUnconfirmedSetAlarmLeavesWithoutWaiting() throws Exception {
        assertThat(sendWhileTheCommitFails("og-alarm-u", "alarm-u")).containsExactly("alarm set");
    }

    @Test
    void aFailedCommitDropsTheReplyAndResetsTheObject() {
        emu.fetch("http://x/do/STORE/og-fail/ctor");
        emu.runtime().storage().faults().failNextCommits(1);
        Response r = emu.fetch("http://x/do/STORE/og-fail/put?k=a&v=1&catch=1");
        assertThat(r.text()).doesNotContain("stored");
        @SuppressWarnings("unchecked")
        Map<String, Object> err = r.json(Map.class);
        assertThat(err)
                .containsEntry("message", "Internal error in Durable Object storage write caused object to be reset.")
                .containsEntry("reset", true);
        assertThat(committed("og-fail", "a")).isNull();
        assertThat(emu.fetch("http://x/do/STORE/og-fail/get?k=a").text()).isEqualTo("<none>");
        assertThat(emu.fetch("http://x/do/STORE/og-fail/ctor").text()).isEqualTo("2");
    }

    @Test
    void writesOfOneEventCommitTogether() {
        emu.runtime().storage().faults().failNextCommits(1);
        try {
            emu.runInDurableObject(emu.namespace("STORE").getByName("og-atomic"), (Store o, DurableObjectState c) -> {
                c.storage().put("a", 1);
                c.storage().put("b", 2);
                c.storage().sql().exec("CREATE TABLE IF NOT EXISTS t (v INTEGER)");
                return null;
            });
        } catch (RuntimeException expected) {
            assertThat(expected.getMessage()).contains("storage write caused object to be reset");
        }
        assertThat(committed("og-atomic", "a")).isNull();
        assertThat(committed("og-atomic", "b")).isNull();
        emu.runInDurableObject(emu.namespace("STORE").getByName("og-atomic2"), (Store o, DurableObjectState c) -> {
            c.storage().put("seed", 0);
            return null;
        });
        emu.runtime().storage().faults().failNextCommits(1);
        try {
            emu.runInDurableObject(emu.namespace("STORE").getByName("og-atomic2"), (Store o, DurableObjectState c) -> {
                c.storage().put("a", 1);
                c.storage().put("b", 2);
                return null;
            });
        } catch (RuntimeException expected) {
            // reset
        }
        assertThat(committed("og-atomic2", "a")).isNull();
        assertThat(committed("og-atomic2", "b")).isNull();
        assertThat(committed("og-atomic2", "seed")).isNotNull();
    }

    @Test
    void aWebSocketMessageAfterAFailedWriteNeverLeaves() throws Exception {
        Response upgrade = emu.fetch(Request.builder("GET", "http://x/do/STORE/og-ws/ws")
                .header("upgrade", "websocket")
                .build());
        WebSocket client = upgrade.webSocket().orElseThrow();
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        CompletableFuture<WebSocket.CloseEvent> closed = new CompletableFuture<>();
        client.accept();
        client.onMessage(m -> received.add(m.asText()));
        client.onClose(closed::complete);

        client.send("one");
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("stored one");

        emu.runtime().storage().faults().failNextCommits(1);
        client.send("two");
        WebSocket.CloseEvent ev = closed.get(10, TimeUnit.SECONDS);
        assertThat(ev.code()).isEqualTo(1006);
        assertThat(received).isEmpty();
        assertThat(committed("og-ws", "last")).isEqualTo("\"one\"");
    }

    @Test
    void inProcessWebSocketsCarryTextAndBinary() throws Exception {
        Response upgrade = emu.fetch(Request.builder("GET", "http://x/do/PROBE/inproc/ws")
                .header("upgrade", "websocket")
                .build());
        WebSocket client = upgrade.webSocket().orElseThrow();
        LinkedBlockingQueue<WebSocketMessage> received = new LinkedBlockingQueue<>();
        client.accept();
        client.onMessage(received::add);
        client.send("hi");
        client.send(new byte[] {1, 2});
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(WebSocketMessage.text("hi"));
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(WebSocketMessage.binary(new byte[] {1, 2}));
    }
}
