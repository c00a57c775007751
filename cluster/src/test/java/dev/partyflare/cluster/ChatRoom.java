package dev.partyflare.cluster;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocket;
import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.durable.WebSocketPair;
import dev.partyflare.durable.WebSocketRequestResponsePair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A chat room for WebSockets across nodes. {@code /room/<name>?user=U&tag=T}: a hibernatable socket
 * tagged {@code user:U} and T, with the user in its attachment; {@code /std/<name>}: a standard
 * socket that echoes. Messages (hibernatable): {@code echo:X}, {@code bcast:X} (stored, then sent
 * to every socket as {@code msg:<n>:X}), {@code tag:T:X} (to the sockets tagged T), {@code who},
 * {@code attach:<chars>}, {@code close:<code>:<reason>}, {@code history}, {@code node}, {@code
 * n:<i>} (answered {@code r:<i>}), {@code burst:<n>}, {@code hold} (the event waits for {@link #HOLD}),
 * {@code f:<i>:<padding>} (counted in {@link #FLOODED}, unanswered); {@code ping} is answered by the
 * runtime.
 */
public class ChatRoom extends DurableObject {
    /** Every close and error the object saw, over all nodes: "room user code reason wasClean". */
    static final List<String> CLOSES = new CopyOnWriteArrayList<>();

    static final AtomicInteger CONSTRUCTIONS = new AtomicInteger();

    /** What a {@code hold} message waits for (at most a minute). */
    static volatile java.util.concurrent.CountDownLatch HOLD = new java.util.concurrent.CountDownLatch(0);

    /** {@code f:<i>} messages received in order (from 0); -1 once one came out of order. */
    static final AtomicInteger FLOODED = new AtomicInteger();

    private final String node;
    private final int instance;

    public ChatRoom(DurableObjectState ctx, Env env) {
        super(ctx, env);
        this.node = env.var("NODE").orElse("?");
        this.instance = CONSTRUCTIONS.incrementAndGet();
        ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    }

    private String room() {
        return ctx.id().name().orElse("?");
    }

    @Override
    public Response fetch(Request request) {
        if (request.path().startsWith("/echo/")) {
            // the body back, with where it ran: large requests and responses crossing nodes
            return Response.builder(200)
                    .header("x-node", node)
                    .body(request.bytes())
                    .build();
        }
        WebSocketPair pair = new WebSocketPair();
        if (request.path().startsWith("/std/")) {
            WebSocket ws = pair.server();
            ws.accept();
            ws.onMessage(m -> {
                switch (m) {
                    case WebSocketMessage.Text t -> ws.send("std:" + t.text() + "@" + node);
                    case WebSocketMessage.Binary b -> ws.send(b.bytes());
                }
            });
            ws.onClose(c -> {
                CLOSES.add(room() + " std " + c.code() + " " + c.reason() + " " + c.wasClean());
                if (c.code() != 1006 && ws.readyState() != WebSocket.CLOSED) {
                    ws.close(c.code(), c.reason());
                }
            });
            return Response.webSocket(pair.client());
        }
        String user = request.queryParam("user").orElse("anon");
        List<String> tags = new ArrayList<>();
        tags.add("user:" + user);
        request.queryParam("tag").ifPresent(tags::add);
        WebSocket ws = pair.server();
        ctx.acceptWebSocket(ws, tags);
        ws.serializeAttachment(Map.of("user", user));
        ws.send("welcome:" + user + "@" + node);
        return Response.webSocket(pair.client());
    }

    @Override
    public void webSocketMessage(WebSocket ws, WebSocketMessage message) {
        if (message instanceof WebSocketMessage.Binary b) {
            ws.send(b.bytes());
            return;
        }
        String text = ((WebSocketMessage.Text) message).text();
        int colon = text.indexOf(':');
        String verb = colon < 0 ? text : text.substring(0, colon);
        String arg = colon < 0 ? "" : text.substring(colon + 1);
        switch (verb) {
            case "n" -> ws.send("r:" + arg);
            case "hold" -> {
                try {
                    HOLD.await(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            case "f" -> {
                int i = Integer.parseInt(arg.substring(0, arg.indexOf(':')));
                FLOODED.getAndUpdate(n -> n == i ? n + 1 : -1);
            }
            case "echo" -> ws.send("echo:" + arg + "@" + node);
            case "bcast" -> {
                long n = ctx.storage().get("count", Long.class).orElse(0L) + 1;
                ctx.storage().put("count", n);
                ctx.storage().put("msg-" + n, arg);
                for (WebSocket other : ctx.getWebSockets()) {
                    other.send("msg:" + n + ":" + arg);
                }
            }
            case "tag" -> {
                int c = arg.indexOf(':');
                for (WebSocket other : ctx.getWebSockets(arg.substring(0, c))) {
                    other.send("tagged:" + arg.substring(c + 1));
                }
            }
            case "who" -> {
                Map<?, ?> a = ws.deserializeAttachment(Map.class);
                ws.send("me:" + a.get("user") + ":" + String.join(",", ctx.getTags(ws)));
            }
            case "attach" -> {
                String big = "x".repeat(Integer.parseInt(arg));
                try {
                    ws.serializeAttachment(Map.of("user", big));
                    ws.send("attached");
                } catch (IllegalArgumentException e) {
                    ws.send("refused:" + e.getMessage());
                }
            }
            case "close" -> {
                int c = arg.indexOf(':');
                ws.close(Integer.parseInt(arg.substring(0, c)), arg.substring(c + 1));
            }
            case "history" -> {
                long n = ctx.storage().get("count", Long.class).orElse(0L);
                List<String> all = new ArrayList<>();
                for (long i = 1; i <= n; i++) {
                    all.add(ctx.storage().get("msg-" + i, String.class).orElse("?"));
                }
                ws.send("history:" + String.join(",", all));
            }
            case "node" -> ws.send("node:" + node + ":" + instance);
            case "burst" -> {
                int n = Integer.parseInt(arg);
                for (int i = 0; i < n; i++) {
                    ws.send("b:" + i);
                }
            }
            default -> ws.send("unknown:" + text);
        }
    }

    @Override
    public void webSocketClose(WebSocket ws, int code, String reason, boolean wasClean) {
        Map<?, ?> a = ws.deserializeAttachment(Map.class);
        CLOSES.add(room() + " " + (a == null ? "?" : a.get("user")) + " " + code + " " + reason + " " + wasClean);
        if (code != 1006 && ws.readyState() != WebSocket.CLOSED) {
            ws.close(code == 1005 ? 1000 : code, reason);
        }
    }

    @Override
    public void webSocketError(WebSocket ws, Throwable error) {
        CLOSES.add(room() + " error " + error.getMessage());
    }
}
