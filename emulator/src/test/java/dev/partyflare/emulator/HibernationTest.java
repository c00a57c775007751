package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.WebSocket;
import dev.partyflare.fixtures.Hib;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The hibernatable WebSocket API and the object lifecycle (SEMANTICS.md §4, §5; probes §7–9). */
class HibernationTest {
    Emulator emu;

    @BeforeEach
    void start() {
        emu = TestEmulators.inProcess();
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    DurableObjectStub stub(String name) {
        return emu.namespace("HIB").getByName(name);
    }

    String hex(String name) {
        return emu.namespace("HIB").idFromName(name).toString();
    }

    InProcessSocket connect(String name, String query) {
        return InProcessSocket.connect(emu, "http://x/do/HIB/" + name + "/ws" + query);
    }

    /** Waits (bounded) until nothing pins the object. */
    void awaitNoBlockers(DurableObjectStub s) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!emu.hibernationBlockers(s).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(emu.hibernationBlockers(s)).isEmpty();
    }

    @Test
    void tagsAreValidatedDeduplicatedAndFiltered() throws Exception {
        InProcessSocket a = connect("tags", "?tags=red,blue,red");
        assertThat(a.request("info")).isEqualTo("ctor=1 mem=1 sockets=1 tags=[red, blue]");
        connect("tags", "?tags=blue");
        connect("tags", "?tags=,");
        assertThat(emu.fetch("http://x/do/HIB/tags/count?tag=blue").text()).isEqualTo("2");
        assertThat(emu.fetch("http://x/do/HIB/tags/count?tag=red").text()).isEqualTo("1");
        assertThat(emu.fetch("http://x/do/HIB/tags/count?tag=").text()).isEqualTo("1");
        assertThat(emu.fetch("http://x/do/HIB/tags/count").text()).isEqualTo("3");

        String eleven = "1,2,3,4,5,6,7,8,9,10,11";
        var r = emu.fetch("http://x/do/HIB/tags/ws?tags=" + eleven + "&catch=1");
        assertThat(r.text()).contains("a Hibernatable WebSocket cannot have more than 10 tags");
        assertThat(connect("tags10", "?tags=1,2,3,4,5,6,7,8,9,10").request("count"))
                .isEqualTo("count=1");
        assertThat(emu.fetch("http://x/do/HIB/tags/ws?tags=" + "a".repeat(257) + "&catch=1")
                        .text())
                .contains("\\\"" + "a".repeat(257) + "\\\" is longer than the max tag length (256 characters).");
        assertThat(emu.fetch("http://x/do/HIB/tags/ws?tags=" + "%C3%A9".repeat(129) + "&catch=1")
                        .text())
                .contains("is longer than the max tag length (256 characters).");
        assertThat(connect("tags256", "?tags=" + "a".repeat(256)).request("count"))
                .isEqualTo("count=1");
    }

    @Test
    void closedSocketsLeaveGetWebSockets() throws Exception {
        InProcessSocket a = connect("closed", "");
        InProcessSocket b = connect("closed", "");
        assertThat(b.request("count")).isEqualTo("count=2");
        a.ws.close(4000, "bye");
        assertThat(a.next()).isEqualTo(new WebSocket.CloseEvent(4000, "bye", true));
        assertThat(b.request("count")).isEqualTo("count=1");
        assertThat(Hib.events(hex("closed"))).contains("close 4000 bye true state=2");
    }

    @Test
    void hibernationDropsFieldsAndKeepsSocketsTagsAndAttachments() throws Exception {
        InProcessSocket s = connect("hib", "?tags=t1");
        assertThat(s.request("echo")).isEqualTo("echo:echo mem=1");
        assertThat(s.request("attach:kept across hibernation")).isEqualTo("attached");
        awaitNoBlockers(stub("hib")); // the event that sent the reply may still be finishing
        emu.hibernate(stub("hib"));
        assertThat(emu.objects()).anySatisfy(o -> {
            assertThat(o.id()).isEqualTo(hex("hib"));
            assertThat(o.state()).isEqualTo("hibernated");
            assertThat(o.hibernatableSockets()).isEqualTo(1);
        });
        assertThat(Hib.ctor(hex("hib"))).isEqualTo(1);
        // the next message wakes a new instance: constructor again, fields lost, tags and attachment kept
        assertThat(s.request("info")).isEqualTo("ctor=2 mem=1 sockets=1 tags=[t1]");
        assertThat(s.request("attachment")).isEqualTo("attachment=kept across hibernation");
    }

    @Test
    void messagesArrivingDuringWakeUpAreProcessedInOrder() throws Exception {
        InProcessSocket s = connect("order", "");
        s.request("x");
        emu.hibernate(stub("order"));
        for (int i = 0; i < 100; i++) {
            s.ws.send("m" + i);
        }
        for (int i = 0; i < 100; i++) {
            assertThat(s.nextText()).isEqualTo("echo:m" + i + " mem=" + (i + 1));
        }
        assertThat(Hib.ctor(hex("order"))).isEqualTo(2);
    }

    @Test
    void autoResponseAnswersWithoutWakingTheObject() throws Exception {
        InProcessSocket s = connect("auto", "");
        emu.fetch("http://x/do/HIB/auto/auto");
        assertThat(s.request("ts")).isEqualTo("ts=null");
        emu.hibernate(stub("auto"));
        emu.time().advance(Duration.ofSeconds(3));
        long at = emu.time().now().toEpochMilli();
        assertThat(s.request("ping")).isEqualTo("pong");
        assertThat(s.request("ping")).isEqualTo("pong");
        assertThat(Hib.ctor(hex("auto"))).isEqualTo(1); // not woken
        for (String near : new String[] {"PING", "ping ", "pingping", ""}) {
            assertThat(s.request(near)).startsWith("echo:" + near);
        }
        assertThat(Hib.ctor(hex("auto"))).isEqualTo(2);
        assertThat(s.request("ts")).isEqualTo("ts=" + at);
        s.ws.send("ping".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(s.next()).isInstanceOf(dev.partyflare.durable.WebSocketMessage.Binary.class);
    }

    @Test
    void attachmentLimitBoundaryAndBadValues() throws Exception {
        InProcessSocket s = connect("attach", "");
        // sized as V8 serializes it: a 2-byte header, a tag and a 2-byte varint length, then one byte
        // per Latin-1 character
        assertThat(s.request("attach:" + "a".repeat(2043))).isEqualTo("attached");
        assertThat(s.request("attach:" + "a".repeat(2044)))
                .isEqualTo(
                        "error: A WebSocket 'attachment' cannot be larger than 2048 bytes.'attachment' was 2049 bytes.");
        assertThat(s.request("attachment")).isEqualTo("attachment=" + "a".repeat(2043));
        // a two-byte string: two bytes per character, after a padding byte that aligns them
        assertThat(s.request("attach:" + "€".repeat(1021))).isEqualTo("attached");
        assertThat(s.request("attach:" + "€".repeat(1022)))
                .isEqualTo(
                        "error: A WebSocket 'attachment' cannot be larger than 2048 bytes.'attachment' was 2050 bytes.");
        // é is Latin-1: one byte each in V8 (two in UTF-8 JSON)
        assertThat(s.request("attach:" + "é".repeat(2043))).isEqualTo("attached");
        assertThat(s.request("attach-object")).startsWith("error: Could not serialize object of type \"Object\"");
        assertThat(s.request("attachment")).isEqualTo("attachment=" + "é".repeat(2043));

        try (Emulator prod = Emulator.start(
                TestEmulators.probe().http(false).attachmentLimit(16_384).build())) {
            InProcessSocket p = InProcessSocket.connect(prod, "http://x/do/HIB/attach16/ws");
            // Cloudflare's figure: 16,379 characters is the longest string that fits
            assertThat(p.request("attach:" + "a".repeat(16_379))).isEqualTo("attached");
            assertThat(p.request("attach:" + "a".repeat(16_380)))
                    .isEqualTo(
                            "error: A WebSocket 'attachment' cannot be larger than 16384 bytes.'attachment' was 16385 bytes.");
        }
    }

    @Test
    void pendingTimerOrStandardSocketPreventsHibernation() throws Exception {
        InProcessSocket s = connect("timer", "");
        s.request("x");
        emu.fetch("http://x/do/HIB/timer/timer");
        assertThat(emu.hibernationBlockers(stub("timer")))
                .anySatisfy(w -> assertThat(w).contains("timer(s) pending"));
        assertThatThrownBy(() -> emu.hibernate(stub("timer"))).hasMessageContaining("timer(s) pending");
        emu.time().advance(Duration.ofSeconds(5)); // the timer fires
        awaitNoBlockers(stub("timer")); // its event ran (on its own thread) and ended
        emu.time().advance(Duration.ofSeconds(9));
        assertThat(Hib.ctor(hex("timer"))).isEqualTo(1);
        emu.time().advance(Duration.ofSeconds(2)); // 10 s after the timer's event: hibernated
        assertThat(s.request("info")).startsWith("ctor=2");

        InProcessSocket std = InProcessSocket.connect(emu, "http://x/do/HIB/std/ws-std");
        assertThat(std.request("a")).isEqualTo("std:a");
        assertThat(emu.hibernationBlockers(stub("std")))
                .anySatisfy(w -> assertThat(w).contains("standard (non-hibernatable) WebSocket"));
        emu.time().advance(Duration.ofSeconds(130));
        assertThat(std.request("b")).isEqualTo("std:b");
        assertThat(Hib.ctor(hex("std"))).isEqualTo(1); // an open standard socket pins the object
    }

    @Test
    void idleObjectsAreEvictedAfterTenSeconds() {
        emu.fetch("http://x/do/HIB/idle/count");
        emu.time().advance(Duration.ofMillis(9_900));
        emu.fetch("http://x/do/HIB/idle/count");
        assertThat(Hib.ctor(hex("idle"))).isEqualTo(1);
        emu.time().advance(Duration.ofSeconds(10));
        emu.fetch("http://x/do/HIB/idle/count");
        assertThat(Hib.ctor(hex("idle"))).isEqualTo(2);
    }

    @Test
    void aResetDropsEverySocketWithoutCloseFrame() throws Exception {
        InProcessSocket hib = connect("reset", "");
        hib.request("x");
        InProcessSocket std = InProcessSocket.connect(emu, "http://x/do/HIB/reset/ws-std");
        std.request("y");
        @SuppressWarnings("unchecked")
        Map<String, Object> err =
                emu.fetch("http://x/do/HIB/reset/abort?catch=1").json(Map.class);
        assertThat(err).containsEntry("message", "hib reset").containsEntry("reset", true);
        assertThat(hib.next())
                .isEqualTo(
                        new WebSocket.CloseEvent(1006, "WebSocket disconnected without sending Close frame.", false));
        assertThat(std.next())
                .isEqualTo(
                        new WebSocket.CloseEvent(1006, "WebSocket disconnected without sending Close frame.", false));
        assertThat(emu.fetch("http://x/do/HIB/reset/count").text()).isEqualTo("0");
    }

    @Test
    void badUsesAreClearErrors() throws Exception {
        InProcessSocket s = connect("bad", "");
        assertThat(s.request("accept-again"))
                .isEqualTo(
                        "error: Cannot call `acceptWebSocket()` if the WebSocket was already accepted via `accept()`");
        assertThat(s.request("accept-std")).isEqualTo("error: Can't accept() WebSocket after enabling hibernation.");
        s.ws.send("close:4001:kick");
        assertThat(s.next()).isEqualTo(new WebSocket.CloseEvent(4001, "kick", true));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Hib.events(hex("bad")).stream().noneMatch(e -> e.startsWith("send after close"))
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(Hib.events(hex("bad"))).contains("send after close: Can't call WebSocket send() after close().");
        assertThatThrownBy(() ->
                        emu.runInDurableObject(stub("bad"), (Hib o, dev.partyflare.durable.DurableObjectState c) -> {
                            c.acceptWebSocket(
                                    new dev.partyflare.durable.WebSocketPair().server(), (java.util.List<String>) null);
                            return null;
                        }))
                .hasMessageContaining("not null");
        assertThatThrownBy(() -> emu.runInDurableObject(
                        stub("bad"),
                        (Hib o, dev.partyflare.durable.DurableObjectState c) ->
                                c.getTags(new dev.partyflare.durable.WebSocketPair().server())))
                .hasMessage("you must call 'acceptWebSocket()' before attempting to access the tags of a WebSocket.");
    }

    @Test
    void atMost32768HibernatableSocketsPerObject() {
        String msg = emu.runInDurableObject(stub("many"), (Hib o, dev.partyflare.durable.DurableObjectState c) -> {
            for (int i = 0; i < 32_768; i++) {
                c.acceptWebSocket(new dev.partyflare.durable.WebSocketPair().server());
            }
            try {
                c.acceptWebSocket(new dev.partyflare.durable.WebSocketPair().server());
                return "accepted";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        });
        assertThat(msg).isEqualTo("only 32768 websockets can be accepted on a single Durable Object instance");
    }
}
