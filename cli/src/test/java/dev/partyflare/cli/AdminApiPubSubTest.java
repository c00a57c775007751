package dev.partyflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.cli.fixture.BusApp;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocket;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin API's partysub routes, in process: an autoscaled room grown to three nodes and a fixed
 * room of two, their nodes, connections and deliveries per node, as {@code PubSub.metrics} has them.
 */
class AdminApiPubSubTest {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String V1 = "http://127.0.0.1/__partyflare/api/v1";

    @TempDir
    Path dir;

    Emulator emu;
    EmulatorOptions options;
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final List<WebSocket> sockets = new ArrayList<>();

    @BeforeEach
    void start() {
        BusApp app = new BusApp();
        AdminApi api = new AdminApi(() -> emu, () -> options, new RequestJournal(), new EventLog());
        options = EmulatorOptions.builder()
                .workerName("bus-app")
                .worker(new Dashboard("/__partyflare", null, () -> app, api))
                .durableObject("BUS", BusApp.Bus.class)
                .durableObject("FIXED", BusApp.FixedBus.class)
                .http(false)
                .persistTo(dir)
                .manualClock(1_800_000_000_000L)
                .build();
        emu = Emulator.start(options);
    }

    @AfterEach
    void stop() {
        sockets.forEach(s -> s.close(1000, "done"));
        emu.close();
    }

    void subscribe(String path) {
        Response r = emu.fetch(Request.builder("GET", "http://127.0.0.1" + path)
                .header("upgrade", "websocket")
                .build());
        assertThat(r.status()).as(r.text()).isEqualTo(101);
        WebSocket ws = r.webSocket().orElseThrow();
        ws.onMessage(m -> received.add(m.asText()));
        ws.accept();
        sockets.add(ws);
    }

    void publish(String path, String data) throws InterruptedException {
        Response r = emu.fetch(Request.builder("POST", "http://127.0.0.1" + path)
                .body("{\"topic\":\"t\",\"data\":\"" + data + "\"}")
                .build());
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    /** Waits for {@code n} deliveries (each subscriber gets each message once). */
    void awaitDeliveries(int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            assertThat(received.poll(10, TimeUnit.SECONDS))
                    .as("delivery %d of %d", i + 1, n)
                    .isNotNull();
        }
    }

    JsonNode get(String path, int status) {
        Response r = emu.fetch(V1 + path);
        assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(status);
        return JSON.readTree(r.text());
    }

    @Test
    void roomsShowTheirNodesConnectionsAndDeliveriesPerNode() throws Exception {
        for (int i = 0; i < 5; i++) {
            subscribe("/parties/bus/lobby?topics=t");
        }
        subscribe("/parties/fixed/hall?topics=t");
        subscribe("/parties/fixed/hall?topics=t");
        publish("/parties/bus/lobby", "one");
        publish("/parties/bus/lobby", "two");
        publish("/parties/fixed/hall", "three");
        awaitDeliveries(5 * 2 + 2);

        // the bindings say which are partysub, and how
        JsonNode bindings = get("/bindings", 200).get("bindings");
        assertThat(bindings.toString())
                .contains("\"binding\":\"BUS\"")
                .contains("\"pubsub\":{\"party\":\"bus\",\"autoscaled\":true}")
                .contains("\"pubsub\":{\"party\":\"fixed\",\"autoscaled\":false}");

        JsonNode rooms = get("/pubsub", 200).get("rooms");
        assertThat(rooms).hasSize(2);
        JsonNode lobby = rooms.get(0);
        assertThat(lobby.get("binding").asString()).isEqualTo("BUS");
        assertThat(lobby.get("room").asString()).isEqualTo("lobby");
        assertThat(lobby.get("autoscaled").asBoolean()).isTrue();
        // 5 connections at 2 per node: 3 active nodes, none above the target
        assertThat(lobby.get("activeNodes").asInt()).isEqualTo(3);
        assertThat(lobby.get("connections").asInt()).isEqualTo(5);
        assertThat(lobby.get("publishes").asLong()).isEqualTo(2);
        JsonNode nodes = lobby.get("nodes");
        assertThat(nodes).hasSize(3);
        int connections = 0;
        long deliveries = 0;
        for (JsonNode n : nodes) {
            assertThat(n.get("node").asString()).matches("any-[0-9]");
            assertThat(n.get("object").asString())
                    .isEqualTo("lobby-" + n.get("node").asString());
            assertThat(n.get("state").asString()).isEqualTo("active");
            assertThat(n.get("connections").asInt()).isBetween(1, 2);
            // each subscriber got both messages on its node
            assertThat(n.get("deliveries").asLong())
                    .isEqualTo(2L * n.get("connections").asInt());
            connections += n.get("connections").asInt();
            deliveries += n.get("deliveries").asLong();
        }
        assertThat(connections).isEqualTo(5);
        assertThat(deliveries).isEqualTo(10);
        assertThat(lobby.get("deliveriesPerSecond").asDouble()).isPositive();

        JsonNode hall = rooms.get(1);
        assertThat(hall.get("binding").asString()).isEqualTo("FIXED");
        assertThat(hall.get("autoscaled").asBoolean()).isFalse();
        assertThat(hall.get("activeNodes").asInt()).isEqualTo(2);
        assertThat(hall.get("connections").asInt()).isEqualTo(2);
        long hallDeliveries = 0;
        for (JsonNode n : hall.get("nodes")) {
            hallDeliveries += n.get("deliveries").asLong();
        }
        assertThat(hallDeliveries).isEqualTo(2);

        // one room, and only one binding's rooms
        assertThat(get("/pubsub/BUS/lobby", 200).get("connections").asInt()).isEqualTo(5);
        assertThat(get("/pubsub?binding=FIXED", 200).get("rooms")).hasSize(1);
        assertThat(get("/pubsub/NOPE/lobby", 404).get("error").asString()).contains("No Durable Object binding");
    }
}
