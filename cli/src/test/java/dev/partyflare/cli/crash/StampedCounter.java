package dev.partyflare.cli.crash;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import java.util.UUID;

/**
 * A counter for the cluster kill test: {@code POST .../inc} counts one up and answers {@code
 * n@node}; {@code GET .../get} answers {@code n overlaps}. Each instance stamps its writes with a
 * token of its own; an instance that finds another's token after having written itself has met a
 * second live instance of its id, and counts that in storage ("overlaps"), where the test reads it.
 */
public class StampedCounter extends DurableObject {
    private final String node;
    private final String token = UUID.randomUUID().toString();
    private boolean wrote;

    public StampedCounter(DurableObjectState ctx, Env env) {
        super(ctx, env);
        this.node = env.var("NODE").orElse("?");
    }

    @Override
    public Response fetch(Request request) {
        long n = ctx.storage().get("n", Long.class).orElse(0L);
        long overlaps = ctx.storage().get("overlaps", Long.class).orElse(0L);
        if (request.path().endsWith("/get")) {
            return Response.text(n + " " + overlaps);
        }
        String last = ctx.storage().get("instance", String.class).orElse(null);
        if (wrote && !token.equals(last)) {
            ctx.storage().put("overlaps", overlaps + 1);
        }
        ctx.storage().put("n", n + 1);
        ctx.storage().put("instance", token);
        wrote = true;
        return Response.text((n + 1) + "@" + node);
    }
}
