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
 * A test object for the harness's newer features: RPC with arguments, a field that (wrongly)
 * keeps state, outbound fetch, a retention alarm 30 days ahead, a sleep, hibernatable sockets.
 */
public class Ledger extends DurableObject {
    /** State kept in a field: lost on hibernation, which is the bug chaos hibernation exposes. */
    private long visitsInField;

    public Ledger(DurableObjectState ctx, Env env) {
        super(ctx, env);
    }

    /** RPC: adds to the stored total and returns it. */
    public long add(int amount) {
        long total = ctx.storage().get("total", Long.class).orElse(0L) + amount;
        ctx.storage().put("total", total);
        return total;
    }

    /** RPC: a record argument. */
    public String label(Entry e) {
        return e.name() + "=" + e.amount();
    }

    /** An RPC argument type. */
    public record Entry(String name, long amount) {}

    /** RPC: the visit count kept in a field (wrong) and in storage (right). */
    public String visits() {
        visitsInField++;
        long stored = ctx.storage().get("visits", Long.class).orElse(0L) + 1;
        ctx.storage().put("visits", stored);
        return visitsInField + "/" + stored;
    }

    @Override
    public Response fetch(Request request) {
        String action = request.path().substring(request.path().lastIndexOf('/') + 1);
        switch (action) {
            case "fetch" -> {
                Response r = ctx.fetch(Request.get(request.queryParam("url").orElseThrow()));
                return Response.text("upstream " + r.status() + ": " + r.text());
            }
            case "retain" -> {
                ctx.storage().put("doc", "kept");
                ctx.storage().setAlarm(ctx.now() + Duration.ofDays(30).toMillis());
                return Response.text("retained");
            }
            case "nap" -> {
                ctx.sleep(Duration.ofMinutes(5));
                return Response.text("rested");
            }
            case "put" -> {
                ctx.storage().put("k", request.queryParam("v").orElse(""));
                return Response.text("stored");
            }
            case "hws" -> {
                WebSocketPair pair = new WebSocketPair();
                ctx.acceptWebSocket(pair.server());
                return Response.webSocket(pair.client());
            }
            default -> {
                return Response.text("unknown " + action, 404);
            }
        }
    }

    @Override
    public void alarm(AlarmInvocationInfo info) {
        ctx.storage().delete("doc"); // retention ended
    }

    @Override
    public void webSocketMessage(WebSocket ws, WebSocketMessage message) {
        ws.send("got:" + message.asText());
    }

    @Override
    public void webSocketClose(WebSocket ws, int code, String reason, boolean wasClean) {
        ctx.storage().put("closed", code + " " + reason + " " + wasClean);
    }
}
