package dev.partyflare.pubsub;

import dev.partyflare.durable.DurableObjectNamespace;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.ListOptions;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.server.Connection;
import dev.partyflare.server.ConnectionContext;
import dev.partyflare.server.PartyOptions;
import dev.partyflare.server.Server;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A node of a pub/sub room. Subscriptions live in each connection's state, so a hibernated node
 * still delivers after it wakes. A message published on one node is delivered to its own matching
 * subscribers and forwarded by RPC to every other node of the room, in order per target.
 */
@PartyOptions(hibernate = true)
public class PubSubServer extends Server {
    static final String PENDING_PREFIX = "__pubsub_pending:";
    private static final System.Logger LOG = System.getLogger("dev.partyflare.pubsub");

    private PubSub pubsub;
    private final Map<String, Outbox> outboxes = new HashMap<>();
    private final Map<String, long[]> rates = new HashMap<>();

    public PubSubServer(DurableObjectState ctx, Env env) {
        super(ctx, env);
    }

    private PubSub pubsub() {
        if (pubsub == null) {
            for (PubSub p : PubSub.registered()) {
                if (env.namespaceNames().contains(p.config.binding)) {
                    DurableObjectNamespace ns = env.namespace(p.config.binding);
                    if (p.config.jurisdiction != null) {
                        ns = ns.jurisdiction(p.config.jurisdiction);
                    }
                    if (ns.idFromName(name()).equals(ctx.id())) {
                        pubsub = p;
                        break;
                    }
                }
            }
            if (pubsub == null) {
                throw new IllegalStateException(
                        "No PubSub configuration for this server: call PubSub.create(config) with"
                                + " the binding this class is bound to before routing requests");
            }
        }
        return pubsub;
    }

    @Override
    public void onConnect(Connection connection, ConnectionContext context) {
        Request request = context.request();
        List<String> topics = request.queryParam("topics")
                .filter(t -> !t.isEmpty())
                .map(t -> List.of(t.split(",")))
                .orElse(List.of("*"));
        boolean ack = pubsub().config.atLeastOnce
                && request.queryParam("ack")
                        .map(v -> v.equals("1") || v.equals("true"))
                        .orElse(false);
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("topics", topics);
        if (ack) {
            state.put("ack", true);
            for (Object pending : ctx.storage()
                    .list(ListOptions.prefix(PENDING_PREFIX + connection.id() + ":"))
                    .values()) {
                connection.send((String) pending); // delivered again until acknowledged
            }
        }
        connection.setState(state);
    }

    @Override
    public void onMessage(Connection connection, WebSocketMessage message) {
        if (!message.isText()) {
            if (!pubsub().config.binaryPayloads) {
                connection.send(
                        JsonText.write(Map.of("error", "Binary messages are not enabled for this pub/sub server")));
                return;
            }
            byte[] frame = message.asBytes();
            if (frame.length < 2) {
                connection.send(JsonText.write(Map.of("error", "A binary message starts with a 2-byte topic length")));
                return;
            }
            int len = ByteBuffer.wrap(frame, 0, 2).getShort() & 0xffff;
            if (frame.length < 2 + len) {
                connection.send(JsonText.write(Map.of("error", "The topic length is longer than the message")));
                return;
            }
            if (allowed(connection)) {
                String topic = new String(frame, 2, len, StandardCharsets.UTF_8);
                deliverBinary(topic, frame, connection.id());
                forward("publishBinary", topic, frame);
            }
            return;
        }
        Map<String, Object> m;
        try {
            m = JsonText.readObject(message.asText());
        } catch (RuntimeException e) {
            connection.send(JsonText.write(Map.of("error", "Invalid message: expected JSON {\"topic\", \"data\"}")));
            return;
        }
        if (m.get("__topics") instanceof List<?> topics) {
            Map<String, Object> state = new LinkedHashMap<>(stateOf(connection));
            state.put("topics", topics);
            connection.setState(state);
            return;
        }
        if (m.containsKey("__ack")) {
            ctx.storage().delete(PENDING_PREFIX + connection.id() + ":" + m.get("__ack"));
            return;
        }
        Object topic = m.get("topic");
        Object data = m.get("data");
        if (!(topic instanceof String t) || t.isEmpty() || data == null) {
            connection.send(JsonText.write(Map.of("error", "Invalid request")));
            return;
        }
        if (allowed(connection)) {
            publishFrom(t, data, connection.id());
        }
    }

    /** A per-connection token bucket on the runtime clock. */
    private boolean allowed(Connection connection) {
        int limit = pubsub().config.rateLimitPerSecond;
        if (limit <= 0) {
            return true;
        }
        long now = ctx.now();
        long[] bucket = rates.computeIfAbsent(connection.id(), k -> new long[] {now, limit * 1000L});
        long tokens = Math.min(limit * 1000L, bucket[1] + (now - bucket[0]) * limit);
        bucket[0] = now;
        if (tokens < 1000) {
            bucket[1] = tokens;
            connection.send(
                    JsonText.write(Map.of("error", "Rate limit exceeded: at most " + limit + " messages per second")));
            return false;
        }
        bucket[1] = tokens - 1000;
        return true;
    }

    @Override
    public Response onRequest(Request request) {
        Map<String, Object> m;
        try {
            m = JsonText.readObject(request.text());
        } catch (RuntimeException e) {
            return Response.text("Invalid request", 400);
        }
        if (!(m.get("topic") instanceof String topic) || topic.isEmpty() || m.get("data") == null) {
            return Response.text("Invalid request", 400);
        }
        publishFrom(topic, m.get("data"), null);
        return Response.text("OK");
    }

    private void publishFrom(String topic, Object data, String fromId) {
        deliver(topic, data, fromId);
        forward("publish", topic, data);
    }

    /** Delivers a message published on another node of the room (RPC). */
    public void publish(String topic, Object data) {
        deliver(topic, data, null);
    }

    /** Delivers a binary message published on another node (RPC). */
    public void publishBinary(String topic, byte[] frame) {
        deliverBinary(topic, frame, null);
    }

    static boolean matches(List<?> patterns, String topic) {
        for (Object o : patterns) {
            String p = String.valueOf(o);
            if (p.equals("*")
                    || p.equals(topic)
                    || (p.endsWith(":*") && topic.startsWith(p.substring(0, p.length() - 2)))) {
                return true;
            }
        }
        return false;
    }

    private Map<String, Object> stateOf(Connection c) {
        Object s = c.state();
        if (s instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> state = (Map<String, Object>) m;
            return state;
        }
        return Map.of("topics", List.of("*"));
    }

    private void deliver(String topic, Object data, String fromId) {
        String plain = null;
        for (Connection c : getConnections()) {
            if (pubsub().config.skipSelf && c.id().equals(fromId)) {
                continue;
            }
            Map<String, Object> state = stateOf(c);
            if (!matches((List<?>) state.getOrDefault("topics", List.of("*")), topic)) {
                continue;
            }
            if (Boolean.TRUE.equals(state.get("ack"))) {
                long seq = nextSeq();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", seq);
                m.put("topic", topic);
                m.put("data", data);
                String text = JsonText.write(m);
                ctx.storage().put(PENDING_PREFIX + c.id() + ":" + String.format("%019d", seq), text);
                c.send(text); // held by the output gate until the pending record is durable
            } else {
                if (plain == null) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("topic", topic);
                    m.put("data", data);
                    plain = JsonText.write(m);
                }
                c.send(plain);
            }
        }
    }

    private void deliverBinary(String topic, byte[] frame, String fromId) {
        for (Connection c : getConnections()) {
            if (pubsub().config.skipSelf && c.id().equals(fromId)) {
                continue;
            }
            if (matches((List<?>) stateOf(c).getOrDefault("topics", List.of("*")), topic)) {
                c.send(frame);
            }
        }
    }

    private long nextSeq() {
        long n = ctx.storage().get("__pubsub_seq", Long.class).orElse(0L) + 1;
        ctx.storage().put("__pubsub_seq", n);
        return n;
    }

    /** Sends to every other node of this room, in order per target node, in the background. */
    private void forward(String method, String topic, Object data) {
        PubSub p = pubsub();
        String me = name();
        String node = me.substring(me.lastIndexOf('-', me.lastIndexOf('-') - 1) + 1);
        String base = me.substring(0, me.length() - node.length() - 1);
        DurableObjectNamespace ns = env.namespace(p.config.binding);
        if (p.config.jurisdiction != null) {
            ns = ns.jurisdiction(p.config.jurisdiction);
        }
        for (String other : p.plan.allNodes()) {
            String target = base + "-" + other;
            if (target.equals(me)) {
                continue;
            }
            DurableObjectNamespace fns = ns;
            String hint = NodePlan.locationOf(other);
            Outbox box = outboxes.computeIfAbsent(target, t -> new Outbox());
            ctx.waitUntil(box.submit(() -> {
                try {
                    fns.get(fns.idFromName(target), new dev.partyflare.durable.GetOptions(hint))
                            .call(Void.class, method, topic, data);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "Error publishing to " + target, e);
                }
            }));
        }
    }

    /** Runs tasks one after another on a virtual thread: order per target node. */
    private static final class Outbox {
        private final ReentrantLock lock = new ReentrantLock();
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        private final ArrayDeque<CompletableFuture<Void>> done = new ArrayDeque<>();
        private boolean running;

        CompletableFuture<Void> submit(Runnable task) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            lock.lock();
            try {
                tasks.add(task);
                done.add(f);
                if (running) {
                    return f;
                }
                running = true;
            } finally {
                lock.unlock();
            }
            Thread.ofVirtual().name("partysub-forward").start(this::drain);
            return f;
        }

        private void drain() {
            while (true) {
                Runnable next;
                CompletableFuture<Void> f;
                lock.lock();
                try {
                    next = tasks.poll();
                    f = done.poll();
                    if (next == null) {
                        running = false;
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                try {
                    next.run();
                } finally {
                    f.complete(null);
                }
            }
        }
    }

    /** Subscriptions of the open connections (for inspection). */
    public List<String> subscriptions() {
        List<String> out = new ArrayList<>();
        for (Connection c : getConnections()) {
            out.add(c.id() + "=" + stateOf(c).get("topics"));
        }
        return out;
    }
}
