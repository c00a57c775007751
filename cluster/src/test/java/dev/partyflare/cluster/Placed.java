package dev.partyflare.cluster;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A counter that answers {@code <count>@<node>@<ctx.location()>} and records where its instances
 * are constructed and whether two of one id ever ran events at once (data centers test).
 */
public class Placed extends DurableObject {
    /** id → the nodes its instances were constructed on, in order. */
    static final Map<String, List<String>> STARTS = new ConcurrentHashMap<>();
    /** id → events running right now, over all nodes. */
    static final Map<String, AtomicInteger> RUNNING = new ConcurrentHashMap<>();
    /** Ids that ever had events running in two instances at once. */
    static final List<String> OVERLAPS = new CopyOnWriteArrayList<>();

    private final String node;

    public Placed(DurableObjectState ctx, Env env) {
        super(ctx, env);
        this.node = env.var("NODE").orElse("?");
        STARTS.computeIfAbsent(ctx.id().toString(), k -> new CopyOnWriteArrayList<>())
                .add(node);
    }

    @Override
    public Response fetch(Request request) {
        String id = ctx.id().toString();
        AtomicInteger running = RUNNING.computeIfAbsent(id, k -> new AtomicInteger());
        if (running.incrementAndGet() > 1) {
            OVERLAPS.add(id);
        }
        try {
            long n = ctx.storage().get("n", Long.class).orElse(0L) + 1;
            ctx.storage().put("n", n);
            return Response.text(n + "@" + node + "@" + ctx.location());
        } finally {
            running.decrementAndGet();
        }
    }
}
