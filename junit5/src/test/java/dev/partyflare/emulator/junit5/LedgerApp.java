package dev.partyflare.emulator.junit5;

import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.Worker;

/** The Worker in front of {@link Ledger}: {@code /ledger/<name>/<action>}, and {@code /proxy?url=} (the Worker's own fetch). */
public class LedgerApp implements Worker {
    @Override
    public Response fetch(Request request, Env env, ExecutionContext ctx) {
        String[] parts = request.path().split("/");
        if (parts.length >= 3 && parts[1].equals("ledger")) {
            return env.namespace("LEDGER").getByName(parts[2]).fetch(request);
        }
        if (request.path().startsWith("/proxy")) {
            Response r = ctx.fetch(Request.get(request.queryParam("url").orElseThrow()));
            return Response.text("proxied " + r.status() + ": " + r.text());
        }
        if (parts.length >= 3 && parts[1].equals("counter")) {
            return env.namespace("COUNTER").getByName(parts[2]).fetch(request);
        }
        return Response.text("Not found", 404);
    }
}
