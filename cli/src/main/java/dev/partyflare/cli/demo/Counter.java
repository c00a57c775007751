package dev.partyflare.cli.demo;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import java.util.Map;

/** A hit counter per name, in storage: POST increments, GET reads. The input gate serializes them. */
public final class Counter extends DurableObject {
    public Counter(DurableObjectState ctx, Env env) {
        super(ctx, env);
    }

    @Override
    public Response fetch(Request request) {
        long count = ctx.storage().get("count", Long.class).orElse(0L);
        if (request.method().equals("POST")) {
            count++;
            ctx.storage().put("count", count); // durable before the reply leaves (output gate)
        }
        return Response.json(Map.of("name", ctx.id().name().orElse(""), "count", count, "location", ctx.location()));
    }
}
