package dev.partyflare.cli.crash;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.ListOptions;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocket;
import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.durable.WebSocketPair;
import java.util.ArrayList;
import java.util.List;

/**
 * A ledger of numbered writes, for the crash test: every acknowledged entry must survive a kill.
 * {@code POST /w/<binding>/<name>/<n>} stores entry n and answers {@code ok n}; a WebSocket at
 * {@code /ws/<binding>/<name>} stores each message "n" and answers {@code ok n} (both leave only
 * once the write is durable); {@code GET .../list} lists the entries. On SQLite-backed classes an
 * entry is written to a table and to the KV API in the same event.
 */
public class Ledger extends DurableObject {
    public Ledger(DurableObjectState ctx, Env env) {
        super(ctx, env);
    }

    private boolean sql() {
        try {
            ctx.storage().sql();
            return true;
        } catch (IllegalStateException kvBacked) {
            return false;
        }
    }

    private void write(long n) {
        ctx.storage().put(key(n), n);
        if (sql()) {
            ctx.storage().sql().exec("CREATE TABLE IF NOT EXISTS entries (n INTEGER PRIMARY KEY)");
            ctx.storage().sql().exec("INSERT OR REPLACE INTO entries VALUES (?)", n);
        }
    }

    static String key(long n) {
        return String.format("e:%012d", n);
    }

    @Override
    public Response fetch(Request request) {
        String[] parts = request.path().split("/");
        String last = parts[parts.length - 1];
        if (request.header("upgrade").map(u -> u.equalsIgnoreCase("websocket")).orElse(false)) {
            WebSocketPair pair = new WebSocketPair();
            WebSocket server = pair.server();
            server.accept();
            server.onMessage(m -> {
                long n = Long.parseLong(m.asText());
                write(n);
                server.send("ok " + n);
            });
            return Response.webSocket(pair.client());
        }
        if (last.equals("list")) {
            List<Long> kv = new ArrayList<>();
            for (Object v : ctx.storage().list(ListOptions.prefix("e:")).values()) {
                kv.add(((Number) v).longValue());
            }
            StringBuilder b = new StringBuilder("kv");
            for (long n : kv) {
                b.append(' ').append(n);
            }
            if (sql()) {
                b.append("\nsql");
                ctx.storage().sql().exec("CREATE TABLE IF NOT EXISTS entries (n INTEGER PRIMARY KEY)");
                for (var row : ctx.storage().sql().exec("SELECT n FROM entries ORDER BY n")) {
                    b.append(' ').append(row.get("n"));
                }
            }
            return Response.text(b.toString());
        }
        long n = Long.parseLong(last);
        write(n);
        return Response.text("ok " + n);
    }

    static String text(WebSocketMessage m) {
        return m.asText();
    }
}
