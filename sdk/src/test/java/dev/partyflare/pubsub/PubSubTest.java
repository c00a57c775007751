package dev.partyflare.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocket;
import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** partysub on the emulator (SEMANTICS.md §9). */
class PubSubTest {
    Emulator emu;

    Emulator start(PubSubConfig config) {
        PubSub pubsub = PubSub.create(config);
        emu = Emulator.start(EmulatorOptions.builder()
                .workerName("pubsub-test")
                .worker((req, env, ctx) -> pubsub.route(req, env).orElseGet(() -> Response.text("Not found", 404)))
                .durableObject(config.binding, PubSubServer.class)
                .http(false)
                .build());
        return emu;
    }

    @AfterEach
    void stop() {
        if (emu != null) {
            emu.close();
        }
    }

    static final class Sub {
        final WebSocket ws;
        final BlockingQueue<Object> got = new LinkedBlockingQueue<>();

        Sub(Emulator emu, String path, String country) {
            Request.Builder b =
                    Request.builder("GET", "http://localhost" + path).header("upgrade", "websocket");
            if (country != null) {
                b.header("x-partyflare-country", country);
            }
            Response r = emu.fetch(b.build());
            if (r.status() != 101) {
                throw new AssertionError(r.status() + " " + r.text());
            }
            ws = r.webSocket().orElseThrow();
            ws.onMessage(m -> got.add(m.isText() ? m.asText() : m));
            ws.accept();
        }

        Object next() throws InterruptedException {
            Object o = got.poll(10, TimeUnit.SECONDS);
            if (o == null) {
                throw new AssertionError("nothing received within 10 s");
            }
            return o;
        }

        Object poll(long ms) throws InterruptedException {
            return got.poll(ms, TimeUnit.MILLISECONDS);
        }

        void publish(String topic, String data) {
            ws.send("{\"topic\":\"" + topic + "\",\"data\":\"" + data + "\"}");
        }
    }

    static String msg(String topic, String data) {
        return "{\"topic\":\"" + topic + "\",\"data\":\"" + data + "\"}";
    }

    @Test
    void topicFilteringMatrix() throws Exception {
        start(PubSubConfig.binding("PubSub"));
        Sub all = new Sub(emu, "/parties/pub-sub/room", null);
        Sub exact = new Sub(emu, "/parties/pub-sub/room?topics=news", null);
        Sub prefix = new Sub(emu, "/parties/pub-sub/room?topics=chat:*", null);
        Sub two = new Sub(emu, "/parties/pub-sub/room?topics=news,chat:*", null);
        Sub publisher = new Sub(emu, "/parties/pub-sub/room?topics=none", null);
        publisher.publish("news", "n1");
        publisher.publish("chat:general", "c1");
        publisher.publish("chatter", "x1");
        publisher.publish("other", "o1");
        assertThat(List.of(all.next(), all.next(), all.next(), all.next()))
                .containsExactly(
                        msg("news", "n1"), msg("chat:general", "c1"), msg("chatter", "x1"), msg("other", "o1"));
        assertThat(exact.next()).isEqualTo(msg("news", "n1"));
        assertThat(prefix.next()).isEqualTo(msg("chat:general", "c1"));
        // as in partysub, "chat:*" matches every topic that starts with "chat"
        assertThat(prefix.next()).isEqualTo(msg("chatter", "x1"));
        assertThat(two.next()).isEqualTo(msg("news", "n1"));
        assertThat(two.next()).isEqualTo(msg("chat:general", "c1")); // once, though two patterns could match
        assertThat(two.next()).isEqualTo(msg("chatter", "x1"));
        assertThat(exact.poll(50)).isNull();
        assertThat(prefix.poll(10)).isNull();
        assertThat(two.poll(10)).isNull();
        assertThat(publisher.poll(10)).isNull();
        assertThat(PubSubServer.matches(List.of("p:*"), "p:")).isTrue();
    }

    @Test
    void anUpperCaseBindingRoutesByTheSameKebabCaseAsServers() throws Exception {
        start(PubSubConfig.binding("MY_BUS"));
        Sub a = new Sub(emu, "/parties/my-bus/room", null);
        Sub b = new Sub(emu, "/parties/my-bus/room", null);
        a.publish("t", "hi");
        assertThat(b.next()).isEqualTo(msg("t", "hi"));
    }

    @Test
    void resubscribeReplacesTopics() throws Exception {
        start(PubSubConfig.binding("PubSub"));
        Sub s = new Sub(emu, "/parties/pub-sub/r?topics=a", null);
        s.ws.send("{\"__topics\":[\"b\"]}");
        Sub p = new Sub(emu, "/parties/pub-sub/r?topics=none", null);
        p.publish("a", "1");
        p.publish("b", "2");
        assertThat(s.next()).isEqualTo(msg("b", "2"));
    }

    @Test
    void postPublishes() throws Exception {
        start(PubSubConfig.binding("PubSub"));
        Sub s = new Sub(emu, "/parties/pub-sub/post", null);
        Response ok = emu.fetch(Request.builder("POST", "http://localhost/parties/pub-sub/post")
                .body("{\"topic\":\"t\",\"data\":\"d\"}")
                .build());
        assertThat(ok.text()).isEqualTo("OK");
        assertThat(s.next()).isEqualTo(msg("t", "d"));
        Response bad = emu.fetch(Request.builder("POST", "http://localhost/parties/pub-sub/post")
                .body("{\"topic\":\"t\"}")
                .build());
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.text()).isEqualTo("Invalid request");
        assertThat(emu.fetch(Request.builder("POST", "http://localhost/parties/pub-sub/post")
                                .body("not json")
                                .build())
                        .status())
                .isEqualTo(400);
        assertThat(emu.fetch("http://localhost/elsewhere").status()).isEqualTo(404);
    }

    @Test
    void hundredNodesDeliverEveryMessageOnceInPublisherOrder() throws Exception {
        start(PubSubConfig.binding("PubSub").nodes(100));
        List<Sub> subs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            subs.add(new Sub(emu, "/parties/pub-sub/big", null));
        }
        // they are spread over many nodes
        long nodesUsed =
                emu.objects().stream().filter(o -> o.hibernatableSockets() > 0).count();
        assertThat(nodesUsed).isGreaterThan(5);
        Sub publisher = subs.get(0);
        for (int i = 0; i < 10; i++) {
            publisher.publish("t", "m" + i);
        }
        for (Sub s : subs) {
            for (int i = 0; i < 10; i++) {
                assertThat(s.next()).isEqualTo(msg("t", "m" + i));
            }
        }
        for (Sub s : subs) {
            assertThat(s.poll(5)).isNull();
        }
    }

    /**
     * Two bindings of one class are one namespace, as on Cloudflare: two configurations on it would
     * share their rooms' objects, so the room refuses to guess which is its own.
     */
    @Test
    void twoConfigurationsOnOneClassAreRefusedWithAClearError() {
        PubSub a = PubSub.create(PubSubConfig.binding("SameA").nodes(2));
        PubSub b = PubSub.create(PubSubConfig.binding("SameB").nodes(3));
        emu = Emulator.start(EmulatorOptions.builder()
                .workerName("pubsub-test")
                .worker((req, env, ctx) ->
                        a.route(req, env).or(() -> b.route(req, env)).orElseGet(() -> Response.text("Not found", 404)))
                .durableObject("SameA", PubSubServer.class)
                .durableObject("SameB", PubSubServer.class)
                .http(false)
                .build());
        Response r =
                emu.fetch(Request.post("http://localhost/parties/same-a/room", "{\"topic\":\"t\",\"data\":\"d\"}"));
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.text())
                .contains("The pub/sub bindings SameA and SameB point at the same Durable Object class")
                .contains("subclass");
    }

    @Test
    void nodesArePlacedByWeightAndClientsGoToTheirLocation() throws Exception {
        PubSub p = PubSub.create(
                PubSubConfig.binding("Placed").nodes(8).location("weur", 1).location("wnam", 3));
        assertThat(p.nodesByLocation())
                .containsEntry("weur", List.of("weur-0", "weur-1"))
                .containsEntry("wnam", List.of("wnam-0", "wnam-1", "wnam-2", "wnam-3", "wnam-4", "wnam-5"));
        start(PubSubConfig.binding("Placed").nodes(8).location("weur", 1).location("wnam", 3));
        for (int i = 0; i < 10; i++) {
            new Sub(emu, "/parties/placed/geo", "DE");
        }
        assertThat(emu.objects()).allSatisfy(o -> {
            assertThat(o.location()).isEqualTo("weur");
            assertThat(o.name()).matches("geo-weur-[01]");
        });
        new Sub(emu, "/parties/placed/geo", "US");
        assertThat(emu.objects()).anySatisfy(o -> assertThat(o.location()).isEqualTo("wnam"));
        // a country without a node location falls back to a random node
        for (int i = 0; i < 5; i++) {
            new Sub(emu, "/parties/placed/geo", "JP");
        }
        assertThat(emu.objects()).allSatisfy(o -> assertThat(o.name()).matches("geo-(weur-[01]|wnam-[0-5])"));
    }

    @Test
    void configErrorsAreClear() {
        assertThatThrownBy(() -> PubSub.create(
                        PubSubConfig.binding("X").location("weur", 1).jurisdiction("eu")))
                .hasMessage("You can't specify both locations and jurisdiction");
        assertThatThrownBy(
                        () -> PubSub.create(PubSubConfig.binding("X").nodes(2).location("eu", 1)))
                .hasMessageContaining("Unknown location \"eu\"");
        assertThatThrownBy(() -> PubSubConfig.binding("X").nodes(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> PubSub.create(
                        PubSubConfig.binding("X").nodes(1).location("weur", 1).location("wnam", 1)))
                .hasMessageContaining("must be at least the number of locations");
    }

    @Test
    void hibernatedNodesStillDeliver() throws Exception {
        start(PubSubConfig.binding("PubSub").nodes(3));
        List<Sub> subs = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            subs.add(new Sub(emu, "/parties/pub-sub/hib?topics=x", null));
        }
        for (var stub : emu.objects()) {
            emu.hibernate(emu.namespace("PubSub").get(emu.namespace("PubSub").idFromString(stub.id())));
        }
        assertThat(emu.objects()).allSatisfy(o -> assertThat(o.state()).isEqualTo("hibernated"));
        subs.get(0).publish("x", "after");
        for (Sub s : subs) {
            assertThat(s.next()).isEqualTo(msg("x", "after"));
        }
    }

    @Test
    void skipSelfBinaryAndRateLimit() throws Exception {
        start(PubSubConfig.binding("PubSub").skipSelf(true).binaryPayloads(true).rateLimit(2));
        Sub a = new Sub(emu, "/parties/pub-sub/opts", null);
        Sub b = new Sub(emu, "/parties/pub-sub/opts", null);
        a.publish("t", "1");
        assertThat(b.next()).isEqualTo(msg("t", "1"));
        assertThat(a.poll(50)).isNull(); // skip-self
        byte[] topic = "bin".getBytes(StandardCharsets.UTF_8);
        byte[] frame = ByteBuffer.allocate(2 + topic.length + 3)
                .putShort((short) topic.length)
                .put(topic)
                .put(new byte[] {1, 2, 3})
                .array();
        a.ws.send(frame);
        assertThat(((WebSocketMessage.Binary) b.next()).bytes()).containsExactly(frame);
        a.publish("t", "3"); // third message within the same second
        assertThat(a.next()).asString().contains("Rate limit exceeded: at most 2 messages per second");
    }

    @Test
    void atLeastOnceRedeliversUntilAcknowledged() throws Exception {
        start(PubSubConfig.binding("PubSub").atLeastOnce(true));
        Sub s = new Sub(emu, "/parties/pub-sub/ack?_pk=sub1&ack=1", null);
        Sub p = new Sub(emu, "/parties/pub-sub/ack?_pk=pub&topics=none", null);
        p.publish("t", "one");
        p.publish("t", "two");
        Map<?, ?> first = Request.post("http://x", (String) s.next()).json(Map.class);
        Map<?, ?> second = Request.post("http://x", (String) s.next()).json(Map.class);
        assertThat(first.get("data")).isEqualTo("one");
        assertThat(second.get("data")).isEqualTo("two");
        s.ws.send("{\"__ack\":\"" + String.format("%019d", ((Number) first.get("id")).longValue()) + "\"}");
        p.publish("t", "sync"); // the ack was handled before this (same object, in order)
        s.next();
        s.ws.close(1000, "bye");
        Sub again = new Sub(emu, "/parties/pub-sub/ack?_pk=sub1&ack=1", null);
        Object redelivered = again.next();
        assertThat(redelivered).asString().contains("\"two\"");
    }
}
