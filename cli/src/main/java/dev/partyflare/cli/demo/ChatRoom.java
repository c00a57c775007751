package dev.partyflare.cli.demo;

import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.server.Connection;
import dev.partyflare.server.ConnectionContext;
import dev.partyflare.server.PartyOptions;
import dev.partyflare.server.Server;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's chat room, on partyflare: a hibernating server whose recent messages are kept in
 * storage, so a room survives restarts and hibernation; each connection's name is in its state.
 */
@PartyOptions(hibernate = true)
public final class ChatRoom extends Server {
    private static final int KEEP = 50;

    public ChatRoom(DurableObjectState ctx, Env env) {
        super(ctx, env);
    }

    @Override
    public void onConnect(Connection connection, ConnectionContext context) {
        String name = context.request()
                .queryParam("name")
                .filter(n -> !n.isBlank())
                .map(n -> n.length() > 32 ? n.substring(0, 32) : n)
                .orElse("guest-"
                        + connection
                                .id()
                                .substring(0, Math.min(4, connection.id().length())));
        connection.setState(Map.of("name", name));
        for (Object m : history()) {
            connection.send(Json.of(m));
        }
        broadcast(Json.of(
                Map.of("type", "join", "name", name, "online", getConnections().size())));
    }

    @Override
    public void onMessage(Connection connection, WebSocketMessage message) {
        String text = message.asText();
        if (text.length() > 2000) {
            text = text.substring(0, 2000);
        }
        // the other Worker of the demo, over the service binding: RPC to its WorkerEntrypoint
        text = env.service("MODERATION").rpc(ModerationApi.class).clean(text);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "message");
        m.put("name", nameOf(connection));
        m.put("text", text);
        m.put("at", ctx.now());
        List<Object> history = new ArrayList<>(history());
        history.add(m);
        while (history.size() > KEEP) {
            history.remove(0);
        }
        ctx.storage().put("history", history);
        broadcast(Json.of(m)); // leaves only once the history write is durable (output gate)
    }

    @Override
    public void onClose(Connection connection, int code, String reason, boolean wasClean) {
        broadcast(Json.of(Map.of(
                "type",
                "leave",
                "name",
                nameOf(connection),
                "online",
                getConnections().size())));
    }

    @Override
    public Response onRequest(Request request) {
        return Response.json(Map.of(
                "room",
                name(),
                "online",
                getConnections().size(),
                "messages",
                history().size()));
    }

    private List<?> history() {
        return ctx.storage().get("history", List.class).orElse(List.of());
    }

    private static String nameOf(Connection c) {
        Object s = c.state();
        return s instanceof Map<?, ?> m && m.get("name") != null ? m.get("name").toString() : c.id();
    }
}
