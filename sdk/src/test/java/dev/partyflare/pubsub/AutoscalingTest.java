package dev.partyflare.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** partysub's autoscaling: nodes per room that grow and shrink with load. */
class AutoscalingTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    Emulator emu;
    PubSub pubsub;

    Emulator start(PubSubConfig config) {
        pubsub = PubSub.create(config);
        PubSub p = pubsub;
        emu = Emulator.start(EmulatorOptions.builder()
                .workerName("autoscaling-test")
                .worker((req, env, ctx) -> p.route(req, env).orElseGet(() -> Response.text("Not found", 404)))
                .durableObject(config.binding, PubSubServer.class)
                .http(false)
                .manualClock(1_000_000)
                .build());
        return emu;
    }

    @AfterEach
    void stop() {
        if (emu != null) {
            emu.close();
        }
    }

    /** Waits (in real time, bounded) for what the emulator does on its own threads. */
    static void await(String what, BooleanSupplier condition) {
        RealTimeWait.await(what, WAIT, condition);
    }

    /**
     * Advances the runtime clock a second at a time until {@code condition} holds (waiting briefly in
     * real time after each step for the events the step started), at most {@code maxSeconds}.
     */
    void advanceUntil(String what, int maxSeconds, BooleanSupplier condition) {
        advanceUntil(what, maxSeconds, condition, () -> {});
    }

    /** The same, running {@code eachStep} before each step of the clock. */
    void advanceUntil(String what, int maxSeconds, BooleanSupplier condition, Runnable eachStep) {
        for (int i = 0; i <= maxSeconds; i++) {
            eachStep.run();
            long settle = System.nanoTime() + Duration.ofMillis(15).toNanos();
            while (System.nanoTime() < settle) {
                if (condition.getAsBoolean()) {
                    return;
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
            emu.time().advance(Duration.ofSeconds(1));
        }
        throw new AssertionError(
                "Not reached within " + maxSeconds + " s of runtime clock: " + what + "; " + diagnostics());
    }

    /** What the test's failure message shows: every object and the rooms' metrics. */
    String diagnostics() {
        StringBuilder b = new StringBuilder();
        for (var o : emu.objects()) {
            b.append("\n  ")
                    .append(o.name())
                    .append(' ')
                    .append(o.state())
                    .append(" sockets=")
                    .append(o.hibernatableSockets());
            pubsub.roomOf(o.name())
                    .filter(r -> o.name().endsWith("-coordinator"))
                    .ifPresent(r -> {
                        RoomMetrics m = metrics(r);
                        b.append("\n    ").append(m);
                        for (NodeMetrics n : m.nodes()) {
                            b.append("\n    ")
                                    .append(n.node())
                                    .append(": ")
                                    .append(pubsub.rpc(emu.env(), r + "-" + n.node(), null)
                                            .stats());
                        }
                    });
        }
        return b.toString();
    }

    /**
     * Publishes a few messages per step of the runtime clock: by POST (counted when OK) and over a
     * socket. In step with the clock, not free-running on another thread: settled time waits for the
     * runtime to be quiet before it moves the clock, and a publisher that never pauses (its socket
     * publish still in flight when its next POST arrives) kept a busy machine from ever being quiet
     * (NotSettledException after 10 s).
     */
    final class Publishing {
        private final List<String> posted = new ArrayList<>();
        private final String room;
        private final Subscriber socketPublisher;
        private int next;

        Publishing(String room, Subscriber socketPublisher) {
            this.room = room;
            this.socketPublisher = socketPublisher;
        }

        void step() {
            for (int k = 0; k < 3; k++) {
                int i = next++;
                post(room, "t", "p" + i);
                posted.add("p" + i);
                if (socketPublisher != null) {
                    socketPublisher.publish("t", "w" + i);
                }
            }
        }

        List<String> posted() {
            return List.copyOf(posted);
        }
    }

    /**
     * What the socket publisher sent (data {@code w<n>}): a message that reached one of {@code subs}
     * (all subscribed before it was sent) reached all of them, in the order it was sent.
     */
    static void assertSameSocketPublishesInOrder(List<Subscriber> subs) {
        java.util.Set<String> union = new java.util.TreeSet<>();
        for (Subscriber s : subs) {
            s.data().stream().filter(d -> d.startsWith("w")).forEach(union::add);
        }
        assertThat(union).isNotEmpty();
        List<String> inOrder = union.stream()
                .sorted(java.util.Comparator.comparingInt(d -> Integer.parseInt(d.substring(1))))
                .toList();
        for (Subscriber s : subs) {
            await(
                    s + " got the socket publishes",
                    () -> s.data().stream().filter(d -> d.startsWith("w")).count() >= inOrder.size());
            assertThat(s.data().stream().filter(d -> d.startsWith("w")).toList())
                    .as(s.toString())
                    .isEqualTo(inOrder);
        }
    }

    void post(String room, String topic, String data) {
        Response r = emu.fetch(Request.builder("POST", "http://localhost/parties/bus/" + room)
                .body("{\"topic\":\"" + topic + "\",\"data\":\"" + data + "\"}")
                .build());
        assertThat(r.text()).isEqualTo("OK");
    }

    RoomMetrics metrics(String room) {
        return pubsub.metrics(emu.env(), room);
    }

    @Test
    void configErrorsAreClear() {
        assertThatThrownBy(() -> Autoscaling.targetPerNode(0, 0)).hasMessageContaining("Set a target per node");
        assertThatThrownBy(() -> Autoscaling.targetPerNode(10, 0).nodes(3, 2))
                .hasMessageContaining("must not be below the minimum");
        assertThatThrownBy(() -> Autoscaling.targetPerNode(10, 0).nodes(0, 2)).hasMessageContaining("at least 1");
        assertThatThrownBy(() ->
                        PubSub.create(PubSubConfig.binding("X").nodes(3).autoscale(Autoscaling.targetPerNode(10, 0))))
                .hasMessageContaining("use Autoscaling.nodes(min, max)");
        assertThatThrownBy(() -> PubSub.create(
                        PubSubConfig.binding("X").location("weur", 1).autoscale(Autoscaling.targetPerNode(10, 0))))
                .hasMessageContaining("Autoscaling.location(\"weur\", min, max)");
        assertThatThrownBy(() -> PubSub.create(PubSubConfig.binding("X")
                        .autoscale(Autoscaling.targetPerNode(10, 0).location("eu", 1, 2))))
                .hasMessageContaining("Unknown location \"eu\"");
        assertThatThrownBy(() -> PubSub.create(PubSubConfig.binding("X")
                        .jurisdiction("eu")
                        .autoscale(Autoscaling.targetPerNode(10, 0).location("weur", 1, 2))))
                .hasMessage("You can't specify both locations and jurisdiction");
    }

    @Test
    void nodesAreAddedAsConnectionsPassTheTargetAndEveryNodeGetsEveryPublish() {
        start(PubSubConfig.binding("Bus")
                .autoscale(Autoscaling.targetPerNode(10, 0).nodes(1, 5)));
        List<Subscriber> subs = new ArrayList<>();
        for (int i = 0; i < 35; i++) {
            subs.add(new Subscriber(emu, "/parties/bus/grow?topics=t", "s" + i, false, true));
        }
        RoomMetrics m = metrics("grow");
        assertThat(m.activeNodes()).hasSize(4);
        assertThat(m.nodes()).extracting(NodeMetrics::node).containsExactly("any-0", "any-1", "any-2", "any-3");
        assertThat(m.nodes()).extracting(NodeMetrics::connections).containsExactly(10, 10, 10, 5);
        for (int i = 0; i < 20; i++) {
            post("grow", "t", "m" + i);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("m" + i);
        }
        for (Subscriber s : subs) {
            await(s + " got 20", () -> s.count() >= 20);
            assertThat(s.data()).containsExactlyElementsOf(expected);
        }
        // no more than the maximum, however many connect
        for (int i = 35; i < 70; i++) {
            subs.add(new Subscriber(emu, "/parties/bus/grow?topics=t", "s" + i, false, true));
        }
        assertThat(metrics("grow").activeNodes()).hasSize(5);
    }

    @Test
    void retiredNodesMoveTheirSubscribersWithoutLosingOrReorderingAMessage() {
        start(PubSubConfig.binding("Bus")
                .atLeastOnce(true)
                .autoscale(Autoscaling.targetPerNode(10, 0)
                        .nodes(1, 5)
                        .scaleDownAfter(Duration.ofSeconds(10))
                        .sessionExpiry(Duration.ofSeconds(15))));
        List<Subscriber> subs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            subs.add(new Subscriber(emu, "/parties/bus/shrink?topics=t", "s" + i, i % 2 == 0, true));
        }
        Subscriber publisher = new Subscriber(emu, "/parties/bus/shrink?topics=none", "pub", false, true);
        assertThat(metrics("shrink").activeNodes()).hasSize(5);
        List<Subscriber> staying = new ArrayList<>();
        for (int i = 0; i < subs.size(); i++) {
            if (i % 4 == 0) {
                staying.add(subs.get(i));
            } else {
                subs.get(i).leave();
            }
        }
        // publishes keep coming, by HTTP and over a socket, while nodes are retired and their
        // subscribers move
        Publishing publishing = new Publishing("shrink", publisher);
        // 10 subscribers and a publisher fit in 2 nodes at 70 % of 10 each: 3 of 5 nodes are retired
        advanceUntil("two nodes left", 120, () -> metrics("shrink").nodes().size() == 2, publishing::step);
        // the condition can hold while the last step's socket publishes are still on their way (they have no
        // acknowledgement): settle them before asking who got what (a union taken earlier missed two, once)
        emu.time().runUntilIdle();
        List<String> posted = publishing.posted();
        assertThat(metrics("shrink").activeNodes()).hasSize(2);
        assertThat(staying.stream().mapToInt(s -> s.moves.get()).sum()).isPositive();
        for (Subscriber s : staying) {
            await(
                    s + " got everything",
                    () -> s.data().stream().filter(d -> d.startsWith("p")).count() >= posted.size());
            List<String> fromPost =
                    s.data().stream().filter(d -> d.startsWith("p")).toList();
            assertThat(fromPost).as(s.toString()).containsExactlyElementsOf(posted);
        }
        assertSameSocketPublishesInOrder(staying);
    }
}
