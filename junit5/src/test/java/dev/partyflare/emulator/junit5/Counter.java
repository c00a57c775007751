package dev.partyflare.emulator.junit5;

import dev.partyflare.durable.AlarmInvocationInfo;
import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocket;
import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.durable.WebSocketPair;
import java.time.Duration;

/**
 * A raw Durable Object as a user would write one: a counter in storage, an alarm, a standard and a
 * hibernatable WebSocket endpoint. Actions are the last path segment.
 */
public class Counter extends DurableObject {
    public Counter(DurableObjectState ctx, Env env) {
        super(ctx, env);
    }

    /** Called with runInDurableObject. */
    public long count() {
        return ctx.storage().get("n", Long.class).orElse(0L);
    }

    @Override
    public Response fetch(Request request) {
        String action = request.path().substring(request.path().lastIndexOf('/') + 1);
        switch (action) {
            case "inc" -> {
                long n = count() + 1;
                ctx.storage().put("n", n);
                return Response.text(Long.toString(n));
            }
            case "get" -> {
                return Response.text(Long.toString(count()));
            }
            case "alarm" -> {
                long in = Long.parseLong(request.queryParam("in").orElse("3600000"));
                ctx.storage().setAlarm(ctx.now() + in);
                return Response.text("alarm in " + in);
            }
            case "ws" -> {
                WebSocketPair pair = new WebSocketPair();
                WebSocket server = pair.server();
                server.accept();
                server.onMessage(m -> {
                    if (m.asText().equals("inc")) {
                        long n = count() + 1;
                        ctx.storage().put("n", n);
                        server.send("n=" + n);
                    } else {
                        server.send("echo:" + m.asText());
                    }
                });
                return Response.webSocket(pair.client());
            }
            case "hws" -> {
                WebSocketPair pair = new WebSocketPair();
                ctx.acceptWebSocket(pair.server());
                return Response.webSocket(pair.client());
            }
            case "timer" -> {
                ctx.setTimeout(Duration.ofSeconds(5), () -> ctx.storage().put("timer", "fired"));
                return Response.text("timer set");
            }
            case "stuck" -> {
                // holds the input gate until the runtime clock moves an hour
                ctx.blockConcurrencyWhile(() -> ctx.sleep(Duration.ofHours(1)));
                return Response.text("unstuck");
            }
            case "boom" ->
                throw new IllegalStateException("boom in " + ctx.id().name().orElse("?"));
            default -> {
                return Response.text("unknown " + action, 404);
            }
        }
    }

    @Override
    public void alarm(AlarmInvocationInfo info) {
        if (ctx.storage().get("alarmThrows").isPresent()) {
            throw new IllegalStateException("alarm boom");
        }
        ctx.storage().put("alarms", ctx.storage().get("alarms", Long.class).orElse(0L) + 1);
        ctx.storage().put("lastAlarm", info.scheduledTime());
        for (WebSocket ws : ctx.getWebSockets()) {
            ws.send("alarm");
        }
    }

    @Override
    public void webSocketMessage(WebSocket ws, WebSocketMessage message) {
        String text = message.asText();
        if (text.equals("bye")) {
            ws.close(4000, "bye");
        } else if (!message.isText()) {
            ws.send(message.asBytes());
        } else {
            ws.send("echo:" + text);
        }
    }

    @Override
    public void webSocketClose(WebSocket ws, int code, String reason, boolean wasClean) {
        ctx.storage().put("closed", code + " " + reason);
    }
}
