package dev.partyflare.cluster;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A counter in shared storage that checks, in storage, that no other instance of its id wrote
 * since it last did: each instance stamps its writes with a token of its own, and an instance that
 * finds another's token after having written itself has met a second live instance (a takeover
 * without its end). It also records where instances start and events that ran at once.
 */
public class FailoverCounter extends DurableObject {
    /** id → the nodes its instances were constructed on, in order. */
    static final Map<String, List<String>> STARTS = new ConcurrentHashMap<>();
    /** id → events running right now, over all nodes. */
    static final Map<String, AtomicInteger> RUNNING = new ConcurrentHashMap<>();
    /** What showed two live instances of one id (in storage or at once in memory). */
    static final List<String> OVERLAPS = new CopyOnWriteArrayList<>();

    private final String node;
    private final String token = UUID.randomUUID().toString();
    private boolean wrote;

    public FailoverCounter(DurableObjectState ctx, Env env) {
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
            OVERLAPS.add(id + ": two events at once");
        }
        try {
            String last = ctx.storage().get("instance", String.class).orElse(null);
            if (wrote && !(token + "@" + node).equals(last)) {
                OVERLAPS.add(id + ": instance on " + node + " found another's write (" + last + ")");
            }
            long n = ctx.storage().get("n", Long.class).orElse(0L) + 1;
            ctx.storage().put("n", n);
            ctx.storage().put("instance", token + "@" + node);
            wrote = true;
            return Response.text(n + "@" + node);
        } finally {
            running.decrementAndGet();
        }
    }

    static void clear() {
        STARTS.clear();
        RUNNING.clear();
        OVERLAPS.clear();
    }
}
