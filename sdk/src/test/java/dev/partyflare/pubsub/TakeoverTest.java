package dev.partyflare.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A takeover in which the old node kept nothing for the subscriber (commit fd05ae6): the subscriber
 * starts afresh on the new node and gets what the new node processed after it arrived, however far
 * the old node had got.
 *
 * <p>Subscriber {@code b} is moved off a retiring node X and stays away longer than the move timeout,
 * so X forgets it; X stays in the room (draining) because it keeps an away at-least-once session.
 * When {@code b} comes back, the coordinator still sends it on with "from X", and the new node Y
 * asks X for what it kept: nothing, at X's position P. Y is held busy while {@code b}'s connection
 * and then the next publish m2 queue at it, and X processes m2 meanwhile, so P is m2 while Y's
 * arrival position V is m1: Y holds m2 back during the takeover. Taking P as what {@code b} had
 * covered (the bug) drops m2; starting at V delivers it.
 */
class TakeoverTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String PATH = "/parties/bus/lobby?topics=t";
    static final Pattern POSITION = Pattern.compile("position=(\\d+)");

    Emulator emu;
    PubSub pubsub;

    @AfterEach
    void stop() {
        if (emu != null) {
            emu.close();
        }
    }

    static void await(String what, BooleanSupplier condition) {
        RealTimeWait.await(what, WAIT, condition);
    }

    DurableObjectStub node(String id) {
        return emu.namespace("Bus").getByName("lobby-" + id);
    }

    String describe(String id) {
        return emu.<PubSubServer, String>runInDurableObject(node(id), (server, ctx) -> server.describe());
    }

    long position(String id) {
        Matcher m = POSITION.matcher(describe(id));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    void post(String data) {
        Response r = emu.fetch(Request.builder("POST", "http://localhost/parties/bus/lobby")
                .body("{\"topic\":\"t\",\"data\":\"" + data + "\"}")
                .build());
        assertThat(r.text()).isEqualTo("OK");
    }

    NodeMetrics.State stateOf(String id) {
        return pubsub.metrics(emu.env(), "lobby").nodes().stream()
                .filter(n -> n.node().equals(id))
                .map(NodeMetrics::state)
                .findFirst()
                .orElse(null);
    }

    @Test
    void aSubscriberTheOldNodeKeptNothingForGetsWhatArrivesDuringItsTakeover() throws Exception {
        pubsub = PubSub.create(PubSubConfig.binding("Bus")
                .atLeastOnce(true)
                .autoscale(Autoscaling.targetPerNode(4, 0)
                        .nodes(1, 2)
                        .scaleDownBelow(0.9)
                        .scaleDownAfter(Duration.ofSeconds(10))
                        .moveTimeout(Duration.ofSeconds(5))
                        .sessionExpiry(Duration.ofMinutes(10))));
        PubSub p = pubsub;
        emu = Emulator.start(EmulatorOptions.builder()
                .workerName("takeover-test")
                .worker((req, env, ctx) -> p.route(req, env).orElseGet(() -> Response.text("Not found", 404)))
                .durableObject("Bus", PubSubServer.class)
                .http(false)
                .manualClock(1_000_000)
                .build());

        // X (any-0) fills up with a, b, e, f; c and d go to Y (any-1), added for the fifth
        Subscriber a = new Subscriber(emu, PATH, "a", true, false); // at least once: its session outlives it
        Subscriber b = new Subscriber(emu, PATH, "b", false, false); // stays away when moved
        Subscriber e = new Subscriber(emu, PATH, "e", false, false);
        Subscriber f = new Subscriber(emu, PATH, "f", false, false);
        Subscriber c = new Subscriber(emu, PATH, "c", false, false);
        Subscriber d = new Subscriber(emu, PATH, "d", false, false);
        RoomMetrics grown = pubsub.metrics(emu.env(), "lobby");
        assertThat(grown.activeNodes()).extracting(NodeMetrics::node).containsExactly("any-0", "any-1");
        assertThat(grown.activeNodes()).extracting(NodeMetrics::connections).containsExactly(4, 2);

        // a goes away (X keeps its session for 10 min), e and f leave: 3 connections fit in one node,
        // X has fewer, so X is retired and b moved off it
        a.leave();
        e.leave();
        f.leave();
        for (int i = 0; i < 40 && stateOf("any-0") != NodeMetrics.State.DRAINING; i++) {
            emu.time().advance(Duration.ofSeconds(1));
        }
        assertThat(stateOf("any-0")).isEqualTo(NodeMetrics.State.DRAINING);
        await("b moved", () -> b.moves.get() == 1 && b.isDisconnected());

        // b stays away past the move timeout: X forgets it, but stays (a's session) and still gets
        // every publish
        emu.time().advance(Duration.ofSeconds(6));
        await("X forgot b", () -> describe("any-0").lines().noneMatch(l -> l.startsWith("    b ")));
        assertThat(describe("any-0")).contains("\n    a ");
        assertThat(stateOf("any-0")).isEqualTo(NodeMetrics.State.DRAINING);

        post("m1");
        await("c and d got m1", () -> c.has("m1") && d.has("m1"));
        long m1 = position("any-1");
        await("X processed m1", () -> position("any-0") == m1);

        // Y busy: b's connection queues there, then the delivery of m2, which X processes at once
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread busy = Thread.ofVirtual()
                .start(() -> emu.<PubSubServer, Void>runInDurableObject(node("any-1"), (s, ctx) -> {
                    entered.countDown();
                    release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    return null;
                }));
        assertThat(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        Thread comingBack = Thread.ofVirtual().start(b::reconnect);
        await(
                "b's connection queued at Y",
                () -> emu.object(node("any-1"))
                        .map(o -> o.blockers().contains("2 event(s) in flight"))
                        .orElse(false));
        post("m2");
        await("X processed m2", () -> position("any-0") == m1 + 1);
        release.countDown();
        busy.join(WAIT.toMillis());
        comingBack.join(WAIT.toMillis());
        assertThat(comingBack.isAlive()).isFalse();

        post("m3");
        await("b got m3", () -> b.has("m3"));
        await("c got m3", () -> c.has("m3"));
        // m2 was accepted after b was placed on Y: it is owed, once, before m3; m1 was not
        assertThat(b.data()).containsExactly("m2", "m3");
        assertThat(c.data()).containsExactly("m1", "m2", "m3");
    }
}
