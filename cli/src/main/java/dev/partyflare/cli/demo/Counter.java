package dev.partyflare.cli.demo;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import java.util.Map;

/** A hit counter per name: POST increments, GET reads. Requests are serialized by the input gate. */
public final class Counter extends DurableObject {
    private long count;

    public Counter(DurableObjectState ctx, Env env) {
        super(ctx, env);
    }

    @Override
    public Response fetch(Request request) {
        if (request.method().equals("POST")) {
            count++;
        }
        return Response.json(Map.of("name", ctx.id().name().orElse(""), "count", count, "location", ctx.location()));
    }
}
