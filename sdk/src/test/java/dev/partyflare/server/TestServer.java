package dev.partyflare.server;

import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocketMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A server whose behaviour tests drive with text commands (non-hibernating). */
public class TestServer extends Server {
    public static final Map<String, AtomicInteger> STARTS = new ConcurrentHashMap<>();
    public static final Map<String, List<String>> EVENTS = new ConcurrentHashMap<>();

    private boolean startedHere;

    public TestServer(DurableObjectState ctx, Env env) {
        super(ctx, env);
    }

    public static List<String> events(String room) {
        return EVENTS.computeIfAbsent(room, k -> new CopyOnWriteArrayList<>());
    }

    public static int starts(String room) {
        AtomicInteger n = STARTS.get(room);
        return n == null ? 0 : n.get();
    }

    @Override
    public void onStart() {
        // waits on a runtime timer: other events are held back anyway (blockConcurrencyWhile)
        ctx.sleep(Duration.ofMillis(props().containsKey("slow") ? 200 : 1));
        STARTS.computeIfAbsent(name(), k -> new AtomicInteger()).incrementAndGet();
        events(name()).add("start " + props());
        startedHere = true;
    }

    @Override
    public List<String> getConnectionTags(Connection connection, ConnectionContext context) {
        return context.request()
                .queryParam("tags")
                .map(t -> Arrays.asList(t.split(",", -1)))
                .orElse(List.of());
    }

    @Override
    public void onConnect(Connection connection, ConnectionContext context) {
        connection.send("hello " + connection.id() + " in " + connection.server() + " started=" + startedHere);
    }

    @Override
    public void onMessage(Connection from, WebSocketMessage message) {
        if (!message.isText()) {
            from.send(message.asBytes());
            return;
        }
        String[] p = message.asText().split(":", 2);
        String arg = p.length > 1 ? p[1] : "";
        switch (p[0]) {
            case "broadcast" -> broadcast(arg, List.of(from.id()));
            case "broadcast-all" -> broadcast(arg);
            case "state" -> {
                try {
                    from.setState(Map.of("v", arg));
                    from.send("state set");
                } catch (RuntimeException e) {
                    from.send("error: " + e.getMessage());
                }
            }
            case "getstate" -> from.send("state=" + from.state());
            case "attach" -> {
                from.serializeAttachment(Map.of("a", arg));
                from.send("attached");
            }
            case "getattach" -> from.send("attach=" + from.deserializeAttachment());
            case "tags" -> from.send("tags=" + from.tags());
            case "uri" -> from.send("uri=" + from.uri());
            case "server" -> from.send("server=" + from.server() + " name=" + name());
            case "count" ->
                from.send("count=" + getConnections(arg.isEmpty() ? null : arg).size());
            case "conn" ->
                from.send("conn=" + getConnection(arg).map(Connection::id).orElse("none"));
            case "throw" -> throw new IllegalStateException("message boom");
            case "close" -> from.close(4002, "kicked");
            case "ps-name" -> from.send("ps_name=" + ctx.storage().list().get(NAME_KEY));
            default -> from.send("echo:" + message.asText());
        }
    }

    @Override
    public void onClose(Connection connection, int code, String reason, boolean wasClean) {
        events(name()).add("close " + connection.id() + " " + code + " " + reason + " " + wasClean);
    }

    @Override
    public void onError(Connection connection, Throwable error) {
        events(name()).add("error " + connection.id() + " " + error.getMessage());
    }

    @Override
    public Response onRequest(Request request) {
        if (request.path().endsWith("/throw")) {
            throw new IllegalArgumentException("request boom");
        }
        return Response.text("room " + name() + " starts=" + starts(name()) + " method=" + request.method() + " body="
                + request.text());
    }

    @Override
    public void onAlarm() {
        events(name()).add("alarm in " + name());
    }

    /** An RPC method, to check getServerByName waits for onStart. */
    public String describe() {
        return "name=" + name() + " started=" + startedHere;
    }

    public void scheduleAlarm(long at) {
        ctx.storage().setAlarm(at);
    }
}
