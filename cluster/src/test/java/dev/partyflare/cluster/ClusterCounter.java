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
 * A counter in storage that records where each instance is constructed and how many instances of
 * an id are live at once (an instance is live from its constructor to the end of its last event;
 * the emulator's eviction ends it, which the fixture sees as the next construction elsewhere).
 */
public class ClusterCounter extends DurableObject {
    /** id → the nodes its instances were constructed on, in order. */
    static final Map<String, List<String>> STARTS = new ConcurrentHashMap<>();
    /** id → events running right now, over all nodes. */
    static final Map<String, AtomicInteger> RUNNING = new ConcurrentHashMap<>();
    /** Ids that ever had events running on two nodes at once. */
    static final List<String> OVERLAPS = new CopyOnWriteArrayList<>();
    /** id → the node where a timer set by {@code ?later=MILLIS} ran. */
    static final Map<String, String> FIRED = new ConcurrentHashMap<>();

    private final String node;

    public ClusterCounter(DurableObjectState ctx, Env env) {
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
            OVERLAPS.add(id); // the input gate allows one event at a time here: more means two instances
        }
        try {
            long n = ctx.storage().get("n", Long.class).orElse(0L) + 1;
            ctx.storage().put("n", n);
            String later = request.url().contains("later=")
                    ? request.url().substring(request.url().indexOf("later=") + 6)
                    : null;
            if (later != null) { // a timer (setTimeout) with nothing else pending: the object stays live for it
                ctx.setTimeout(java.time.Duration.ofMillis(Long.parseLong(later)), () -> FIRED.put(id, node));
            }
            return Response.text(n + "@" + node);
        } finally {
            running.decrementAndGet();
        }
    }

    static void clear() {
        STARTS.clear();
        RUNNING.clear();
        OVERLAPS.clear();
        FIRED.clear();
    }
}
