package dev.partyflare.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.client.PartySocket;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Java {@link PartySocket} over real sockets (127.0.0.1) follows a move: its node is retired, it
 * gets the move hint and a 1012 close, reconnects to the same URL with the same {@code _pk}, and, in
 * the at-least-once mode (acknowledging each id, dropping ids it has seen), gets every message
 * acknowledged to the publisher, in order, though publishes kept coming during the move.
 */
class PartySocketMoveTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final HttpClient HTTP = HttpClient.newHttpClient();

    Emulator emu;
    PubSub pubsub;
    final List<PartySocket> sockets = new ArrayList<>();

    @AfterEach
    void stop() {
        sockets.forEach(PartySocket::close);
        if (emu != null) {
            emu.close();
        }
    }

    static void await(String what, BooleanSupplier condition) {
        RealTimeWait.await(what, WAIT, condition);
    }

    String host() {
        return "127.0.0.1:" + emu.port();
    }

    PartySocket.Builder socket(String id) {
        return PartySocket.builder(host())
                .party("bus")
                .room("moving")
                .id(id)
                .reconnect(Duration.ofMillis(20), Duration.ofMillis(200), 1.3);
    }

    RoomMetrics metrics() {
        return pubsub.metrics(emu.env(), "moving");
    }

    List<Integer> connectionsPerNode() {
        return metrics().activeNodes().stream().map(NodeMetrics::connections).toList();
    }

    NodeMetrics.State stateOf(String node) {
        return metrics().nodes().stream()
                .filter(n -> n.node().equals(node))
                .map(NodeMetrics::state)
                .findFirst()
                .orElse(null);
    }

    @Test
    void aMovedPartySocketReconnectsAndLosesNothingAtLeastOnce() throws Exception {
        pubsub = PubSub.create(PubSubConfig.binding("Bus")
                .atLeastOnce(true)
                .autoscale(Autoscaling.targetPerNode(4, 0)
                        .nodes(1, 2)
                        .scaleDownBelow(0.9)
                        .scaleDownAfter(Duration.ofSeconds(10))));
        PubSub p = pubsub;
        emu = Emulator.start(EmulatorOptions.builder()
                .workerName("partysocket-move")
                .worker((req, env, ctx) -> p.route(req, env).orElseGet(() -> Response.text("Not found", 404)))
                .durableObject("Bus", PubSubServer.class)
                .manualClock(1_000_000)
                .build());

        // the subscriber: acknowledges every message, drops ids it has seen
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        AtomicLong lastId = new AtomicLong();
        AtomicInteger hints = new AtomicInteger();
        List<Integer> closes = Collections.synchronizedList(new ArrayList<>());
        PartySocket[] self = new PartySocket[1];
        self[0] = socket("sub")
                .query("topics", "t")
                .query("ack", "1")
                .onMessage(text -> {
                    Map<?, ?> m = Request.post("http://json/", text).json(Map.class);
                    if (m.containsKey("__move")) {
                        hints.incrementAndGet();
                        return;
                    }
                    long id = ((Number) m.get("id")).longValue();
                    if (id > lastId.get()) {
                        lastId.set(id);
                        got.add(String.valueOf(m.get("data")));
                    }
                    self[0].send("{\"__ack\":" + id + "}");
                })
                .onClose(c -> closes.add(c.code()))
                .connect();
        PartySocket sub = self[0];
        sockets.add(sub);
        await("the subscriber placed", () -> metrics().connections() == 1);
        // three more fill its node (any-0); two more go to a second node (any-1)
        List<PartySocket> others = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            PartySocket o = socket("o" + i).query("topics", "none").connect();
            others.add(o);
            sockets.add(o);
            int n = i + 2;
            await(n + " connections", () -> metrics().connections() == n);
        }
        assertThat(connectionsPerNode()).containsExactly(4, 2);

        // publishes by POST all along; those answered OK are owed to the subscriber
        List<Integer> acknowledged = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger attempted = new AtomicInteger();
        var stopPublishing = new java.util.concurrent.atomic.AtomicBoolean();
        // held by the test while it moves the clock: advancing waits for the runtime to settle,
        // which a publish arriving at every moment could keep from happening
        var clockTurn = new java.util.concurrent.locks.ReentrantLock();
        Thread publisher = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 5_000 && !stopPublishing.get(); i++) {
                attempted.incrementAndGet();
                clockTurn.lock();
                try {
                    HttpResponse<String> r = HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://" + host() + "/parties/bus/moving"))
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"topic\":\"t\",\"data\":\"p" + i + "\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200 && r.body().equals("OK")) {
                        acknowledged.add(i);
                    }
                } catch (java.io.IOException e) {
                    // not acknowledged: not owed
                } catch (InterruptedException e) {
                    return;
                } finally {
                    clockTurn.unlock();
                }
            }
        });
        await("publishing", () -> acknowledged.size() >= 20);

        // three leave its node: 3 connections fit in one node and its node is the emptier one, so it
        // is retired and the subscriber moved while the publishes keep coming
        for (int i = 0; i < 3; i++) {
            others.get(i).close();
        }
        await("their node down to the subscriber", () -> connectionsPerNode().equals(List.of(1, 2)));
        for (int i = 0; i < 40 && stateOf("any-0") == NodeMetrics.State.ACTIVE; i++) {
            clockTurn.lock();
            try {
                emu.time().advance(Duration.ofSeconds(1));
            } finally {
                clockTurn.unlock();
            }
        }
        assertThat(stateOf("any-0")).isNotEqualTo(NodeMetrics.State.ACTIVE);
        await("the subscriber reconnected", () -> sub.connections() == 2);
        int afterMove = acknowledged.size();
        await("publishes after the move", () -> acknowledged.size() >= afterMove + 20);
        stopPublishing.set(true);
        publisher.join(WAIT.toMillis());
        assertThat(publisher.isAlive()).isFalse();

        assertThat(hints.get()).as("move hints").isEqualTo(1);
        assertThat(closes).as("closes the client saw").containsExactly(1012);
        assertThat(metrics().activeNodes()).extracting(NodeMetrics::node).containsExactly("any-1");
        List<String> owed = acknowledged.stream().map(i -> "p" + i).toList();
        String last = owed.getLast();
        await("the subscriber got " + last, () -> got.contains(last));
        // every acknowledged publish, once, in order (a publish that was not acknowledged may be
        // there too: it may have been ordered before its answer was lost)
        List<String> gotOwed = new ArrayList<>(got);
        gotOwed.retainAll(owed);
        assertThat(gotOwed).isEqualTo(owed);
        assertThat(got).doesNotHaveDuplicates();
        System.out.printf(
                "PartySocket move: %d publishes acknowledged (%d attempted), %d received, moved once%n",
                owed.size(), attempted.get(), got.size());
    }
}
