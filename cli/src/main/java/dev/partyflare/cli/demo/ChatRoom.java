package dev.partyflare.cli.demo;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocket;
import dev.partyflare.durable.WebSocketPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One chat room: every message is broadcast to everyone in the room, in order. */
public final class ChatRoom extends DurableObject {
    private final Map<WebSocket, String> members = new LinkedHashMap<>();
    private final List<Map<String, Object>> recent = new ArrayList<>();
    private int nextGuest = 1;

    public ChatRoom(DurableObjectState ctx, Env env) {
        super(ctx, env);
    }

    @Override
    public Response fetch(Request request) {
        if (!request.isWebSocketUpgrade()) {
            return Response.text("Expected a WebSocket upgrade", 426);
        }
        WebSocketPair pair = new WebSocketPair();
        WebSocket ws = pair.server();
        ws.accept();
        String name = request.queryParam("name").filter(n -> !n.isBlank()).orElse("guest-" + nextGuest++);
        members.put(ws, name.length() > 32 ? name.substring(0, 32) : name);
        for (Map<String, Object> m : recent) {
            ws.send(Json.of(m));
        }
        broadcast(Map.of("type", "join", "name", members.get(ws), "online", members.size()));
        ws.onMessage(msg -> {
            String text = msg.asText();
            if (text.length() > 2000) {
                text = text.substring(0, 2000);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "message");
            m.put("name", members.get(ws));
            m.put("text", text);
            m.put("at", ctx.now());
            recent.add(m);
            if (recent.size() > 50) {
                recent.remove(0);
            }
            broadcast(m);
        });
        ws.onClose(c -> {
            String who = members.remove(ws);
            if (c.code() != 1005 && c.code() != 1006) {
                ws.close(c.code(), c.reason());
            }
            broadcast(Map.of("type", "leave", "name", who == null ? "?" : who, "online", members.size()));
        });
        return Response.webSocket(pair.client());
    }

    private void broadcast(Map<String, Object> message) {
        String json = Json.of(message);
        for (WebSocket member : members.keySet()) {
            if (member.readyState() == WebSocket.OPEN) {
                member.send(json);
            }
        }
    }
}
