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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/** partyserver/partyflare Servers: routing, hooks, connections, broadcast, closes; pub/sub. */
public final class PartyScenarios {
    private PartyScenarios() {}

    static final Duration WAIT = Duration.ofSeconds(5);
    static final Duration QUIET = Duration.ofMillis(400);
    private static final Pattern NANOID = Pattern.compile("[A-Za-z0-9_-]{21}");

    /** The non-hibernating and the hibernating server. */
    static final List<String> PARTIES = List.of("chat", "chat-hib");

    /** The welcome message with a random connection id replaced by its shape. */
    private static String welcome(WsClient c) throws Exception {
        String w = c.nextText();
        var node = Probe.json(w);
        String id = node.get("welcome").asString();
        return Probe.canonical(
                w.replace("\"" + id + "\"", NANOID.matcher(id).matches() ? "\"<nanoid>\"" : "\"" + id + "\""));
    }

    public static void register(List<Scenario> out) {
        // ---- routing
        out.add(s(
                "party.route.http",
                "routing",
                "/parties/chat/<room> reaches the room's onRequest",
                p -> answer(p, "get", p.get("/parties/chat/" + p.unique("room")))));
        out.add(s(
                "party.route.percent-encoded",
                "routing",
                "the room name is the raw, still percent-encoded segment",
                p -> answer(p, "get", p.get("/parties/chat/" + p.unique("a%20b") + "/x"))));
        out.add(s(
                "party.route.trailing-slash",
                "routing",
                "a trailing / is not part of the room name",
                p -> answer(p, "get", p.get("/parties/chat/" + p.unique("room") + "/"))));
        out.add(s(
                "party.route.query",
                "routing",
                "the query is not part of the room name",
                p -> answer(p, "get", p.get("/parties/chat/" + p.unique("room") + "?x=1&y=%20"))));
        out.add(s(
                "party.route.sub-path",
                "routing",
                "a path after the room reaches the same room",
                p -> answer(p, "post", p.post("/parties/chat/" + p.unique("room") + "/a/b", "body"))));
        out.add(s("party.route.unknown-party", "routing", "an unknown party is 400 Invalid request", p -> {
            Probe.Answer a = p.get("/parties/nope/" + p.unique("room"));
            answer(p, "get", a);
            p.observe("content-type", a.header("content-type"));
        }));
        out.add(s(
                "party.route.unknown-party-ws",
                "routing",
                "an unknown party refuses a WebSocket upgrade with 400",
                p -> p.observe(
                        "ws",
                        p.wsOrRefusal("/parties/nope/" + p.unique("room")) instanceof String s ? s : "accepted")));
        out.add(s(
                "party.route.kebab",
                "routing",
                "bindings are reached by their kebab-case names (ChatHib → chat-hib, UPPER_ROOM → upper-room)",
                p -> {
                    answer(p, "chat-hib", p.get("/parties/chat-hib/" + p.unique("room")));
                    answer(p, "upper-room", p.get("/parties/upper-room/" + p.unique("room")));
                }));
        for (String form : List.of("Chat", "CHAT", "ChatHib", "UPPER_ROOM")) {
            out.add(s(
                    "party.route.case." + form,
                    "routing",
                    "the party written as " + form + " (not the kebab-case form)",
                    p -> answer(p, "get", p.get("/parties/" + form + "/" + p.unique("room")))));
        }
        out.add(s("party.route.no-room", "routing", "/parties/chat without a room falls through to the Worker", p -> {
            answer(p, "noRoom", p.get("/parties/chat"));
            answer(p, "slash", p.get("/parties/chat/"));
        }));
        out.add(s(
                "party.ps-name",
                "routing",
                "the server stores its name under __ps_name",
                p -> answer(p, "psName", p.get("/parties/chat/" + p.unique("room") + "/ps-name"))));
        out.add(s(
                "party.request-throws",
                "errors",
                "an error in onRequest is a 500 whose body starts with the error",
                p -> {
                    Probe.Answer a = p.get("/parties/chat/" + p.unique("room") + "/throw");
                    p.observe("status", a.status());
                    p.observe(
                            "firstLineEndsWith",
                            a.text().lines().findFirst().orElse("").endsWith(": request boom"));
                    p.observe("body", a.text());
                }));

        // ---- hooks and connections, on both servers
        for (String party : PARTIES) {
            String area = party.equals("chat") ? "partyserver" : "partyserver (hibernating)";
            String pre = "party." + party + ".";
            out.add(s(pre + "connect", area, "onConnect sees the ?_pk id, the room name and the tags", p -> {
                WsClient c = p.ws("/parties/" + party + "/" + p.unique("room") + "?_pk=my-id&tags=a,b");
                p.observe("welcome", welcome(c));
                c.sendText("tags");
                p.observeJson("tags", c.nextText());
                c.sendText("info");
                p.observeJson("info", c.nextText());
            }));
            out.add(s(pre + "random-id", area, "without ?_pk the connection id is a 21-character nanoid", p -> {
                WsClient c = p.ws("/parties/" + party + "/" + p.unique("room"));
                p.observe("welcome", welcome(c));
            }));
            out.add(s(
                    pre + "on-start",
                    area,
                    "onStart runs once, before any handler, while 5 WebSockets and 5 requests wait",
                    p -> {
                        String room = p.unique("slow-room");
                        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                            List<Future<String>> fs = new ArrayList<>();
                            for (int i = 0; i < 5; i++) {
                                int n = i;
                                fs.add(pool.submit(
                                        () -> welcome(p.ws("/parties/" + party + "/" + room + "?_pk=c" + n))));
                                fs.add(pool.submit(() ->
                                        p.get("/parties/" + party + "/" + room).text()));
                            }
                            List<String> seen = new ArrayList<>();
                            for (Future<String> f : fs) {
                                seen.add(f.get());
                            }
                            p.observe("answers", seen);
                        }
                    }));
            out.add(s(pre + "tags", area, "9 user tags are accepted (the id is the 10th)", p -> {
                WsClient c = p.ws("/parties/" + party + "/" + p.unique("room") + "?_pk=id9&tags=1,2,3,4,5,6,7,8,9");
                p.observe("welcome", welcome(c));
            }));
            for (String bad : List.of("1,2,3,4,5,6,7,8,9,10", "ok,", "a".repeat(257))) {
                String which = bad.startsWith("1,") ? "too-many" : bad.startsWith("ok") ? "empty" : "too-long";
                out.add(s(
                        pre + "tags-" + which,
                        area,
                        "invalid connection tags (" + which + "): an error message, then close 1011",
                        p -> {
                            WsClient c = p.ws("/parties/" + party + "/" + p.unique("room") + "?_pk=x&tags=" + bad);
                            WsClient.Frame f = c.next(WAIT);
                            String text = f == null ? "nothing" : f.kind().equals("text") ? f.text() : f.describe();
                            p.observe(
                                    "errorMessageMentions",
                                    text.contains(
                                            switch (which) {
                                                case "too-many" ->
                                                    "A connection can only have 10 tags, including the default id tag.";
                                                case "empty" -> "A connection tag must not be an empty string.";
                                                default -> "A connection tag must not exceed 256 characters";
                                            }));
                            boolean json = text.startsWith("{");
                            p.observe("errorFormat", json ? "JSON {\"error\": <stack>}" : "text");
                            p.observe(
                                    "errorFirstLine",
                                    (json ? Probe.json(text).get("error").asString() : text)
                                            .lines()
                                            .findFirst()
                                            .orElse(""));
                            p.observe("close", c.awaitClose(WAIT));
                        }));
            }
            out.add(s(pre + "broadcast", area, "broadcast excludes the sender and keeps the send order", p -> {
                String room = "/parties/" + party + "/" + p.unique("room");
                WsClient a = p.ws(room + "?_pk=a");
                welcome(a);
                WsClient b = p.ws(room + "?_pk=b");
                welcome(b);
                WsClient c = p.ws(room + "?_pk=c");
                welcome(c);
                for (int i = 0; i < 5; i++) {
                    a.sendText("bcast:m" + i);
                }
                a.sendText("echo:done");
                List<String> atB = new ArrayList<>();
                List<String> atC = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    atB.add(b.nextText());
                    atC.add(c.nextText());
                }
                p.observe("b", atB);
                p.observe("c", atC);
                p.observe("a", a.nextDescribed(WAIT));
                b.sendText("bcast-all:all");
                p.observe("aAll", a.nextDescribed(WAIT));
                p.observe("bAll", b.nextDescribed(WAIT));
            }));
            out.add(s(pre + "connections", area, "getConnections (all, by tag) and getConnection(id)", p -> {
                String room = "/parties/" + party + "/" + p.unique("room");
                WsClient a = p.ws(room + "?_pk=a&tags=red");
                welcome(a);
                WsClient b = p.ws(room + "?_pk=b&tags=blue");
                welcome(b);
                for (String q : List.of("count", "count:red", "count:blue", "count:green", "conn:b", "conn:zz")) {
                    a.sendText(q);
                    p.observe(q, a.nextText());
                }
            }));
            out.add(s(pre + "state", area, "setState / state round-trip", p -> {
                WsClient c = p.ws("/parties/" + party + "/" + p.unique("room"));
                welcome(c);
                c.sendText("getstate");
                p.observe("initial", c.nextText());
                c.sendText("state:{\"n\":1,\"s\":\"x\"}");
                p.observe("set", c.nextText());
                c.sendText("getstate");
                p.observeJson("after", c.nextText());
            }));
            out.add(s(pre + "frames", area, "text and binary messages keep their type", p -> {
                WsClient c = p.ws("/parties/" + party + "/" + p.unique("room"));
                welcome(c);
                c.sendText("echo:text");
                c.sendBinary(new byte[] {9, 8, 7});
                c.sendText("");
                p.observe("1", c.nextDescribed(WAIT));
                p.observe("2", c.nextDescribed(WAIT));
                p.observe("3", c.nextDescribed(WAIT));
            }));
            out.add(s(pre + "message-throws", area, "an error thrown by onMessage leaves the connection open", p -> {
                WsClient c = p.ws("/parties/" + party + "/" + p.unique("room"));
                welcome(c);
                c.sendText("throw");
                c.sendText("echo:still-open");
                p.observe("next", c.nextDescribed(WAIT));
            }));
            out.add(s(
                    pre + "message-throws-on-error",
                    area,
                    "an error thrown by onMessage: whether onError sees it",
                    p -> {
                        String room = "/parties/" + party + "/" + p.unique("room");
                        WsClient c = p.ws(room + "?_pk=a");
                        welcome(c);
                        c.sendText("throw");
                        c.sendText("echo:after");
                        c.nextText();
                        answer(p, "events", p.get(room + "/events"));
                    }));
            out.add(s(
                    pre + "client-close",
                    area,
                    "a client's close: onClose runs, the server echoes the code and reason",
                    p -> {
                        String room = "/parties/" + party + "/" + p.unique("room");
                        WsClient a = p.ws(room + "?_pk=a");
                        welcome(a);
                        WsClient b = p.ws(room + "?_pk=b");
                        welcome(b);
                        b.sendClose(4000, "bye");
                        p.observe("closer", b.awaitClose(WAIT));
                        p.observe("other", a.nextDescribed(WAIT));
                    }));
            out.add(s(
                    pre + "client-close-no-code",
                    area,
                    "a close without a code: onClose sees 1005 and nothing is echoed",
                    p -> {
                        String room = "/parties/" + party + "/" + p.unique("room");
                        WsClient a = p.ws(room + "?_pk=a");
                        welcome(a);
                        WsClient b = p.ws(room + "?_pk=b");
                        welcome(b);
                        b.sendCloseNoCode();
                        p.observe("other", a.nextDescribed(WAIT));
                        p.observe("closer", b.nextDescribed(QUIET));
                    }));
            out.add(s(pre + "client-drop", area, "an abrupt drop: onClose sees 1006, wasClean false", p -> {
                String room = "/parties/" + party + "/" + p.unique("room");
                WsClient a = p.ws(room + "?_pk=a");
                welcome(a);
                WsClient b = p.ws(room + "?_pk=b");
                welcome(b);
                b.abort();
                p.observe("other", a.nextDescribed(WAIT));
            }));
            out.add(s(pre + "server-close", area, "connection.close(code, reason) from the server", p -> {
                String room = "/parties/" + party + "/" + p.unique("room");
                WsClient a = p.ws(room + "?_pk=a");
                welcome(a);
                WsClient b = p.ws(room + "?_pk=b");
                welcome(b);
                b.sendText("close:4002:kicked");
                p.observe("closed", b.awaitClose(WAIT));
                p.observe("other", a.nextDescribed(WAIT));
            }));
        }
        out.add(s(
                "party.chat-hib.state-limit",
                "partyserver (hibernating)",
                "setState of about 10 KB on a hibernating server (attachment limit)",
                p -> {
                    WsClient c = p.ws("/parties/chat-hib/" + p.unique("room"));
                    welcome(c);
                    c.sendText("state:{\"s\":\"" + "x".repeat(10_000) + "\"}");
                    Dsl.attachmentText(p, "set", c.nextText());
                    c.sendText("state:{\"s\":\"" + "x".repeat(20_000) + "\"}");
                    Dsl.attachmentText(p, "tooBig", c.nextText());
                    c.sendText("getstate");
                    p.observe("stateAfter", c.nextText().length());
                }));
        out.add(slow(
                "party.chat-hib.wakes",
                "hibernation",
                "a hibernating server is rebuilt after 10 s idle: onStart again, connections and state kept",
                p -> {
                    String room = "/parties/chat-hib/" + p.unique("room");
                    WsClient a = p.ws(room + "?_pk=a");
                    p.observe("welcome", welcome(a));
                    WsClient b = p.ws(room + "?_pk=b");
                    welcome(b);
                    a.sendText("state:{\"k\":\"v\"}");
                    a.nextText();
                    Thread.sleep(11_500);
                    a.sendText("info");
                    p.observeJson("infoAfter", a.nextText());
                    a.sendText("getstate");
                    p.observeJson("stateAfter", a.nextText());
                    a.sendText("count");
                    p.observe("count", a.nextText());
                    a.sendText("bcast:after-wake");
                    p.observe("b", b.nextDescribed(WAIT));
                }));
        out.add(slow(
                "party.chat.pinned",
                "hibernation",
                "a non-hibernating server with a connection is never evicted",
                p -> {
                    WsClient a = p.ws("/parties/chat/" + p.unique("room") + "?_pk=a");
                    welcome(a);
                    Thread.sleep(11_500);
                    a.sendText("info");
                    p.observeJson("infoAfter", a.nextText());
                }));

        // ---- pub/sub
        String ps = "/parties/pub-sub/";
        out.add(s(
                "pubsub.same-node",
                "pub/sub",
                "a message published on a node reaches its subscribers, the publisher included",
                p -> {
                    String room = ps + p.unique("room") + "?location=weur";
                    WsClient a = p.ws(room);
                    WsClient b = p.ws(room);
                    a.sendText("{\"topic\":\"news\",\"data\":\"hello\"}");
                    p.observeJson("a", a.nextText());
                    p.observeJson("b", b.nextText());
                }));
        out.add(s(
                "pubsub.cross-node",
                "pub/sub",
                "a message published in weur reaches a subscriber on the wnam node",
                p -> {
                    WsClient far = p.ws(ps + p.unique("room") + "?location=wnam");
                    WsClient near = p.ws(ps + p.unique("room") + "?location=weur");
                    near.sendText("{\"topic\":\"t\",\"data\":{\"n\":1}}");
                    near.sendText("{\"topic\":\"t\",\"data\":{\"n\":2}}");
                    p.observeJson("near1", near.nextText());
                    p.observeJson("near2", near.nextText());
                    p.observeJson("far1", far.nextText());
                    p.observeJson("far2", far.nextText());
                }));
        out.add(s("pubsub.topics", "pub/sub", "?topics= filters, with prefix patterns (p:*)", p -> {
            String room = ps + p.unique("room") + "?location=weur";
            WsClient all = p.ws(room);
            WsClient only = p.ws(room + "&topics=a,p:*");
            for (String t : List.of("a", "b", "p:x", "px", "p:")) {
                all.sendText("{\"topic\":\"" + t + "\",\"data\":\"" + t + "\"}");
                p.observeJson("all." + t, all.nextText());
            }
            all.sendText("{\"topic\":\"end\",\"data\":\"end\"}");
            all.nextText();
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                got.add(only.nextDescribed(WAIT));
            }
            p.observe("filtered", got);
            p.observe("more", only.nextDescribed(QUIET));
        }));
        out.add(s(
                "pubsub.post",
                "pub/sub",
                "POST {topic, data} publishes (OK); a missing field is 400 Invalid request",
                p -> {
                    WsClient sub = p.ws(ps + p.unique("room") + "?location=wnam");
                    answer(
                            p,
                            "post",
                            p.post(ps + p.unique("room") + "?location=weur", "{\"topic\":\"x\",\"data\":\"posted\"}"));
                    p.observeJson("delivered", sub.nextText());
                    answer(p, "missing", p.post(ps + p.unique("room") + "?location=weur", "{\"topic\":\"x\"}"));
                }));
        out.add(s("pubsub.resubscribe", "pub/sub", "{\"__topics\": [...]} replaces a socket's subscription", p -> {
            String room = ps + p.unique("room") + "?location=weur";
            WsClient sub = p.ws(room + "&topics=a");
            WsClient pub = p.ws(room);
            sub.sendText("{\"__topics\":[\"b\"]}");
            sub.sendText("not json"); // answered after the subscription change: the object runs events in order
            sub.nextText();
            pub.sendText("{\"topic\":\"a\",\"data\":1}");
            pub.sendText("{\"topic\":\"b\",\"data\":2}");
            p.observe("sub", sub.nextDescribed(WAIT));
            p.observe("more", sub.nextDescribed(QUIET));
        }));
        out.add(s("pubsub.invalid", "pub/sub", "an invalid message gets an error message back", p -> {
            WsClient c = p.ws(ps + p.unique("room") + "?location=weur");
            c.sendText("not json");
            p.observeJson("notJson", c.nextText());
            c.sendText("{\"data\":1}");
            p.observeJson("noTopic", c.nextText());
        }));
    }
}
