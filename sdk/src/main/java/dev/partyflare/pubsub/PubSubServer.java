package dev.partyflare.pubsub;

import dev.partyflare.durable.DurableObjectNamespace;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Json;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * A node of a pub/sub room. Subscriptions live in each connection's state, so a hibernated node
 * still delivers after it wakes. In a room with a fixed number of nodes, a message published on one
 * node is delivered to its own matching subscribers and forwarded by RPC to every other node of the
 * room, in order per target. In an autoscaled room ({@link PubSubConfig#autoscale}) the same class
 * also serves as the room's coordinator ({@code <room>-coordinator}), which orders every publish
 * and sends it to every node of the room (see {@link Autoscaling}).
 *
 * <p>Its public methods other than those of {@link Server} are the RPC between the objects of a
 * room: internal to partysub, not for application code (use {@link PubSub} instead).
 */
@PartyOptions(hibernate = true)
public class PubSubServer extends Server implements RoomRpc {
    static final String PENDING_PREFIX = "__pubsub_pending:";
    private static final System.Logger LOG = System.getLogger("dev.partyflare.pubsub");
    private static final Pattern NODE_NAME = Pattern.compile(".+-[a-z]+-[0-9]+");

    private PubSub pubsub;
    private final Map<String, Outbox> outboxes = new HashMap<>();
    private final Map<String, long[]> rates = new HashMap<>();
    private RoomCoordinator coordinator;
    private RoomNode node;
    private long delivered;
    private final long startedAt;

    public PubSubServer(DurableObjectState ctx, Env env) {
        super(ctx, env);
        this.startedAt = ctx.now();
    }

    private boolean autoscaled() {
        return pubsub().config.autoscaling != null;
    }

    private RoomCoordinator coordinator() {
        if (coordinator == null) {
            if (!autoscaled() || !name().endsWith(RoomCoordinator.SUFFIX)) {
                throw new IllegalStateException(name() + " is not the coordinator of an autoscaled pub/sub room");
            }
            coordinator = new RoomCoordinator(ctx, env, pubsub(), name());
        }
        return coordinator;
    }

    /** The node role of an autoscaled room, or null for the coordinator and for fixed rooms. */
    private RoomNode node() {
        if (node == null && autoscaled() && !name().endsWith(RoomCoordinator.SUFFIX)) {
            if (!NODE_NAME.matcher(name()).matches()) {
                throw new IllegalStateException(name() + " is not a node name of an autoscaled pub/sub room");
            }
            node = new RoomNode(this, ctx, env, pubsub(), name());
        }
        return node;
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
                        if (pubsub != null && pubsub != p) {
                            // two bindings of one class are one namespace (as on Cloudflare): their
                            // rooms would be the same objects under two configurations
                            String[] both = {pubsub.config.binding, p.config.binding};
                            java.util.Arrays.sort(both);
                            pubsub = null;
                            throw new IllegalStateException("The pub/sub bindings " + both[0] + " and "
                                    + both[1] + " point at the same Durable Object class, so they"
                                    + " share their objects and this room cannot tell which configuration is"
                                    + " its own; bind each configuration to a subclass of its own"
                                    + " (class BusA extends PubSubServer {})");
                        }
                        pubsub = p;
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

    static List<String> topicsOf(Request request) {
        return request.queryParam("topics")
                .filter(t -> !t.isEmpty())
                .map(t -> List.of(t.split(",")))
                .orElse(List.of("*"));
    }

    static boolean asksForAck(Request request) {
        return request.queryParam("ack")
                .map(v -> v.equals("1") || v.equals("true"))
                .orElse(false);
    }

    static String pendingPrefix(String connectionId) {
        return PENDING_PREFIX + connectionId + ":";
    }

    @Override
    public void onConnect(Connection connection, ConnectionContext context) {
        Request request = context.request();
        if (autoscaled()) {
            RoomNode n = node();
            if (n == null) {
                connection.close(1008, "The coordinator of a pub/sub room takes no connections");
                return;
            }
            n.onConnect(connection, request);
            return;
        }
        List<String> topics = topicsOf(request);
        boolean ack = pubsub().config.atLeastOnce && asksForAck(request);
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("topics", topics);
        if (ack) {
            state.put("ack", true);
            for (Object pending : ctx.storage()
                    .list(ListOptions.prefix(pendingPrefix(connection.id())))
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
                        Json.stringify(Map.of("error", "Binary messages are not enabled for this pub/sub server")));
                return;
            }
            byte[] frame = message.asBytes();
            if (frame.length < 2) {
                connection.send(Json.stringify(Map.of("error", "A binary message starts with a 2-byte topic length")));
                return;
            }
            int len = ByteBuffer.wrap(frame, 0, 2).getShort() & 0xffff;
            if (frame.length < 2 + len) {
                connection.send(Json.stringify(Map.of("error", "The topic length is longer than the message")));
                return;
            }
            if (allowed(connection)) {
                String topic = new String(frame, 2, len, StandardCharsets.UTF_8);
                if (node() != null) {
                    publishThroughCoordinator(connection, new Wire.Publication(topic, null, frame, connection.id()));
                    return;
                }
                deliverBinary(topic, frame, connection.id());
                forward("publishBinary", topic, frame);
            }
            return;
        }
        Map<String, Object> m;
        try {
            m = readObject(message.asText());
        } catch (RuntimeException e) {
            connection.send(Json.stringify(Map.of("error", "Invalid message: expected JSON {\"topic\", \"data\"}")));
            return;
        }
        if (m.get("__topics") instanceof List<?> topics) {
            List<String> names = topics.stream().map(String::valueOf).toList();
            if (node() != null) {
                node().subscribe(connection, names);
                return;
            }
            Map<String, Object> state = new LinkedHashMap<>(stateOf(connection));
            state.put("topics", names);
            connection.setState(state);
            return;
        }
        if (m.containsKey("__ack")) {
            Long id = ackId(m.get("__ack"));
            if (id == null) {
                connection.send(Json.stringify(Map.of("error", "__ack takes the id of a message")));
            } else if (node() != null) {
                node().acknowledge(connection, id);
            } else {
                ctx.storage().delete(pendingPrefix(connection.id()) + String.format("%019d", id));
            }
            return;
        }
        Object topic = m.get("topic");
        Object data = m.get("data");
        if (!(topic instanceof String t) || t.isEmpty() || data == null) {
            connection.send(Json.stringify(Map.of("error", "Invalid request")));
            return;
        }
        if (allowed(connection)) {
            if (node() != null) {
                publishThroughCoordinator(connection, new Wire.Publication(t, data, null, connection.id()));
                return;
            }
            publishFrom(t, data, connection.id());
        }
    }

    /** The id of an acknowledged message: a number, or its digits as a string (possibly zero-padded). */
    static Long ackId(Object v) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof String s && !s.isEmpty() && s.chars().allMatch(Character::isDigit) && s.length() <= 19) {
            return Long.parseLong(s);
        }
        return null;
    }

    private void publishThroughCoordinator(Connection connection, Wire.Publication p) {
        if (!node().publish(connection, p)) {
            connection.send(Json.stringify(
                    Map.of("error", "This connection is moving to another node; publish again after reconnecting")));
        }
    }

    @Override
    public void onClose(Connection connection, int code, String reason, boolean wasClean) {
        if (node() != null) {
            node().onClose(connection);
        }
    }

    @Override
    public void onAlarm() {
        if (node() != null) {
            node().onAlarm();
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
                    Json.stringify(Map.of("error", "Rate limit exceeded: at most " + limit + " messages per second")));
            return false;
        }
        bucket[1] = tokens - 1000;
        return true;
    }

    @Override
    public Response onRequest(Request request) {
        Map<String, Object> m;
        try {
            m = readObject(request.text());
        } catch (RuntimeException e) {
            return Response.text("Invalid request", 400);
        }
        if (!(m.get("topic") instanceof String topic) || topic.isEmpty() || m.get("data") == null) {
            return Response.text("Invalid request", 400);
        }
        if (autoscaled()) {
            Wire.Publication p = new Wire.Publication(topic, m.get("data"), null, null);
            if (node() == null) {
                coordinator().publishAll(List.of(p)); // OK once ordered (and, at least once, logged durably)
            } else {
                node().publishNow(p);
            }
            return Response.text("OK");
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

    /** A connection's state as a map (an empty one when it has none). */
    static Map<String, Object> stateMap(Connection c) {
        Object s = c.state();
        if (s instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> state = (Map<String, Object>) m;
            return state;
        }
        return Map.of();
    }

    static List<String> topicsOf(Map<String, Object> state) {
        return state.get("topics") instanceof List<?> l
                ? l.stream().map(String::valueOf).toList()
                : List.of("*");
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
                String text = Json.stringify(m);
                ctx.storage().put(pendingPrefix(c.id()) + String.format("%019d", seq), text);
                c.send(text); // held by the output gate until the pending record is durable
                delivered++;
            } else {
                if (plain == null) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("topic", topic);
                    m.put("data", data);
                    plain = Json.stringify(m);
                }
                c.send(plain);
                delivered++;
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
                delivered++;
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

    /** A JSON object's text as a map; anything else is refused. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> readObject(String text) {
        if (!(Json.parse(text, Object.class) instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("Expected a JSON object");
        }
        return (Map<String, Object>) m;
    }

    // ---- RPC between the objects of a room (internal to partysub) ----

    @Override
    public Wire.Placement place(String location, String connection, boolean durable) {
        return coordinator().place(location, connection, durable);
    }

    @Override
    public long publishAll(List<Wire.Publication> publications) {
        return coordinator().publishAll(publications);
    }

    @Override
    public void report(String node, Wire.NodeReport report) {
        coordinator().report(node, report);
    }

    @Override
    public long handoffBegin(String from, String to) {
        return coordinator().handoffBegin(from, to);
    }

    @Override
    public Wire.Gap handoffGap(long handoff, Long fromPosition, Long toPosition) {
        return coordinator().handoffGap(handoff, fromPosition, toPosition);
    }

    @Override
    public void handoffDone(String connection, String node, boolean durable) {
        coordinator().handoffDone(connection, node, durable);
    }

    @Override
    public RoomMetrics roomMetrics() {
        return coordinator().metrics();
    }

    @Override
    public Wire.NodeReport deliver(List<Wire.Envelope> envelopes) {
        return autoscaledNode().deliver(envelopes);
    }

    @Override
    public Wire.NodeReport stats() {
        return autoscaledNode().stats();
    }

    @Override
    public Wire.Handoff handoff(String connection) {
        return autoscaledNode().handoff(connection);
    }

    @Override
    public void release(String connection) {
        autoscaledNode().release(connection);
    }

    @Override
    public List<Wire.MoveCandidate> prepareMoves() {
        return autoscaledNode().prepareMoves();
    }

    @Override
    public void closeMoved(List<String> connections) {
        autoscaledNode().closeMoved(connections);
    }

    @Override
    public boolean retire() {
        return autoscaledNode().retire();
    }

    @Override
    public NodeMetrics nodeMetrics() {
        String me = name();
        String nodeId = me.substring(me.lastIndexOf('-', me.lastIndexOf('-') - 1) + 1);
        String location = nodeId.substring(0, nodeId.lastIndexOf('-'));
        long seconds = Math.max(1, (ctx.now() - startedAt) / 1000);
        return new NodeMetrics(
                nodeId,
                location,
                NodeMetrics.State.ACTIVE,
                getConnections().size(),
                delivered,
                (double) delivered / seconds);
    }

    /** The node's state, for a test's failure message. */
    String describe() {
        RoomNode n = node();
        return n == null ? name() : n.describe();
    }

    private RoomNode autoscaledNode() {
        RoomNode n = node();
        if (n == null) {
            throw new IllegalStateException(name() + " is not a node of an autoscaled pub/sub room");
        }
        return n;
    }
}
