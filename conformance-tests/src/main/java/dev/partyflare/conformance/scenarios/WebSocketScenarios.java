package dev.partyflare.conformance.scenarios;

import static dev.partyflare.conformance.scenarios.Dsl.answer;
import static dev.partyflare.conformance.scenarios.Dsl.s;
import static dev.partyflare.conformance.scenarios.Dsl.slow;

import dev.partyflare.conformance.Probe;
import dev.partyflare.conformance.Scenario;
import dev.partyflare.emulator.client.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** WebSockets on raw objects: frames, sizes, closes, tags, attachments, auto-response, hibernation. */
public final class WebSocketScenarios {
    private WebSocketScenarios() {}

    static final Duration WAIT = Duration.ofSeconds(5);
    static final Duration QUIET = Duration.ofMillis(500);

    /** The standard ({@code accept()}) and hibernatable ({@code acceptWebSocket}) variants. */
    static final List<String> KINDS = List.of("std", "hib");

    private static String path(Probe p, String kind) {
        return "/raw/RAW/" + p.unique("o") + "/ws-" + kind;
    }

    /** Waits for the object's log of close/error events to reach {@code n} entries and records it. */
    private static void log(Probe p, int n) throws Exception {
        Probe.Answer a = p.await(
                () -> p.get("/raw/RAW/" + p.unique("o") + "/ws-log"),
                x -> x.json().size() >= n,
                WAIT);
        p.observeJson("serverLog", a.text());
    }

    public static void register(List<Scenario> out) {
        for (String kind : KINDS) {
            String area = "WebSocket (" + (kind.equals("std") ? "standard" : "hibernatable") + ")";
            out.add(s(
                    "ws." + kind + ".frames",
                    area,
                    "text stays text, binary stays binary, empty frames are delivered, in order",
                    p -> {
                        WsClient c = p.ws(path(p, kind));
                        c.sendText("hello");
                        c.sendBinary(new byte[] {1, 2, 3, (byte) 255});
                        c.sendText("");
                        c.sendBinary(new byte[0]);
                        c.sendText("日本😀");
                        for (int i = 0; i < 5; i++) {
                            p.observe("frame", c.nextDescribed(WAIT));
                        }
                    }));
            out.add(s("ws." + kind + ".order", area, "200 messages come back in order", p -> {
                WsClient c = p.ws(path(p, kind));
                for (int i = 0; i < 200; i++) {
                    c.sendText("m" + i);
                }
                List<String> got = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    got.add(c.nextText());
                }
                List<String> want = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    want.add("echo:m" + i);
                }
                p.observe("inOrder", got.equals(want));
            }));
            out.add(s("ws." + kind + ".max-size", area, "a 32 MiB message is delivered", p -> {
                WsClient c = p.ws(path(p, kind));
                c.sendBinary(new byte[32 * 1024 * 1024]);
                p.observe("reply", c.nextDescribed(Duration.ofSeconds(30)));
            }));
            out.add(s(
                    "ws." + kind + ".too-large",
                    area,
                    "a message of 32 MiB + 1 byte closes the socket with 1009",
                    p -> {
                        WsClient c = p.ws(path(p, kind));
                        c.sendText("before");
                        p.observe("before", c.nextDescribed(WAIT));
                        try {
                            c.sendBinary(new byte[32 * 1024 * 1024 + 1]);
                        } catch (java.io.IOException e) {
                            p.observe("send", "failed (server closed)");
                        }
                        p.observe("close", c.awaitClose(Duration.ofSeconds(30)));
                        log(p, 1);
                    }));
            out.add(s(
                    "ws." + kind + ".too-large-fragmented",
                    area,
                    "a message of 32 MiB + 1 byte in two fragments closes the socket with 1009",
                    p -> {
                        WsClient c = p.ws(path(p, kind));
                        c.sendText("before");
                        p.observe("before", c.nextDescribed(WAIT));
                        try {
                            c.sendFragments(0x2, List.of(new byte[16 * 1024 * 1024], new byte[16 * 1024 * 1024 + 1]));
                        } catch (java.io.IOException e) {
                            // Only a standard socket's answer is certain: its connection closes at
                            // once, so the rest of the write meets a reset. A hibernatable socket's
                            // connection stays open (unread) until the object hibernates; whether the
                            // client's write completes then depends on how much the kernels buffered
                            // (both outcomes seen on workerd 1.20260426 in successive runs).
                            if (kind.equals("std")) {
                                p.observe("send", "failed (server closed)");
                            }
                        }
                        p.observe("close", c.awaitClose(Duration.ofSeconds(30)));
                        log(p, 1);
                    }));
            out.add(s(
                    "ws." + kind + ".client-close",
                    area,
                    "a client's close reaches the object with its code, reason and wasClean; no automatic close reply",
                    p -> {
                        WsClient c = p.ws(path(p, kind));
                        c.sendText("x");
                        c.nextDescribed(WAIT);
                        c.sendClose(4000, "bye");
                        log(p, 1);
                        p.observe("clientGot", c.nextDescribed(QUIET));
                    }));
            out.add(s(
                    "ws." + kind + ".client-close-no-code",
                    area,
                    "a close frame without a code reaches the object as 1005",
                    p -> {
                        WsClient c = p.ws(path(p, kind));
                        c.sendText("x");
                        c.nextDescribed(WAIT);
                        c.sendCloseNoCode();
                        log(p, 1);
                    }));
            out.add(s(
                    "ws." + kind + ".client-drop",
                    area,
                    "an abrupt TCP drop reaches the object as 1006, wasClean false",
                    p -> {
                        WsClient c = p.ws(path(p, kind));
                        c.sendText("x");
                        c.nextDescribed(WAIT);
                        c.abort();
                        log(p, 1);
                    }));
            out.add(s(
                    "ws." + kind + ".server-close",
                    area,
                    "the object closes with a code and reason; send() afterwards throws",
                    p -> {
                        WsClient c = p.ws(path(p, kind));
                        c.sendText("close:4001:kick");
                        p.observe("client", c.awaitClose(WAIT));
                        log(p, 2); // the failed send, then the close the client answered
                    }));
            out.add(s(
                    "ws." + kind + ".handler-throws",
                    area,
                    "an error thrown by the message handler leaves the socket open",
                    p -> {
                        WsClient c = p.ws(path(p, kind));
                        c.sendText("throw");
                        c.sendText("after");
                        p.observe("next", c.nextDescribed(WAIT));
                    }));
        }
        out.add(s(
                "ws.hib.tags",
                "WebSocket (hibernatable)",
                "tags given to acceptWebSocket: getTags and getWebSockets(tag)",
                p -> {
                    String o = "/raw/RAW/" + p.unique("o");
                    WsClient a = p.ws(o + "/ws-hib?tags=red,blue");
                    WsClient b = p.ws(o + "/ws-hib?tags=blue");
                    a.sendText("tags");
                    p.observeJson("tagsA", a.nextText());
                    a.sendText("count:blue");
                    p.observe("blue", a.nextText());
                    a.sendText("count:red");
                    p.observe("red", a.nextText());
                    a.sendText("count:green");
                    p.observe("green", a.nextText());
                    a.sendText("count");
                    p.observe("all", a.nextText());
                    b.sendText("bcast:to-all");
                    p.observe("a", a.nextText());
                    p.observe("b", b.nextText());
                }));
        out.add(s("ws.std.tags-error", "WebSocket (standard)", "getTags of a standard socket is an error", p -> {
            WsClient c = p.ws(path(p, "std"));
            c.sendText("tags");
            p.observeJson("tags", c.nextText());
        }));
        out.add(s(
                "ws.tag-limits",
                "WebSocket (hibernatable)",
                "tag limits: 10 tags, 256 UTF-8 bytes, duplicates, empty tags",
                p -> {
                    String o = "/raw/RAW/" + p.unique("o") + "/tags-check";
                    List<String> ten = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        ten.add("t" + i);
                    }
                    List<String> eleven = new ArrayList<>(ten);
                    eleven.add("t10");
                    answer(p, "ten", p.postJson(o, ten));
                    answer(p, "eleven", p.postJson(o, eleven));
                    answer(p, "256", p.postJson(o, List.of("a".repeat(256))));
                    answer(p, "257", p.postJson(o, List.of("a".repeat(257))));
                    answer(p, "129e", p.postJson(o, List.of("é".repeat(129))));
                    answer(p, "duplicates", p.postJson(o, List.of("d", "d", "e")));
                    answer(p, "empty", p.postJson(o, List.of("")));
                }));
        for (int n : List.of(1000, 10_000, 20_000)) {
            out.add(s(
                    "ws.attachment." + n,
                    "WebSocket (hibernatable)",
                    "serializeAttachment of about " + n
                            + " bytes (limit 2 KiB by default in partyflare, 16 KiB on workerd)",
                    p -> {
                        var r = p.get("/raw/RAW/" + p.unique("o") + "/attach-check?n=" + n)
                                .json();
                        p.observeJson("first", r.get("first").toString());
                        Dsl.attachmentText(
                                p, "big", Probe.canonical(r.get("big").toString()));
                        p.observe("previousAfterFailure", r.get("after").asString());
                    }));
        }
        out.add(s(
                "ws.attachment.roundtrip",
                "WebSocket (hibernatable)",
                "an attachment set over the socket is read back",
                p -> {
                    WsClient c = p.ws(path(p, "hib"));
                    c.sendText("attach-len");
                    p.observe("before", c.nextText());
                    c.sendText("attach:100");
                    p.observeJson("set", c.nextText());
                    c.sendText("attach-len");
                    p.observe("after", c.nextText());
                }));
        out.add(s(
                "ws.api-errors",
                "WebSocket",
                "accept/acceptWebSocket misuse, send after close, close twice",
                p -> answer(p, "errors", p.get("/raw/RAW/" + p.unique("o") + "/ws-api-errors"))));
        out.add(s(
                "ws.auto-response",
                "WebSocket (hibernatable)",
                "setWebSocketAutoResponse: exact text matches are answered without the handler",
                p -> {
                    WsClient c = p.ws("/raw/RAW/" + p.unique("o") + "/ws-hib?auto=1");
                    c.sendText("ts");
                    p.observe("tsBefore", c.nextText());
                    c.sendText("ping");
                    p.observe("ping", c.nextDescribed(WAIT));
                    for (String near : List.of("PING", "ping ", "pin", "")) {
                        c.sendText(near);
                        p.observe("near[" + near + "]", c.nextDescribed(WAIT));
                    }
                    c.sendBinary("ping".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    p.observe("binaryPing", c.nextDescribed(WAIT));
                    c.sendText("ts");
                    p.observe("tsAfter", c.nextText());
                    c.sendText("info");
                    p.observeJson("info", c.nextText());
                }));
        out.add(s(
                "ws.std.auto-response-ignored",
                "WebSocket (standard)",
                "an auto-response does not apply to a standard socket",
                p -> {
                    String o = "/raw/RAW/" + p.unique("o");
                    p.ws(o + "/ws-hib?auto=1");
                    WsClient c = p.ws(o + "/ws-std");
                    c.sendText("ping");
                    p.observe("ping", c.nextDescribed(WAIT));
                }));
        out.add(s(
                "ws.subprotocol-not-selected",
                "WebSocket",
                "a requested sub-protocol is not selected unless the code sets the header",
                p -> {
                    WsClient c = p.ws(path(p, "std"), java.util.Map.of("Sec-WebSocket-Protocol", "chat, superchat"));
                    p.observe(
                            "protocolHeader", String.valueOf(c.responseHeaders().get("sec-websocket-protocol")));
                    c.sendText("still works");
                    p.observe("echo", c.nextDescribed(WAIT));
                }));
        for (String kind : List.of("std", "hib")) {
            out.add(s(
                    "ws.props." + kind,
                    "WebSocket",
                    "the accepted " + kind + " socket's protocol and extensions stay \"\" though the 101 selects a"
                            + " sub-protocol; binaryType is blob by default and ignores invalid values",
                    p -> {
                        WsClient c = p.ws(
                                path(p, kind) + "?protocol=chat",
                                java.util.Map.of("Sec-WebSocket-Protocol", "chat, superchat"));
                        p.observe(
                                "protocolHeader",
                                String.valueOf(c.responseHeaders().get("sec-websocket-protocol")));
                        c.sendText("props");
                        p.observe("props", c.nextDescribed(WAIT));
                    }));
        }
        out.add(s("ws.permessage-deflate", "WebSocket", "permessage-deflate is accepted when offered", p -> {
            WsClient c = p.ws(
                    path(p, "std"),
                    java.util.Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"));
            String ext = c.responseHeaders().get("sec-websocket-extensions");
            p.observe("accepted", ext != null && ext.startsWith("permessage-deflate"));
        }));
        out.add(s(
                "ws.upgrade-required",
                "WebSocket",
                "a plain GET to a WebSocket endpoint gets the object's 426",
                p -> answer(p, "get", p.get(path(p, "std")))));
        out.add(s(
                "ws.protocol-errors",
                "WebSocket",
                "a frame with an unknown opcode is a protocol error: close 1002",
                p -> {
                    WsClient c = p.ws(path(p, "std"));
                    c.sendRaw(0x83, new byte[0]);
                    p.observe("close", c.awaitClose(WAIT));
                }));

        // ---- hibernation and eviction (real 10 s idle: slow)
        out.add(slow(
                "hib.raw.wakes",
                "hibernation",
                "after 10 s idle a hibernatable socket's object is rebuilt: socket open, fields lost, attachment and tags kept",
                p -> {
                    WsClient c = p.ws("/raw/RAW/" + p.unique("o") + "/ws-hib?tags=keep&auto=1");
                    c.sendText("attach:10");
                    c.nextText();
                    c.sendText("info");
                    p.observeJson("infoBefore", c.nextText());
                    Thread.sleep(11_500);
                    c.sendText("ping");
                    p.observe("autoWhileHibernated", c.nextDescribed(WAIT));
                    c.sendText("info");
                    p.observeJson("infoAfter", c.nextText());
                    c.sendText("attach-len");
                    p.observe("attachment", c.nextText());
                    c.sendText("tags");
                    p.observeJson("tags", c.nextText());
                    c.sendText("ts");
                    p.observe("autoTimestamp", c.nextText());
                }));
        out.add(slow("hib.std.pins", "hibernation", "an open standard socket pins the object past 10 s idle", p -> {
            WsClient c = p.ws(path(p, "std"));
            c.sendText("info");
            p.observeJson("infoBefore", c.nextText());
            Thread.sleep(11_500);
            c.sendText("info");
            p.observeJson("infoAfter", c.nextText());
        }));
        out.add(slow(
                "hib.plain.evicted",
                "hibernation",
                "an object with no socket is evicted after 10 s idle; storage stays",
                p -> {
                    String o = "/raw/RAW/" + p.unique("o");
                    answer(p, "infoBefore", p.get(o + "/info"));
                    p.get(o + "/inc");
                    Thread.sleep(11_500);
                    answer(p, "infoAfter", p.get(o + "/info"));
                    answer(p, "n", p.get(o + "/get-n"));
                }));
    }
}
