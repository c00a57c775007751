package dev.partyflare.pubsub;

import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Json;
import dev.partyflare.durable.ListOptions;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.TimerHandle;
import dev.partyflare.durable.WebSocket;
import dev.partyflare.server.Connection;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of an autoscaled room ({@code <room>-<location>-<i>}). It hands what its clients publish to
 * the room's coordinator, in order, and delivers what the coordinator sends back, in the room's
 * order. It keeps three kinds of subscriptions: connected ones; at-least-once ones whose client is
 * away (kept for {@link Autoscaling#sessionExpiry}); and those of clients it moved away (kept for
 * {@link Autoscaling#moveTimeout}), for which it stores every matching message until the node
 * the client continues on takes them over.
 *
 * <p>A subscriber that continues here from another node is not served live until the handover is
 * complete: the old node hands over what it kept and the position it had reached ({@code P}); this
 * node had reached {@code V} when the subscriber arrived; the coordinator supplies {@code (P, V]};
 * and what this node processed meanwhile is held back and delivered after. So the subscriber gets
 * every message exactly once, in the room's order, however far apart the two nodes were.
 */
final class RoomNode {
    static final String SUB_PREFIX = "__pubsub_sub:";
    static final String RETIRED_KEY = "__pubsub_retired";
    static final String MOVE_HINT = "{\"__move\":\"node retiring\"}";
    static final int MOVED_CODE = 1012;
    static final String MOVED_REASON = "partysub: moved to another node";
    static final String PLACEMENT_HEADER = "x-partysub-placement";
    static final String FROM_HEADER = "x-partysub-from";
    static final String STABLE_HEADER = "x-partysub-stable";
    static final String DURABLE_HEADER = "x-partysub-durable";
    private static final Duration REPORT_DELAY = Duration.ofSeconds(1);
    private static final int MAX_LANE_BATCH = 512;
    private static final System.Logger LOG = System.getLogger("dev.partyflare.pubsub");

    private final PubSubServer server;
    private final DurableObjectState ctx;
    private final Env env;
    private final PubSub pubsub;
    private final Autoscaling scaling;
    private final String room;
    private final String nodeId;

    private boolean loaded;
    private boolean retired;
    private final Map<String, Sub> subs = new LinkedHashMap<>();
    private Long position;
    private long delivered;
    private long placementSeen;
    private final ArrayDeque<LaneItem> lane = new ArrayDeque<>();
    private boolean laneRunning;
    private long laneTicket;
    private long laneSent;
    private TimerHandle reportTimer;

    /** A subscription on this node. */
    private static final class Sub {
        final String id;
        List<String> topics;
        final boolean ack;
        final boolean durable;
        final boolean stable;
        boolean parked;
        Connection conn;
        List<Wire.Envelope> joining; // while a handover is under way: what to deliver after it
        boolean handedOff;
        boolean moving;
        boolean closing;
        long lastTicket;
        Long expiresAt;

        Sub(String id, List<String> topics, boolean ack, boolean durable, boolean stable) {
            this.id = id;
            this.topics = topics;
            this.ack = ack;
            this.durable = durable;
            this.stable = stable;
        }

        boolean live() {
            return conn != null && conn.readyState() == WebSocket.OPEN;
        }

        Wire.SubRecord record() {
            return new Wire.SubRecord(topics, ack, durable, parked, expiresAt);
        }
    }

    private record LaneItem(Wire.Publication publication, long ticket) {}

    RoomNode(PubSubServer server, DurableObjectState ctx, Env env, PubSub pubsub, String name) {
        this.server = server;
        this.ctx = ctx;
        this.env = env;
        this.pubsub = pubsub;
        this.scaling = pubsub.config.autoscaling;
        int last = name.lastIndexOf('-');
        int cut = name.lastIndexOf('-', last - 1);
        this.room = name.substring(0, cut);
        this.nodeId = name.substring(cut + 1);
    }

    private RoomRpc coordinator() {
        return pubsub.rpc(env, RoomCoordinator.nameOf(room), null);
    }

    private RoomRpc node(String id) {
        return pubsub.rpc(env, room + "-" + id, NodePlan.locationOf(id));
    }

    // ---- state ----

    private void load() {
        if (loaded) {
            return;
        }
        loaded = true;
        var storage = ctx.storage();
        retired = storage.get(RETIRED_KEY, Boolean.class).orElse(false);
        for (var e : storage.list(ListOptions.prefix(SUB_PREFIX), Wire.SubRecord.class)
                .entrySet()) {
            Wire.SubRecord r = e.getValue();
            Sub s = new Sub(e.getKey().substring(SUB_PREFIX.length()), r.topics(), r.ack(), r.durable(), true);
            s.parked = r.parked();
            s.expiresAt = r.expiresAt();
            subs.put(s.id, s);
        }
        for (Connection c : server.getConnections()) {
            Map<String, Object> state = PubSubServer.stateMap(c);
            Sub s = subs.get(c.id());
            if (s == null || s.parked) {
                s = new Sub(
                        c.id(),
                        PubSubServer.topicsOf(state),
                        Boolean.TRUE.equals(state.get("ack")),
                        Boolean.TRUE.equals(state.get("durable")),
                        Boolean.TRUE.equals(state.get("stable")));
                subs.put(s.id, s);
            }
            s.conn = c;
            s.expiresAt = null;
        }
        boolean changed = false;
        for (Sub s : subs.values()) {
            if (s.conn == null && s.expiresAt == null) {
                // its connection went away while no instance was running (a restart)
                s.expiresAt = ctx.now() + (s.durable ? scaling.sessionExpiry : scaling.moveTimeout).toMillis();
                ctx.storage().put(SUB_PREFIX + s.id, s.record());
                changed = true;
            }
        }
        if (changed) {
            scheduleExpiry();
        }
    }

    Wire.NodeReport report() {
        int connections = 0;
        int movable = 0;
        for (Sub s : subs.values()) {
            if (s.conn != null) {
                connections++;
                if (!s.moving) {
                    movable++;
                }
            }
        }
        return new Wire.NodeReport(position, connections, subs.size(), movable, delivered, placementSeen);
    }

    Wire.NodeReport stats() {
        load();
        return report();
    }

    private void reportSoon() {
        if (reportTimer == null) {
            reportTimer = ctx.setTimeout(REPORT_DELAY, () -> {
                reportTimer = null;
                reportNow();
            });
        }
    }

    private void reportNow() {
        try {
            coordinator().report(nodeId, report());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "partysub node " + room + "-" + nodeId + ": report failed", e);
        }
    }

    private void saveSub(Sub s) {
        ctx.storage().put(SUB_PREFIX + s.id, s.record());
    }

    private void forget(Sub s) {
        subs.remove(s.id, s);
        ctx.storage().delete(SUB_PREFIX + s.id);
        ctx.storage()
                .delete(new ArrayList<>(ctx.storage()
                        .list(ListOptions.prefix(PubSubServer.pendingPrefix(s.id)))
                        .keySet()));
    }

    private void scheduleExpiry() {
        Long earliest = null;
        for (Sub s : subs.values()) {
            if (s.conn == null && s.expiresAt != null && (earliest == null || s.expiresAt < earliest)) {
                earliest = s.expiresAt;
            }
        }
        if (earliest == null) {
            ctx.storage().deleteAlarm();
        } else {
            ctx.storage().setAlarm(earliest);
        }
    }

    void onAlarm() {
        load();
        long now = ctx.now();
        boolean changed = false;
        for (Sub s : new ArrayList<>(subs.values())) {
            if (s.conn == null && s.expiresAt != null && s.expiresAt <= now) {
                forget(s);
                changed = true;
            }
        }
        scheduleExpiry();
        if (changed) {
            reportNow();
        }
    }

    // ---- connections ----

    void onConnect(Connection conn, Request request) {
        load();
        if (retired) {
            // a connection placed here before this node retired: send it on
            conn.send(MOVE_HINT);
            conn.close(MOVED_CODE, MOVED_REASON);
            return;
        }
        String placement = routed(request, PLACEMENT_HEADER);
        if (placement != null) {
            placementSeen = Math.max(placementSeen, Long.parseLong(placement));
        }
        boolean ack = pubsub.config.atLeastOnce && PubSubServer.asksForAck(request);
        boolean stable = routed(request, STABLE_HEADER) != null;
        boolean durable = ack && stable && routed(request, DURABLE_HEADER) != null;
        String from = routed(request, FROM_HEADER);
        Sub s = new Sub(conn.id(), PubSubServer.topicsOf(request), ack, durable, stable);
        s.conn = conn;
        Sub old = subs.get(s.id);
        if (old != null) {
            if ((old.durable || old.parked) && old.topics != null) {
                s.topics = old.topics; // the subscription as it was last set ({"__topics"}) carries on
            }
            if (old.conn != null && old.conn.socket() != conn.socket() && old.live()) {
                old.conn.close(1000, "Replaced by a new connection with the same id");
            }
        }
        setState(s);
        subs.put(s.id, s);
        if (old != null) {
            // what was kept for it here while it was away, before anything new
            for (var p : ctx.storage()
                    .list(ListOptions.prefix(PubSubServer.pendingPrefix(s.id)), Wire.Stored.class)
                    .entrySet()) {
                send(s, p.getValue());
                if (!s.ack) {
                    ctx.storage().delete(p.getKey());
                }
            }
        }
        if (s.durable) {
            saveSub(s);
        } else if (old != null && (old.durable || old.parked)) {
            ctx.storage().delete(SUB_PREFIX + s.id);
        }
        if (from != null && !from.equals(nodeId)) {
            s.joining = new ArrayList<>();
            continueFrom(s, from);
        }
        reportSoon();
    }

    /** A header set by the router ({@link PubSub#route}), or null when it is absent or empty. */
    private static String routed(Request request, String header) {
        return request.header(header).filter(v -> !v.isEmpty()).orElse(null);
    }

    private void setState(Sub s) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("topics", s.topics);
        if (s.ack) {
            state.put("ack", true);
        }
        if (s.durable) {
            state.put("durable", true);
        }
        if (s.stable) {
            state.put("stable", true);
        }
        s.conn.setState(state);
    }

    /** Takes a subscriber over from node {@code from} (see the class comment). */
    private void continueFrom(Sub s, String from) {
        Long arrivedAt = position; // V, when known: everything after it is being held in s.joining
        Wire.Handoff handoff = null;
        Wire.Gap gap = null;
        try {
            long pin = coordinator().handoffBegin(from, nodeId);
            handoff = node(from).handoff(s.id);
            Long v = arrivedAt != null
                    ? arrivedAt
                    : s.joining.isEmpty() ? null : s.joining.getFirst().seq() - 1;
            Wire.Gap g = coordinator().handoffGap(pin, handoff.position(), v);
            // a node that kept nothing for it (it was never moved, or it expired) covered nothing:
            // the subscriber starts here afresh, with everything this node processed since it arrived
            gap = handoff.found() ? g : null;
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "partysub node " + room + "-" + nodeId + ": taking over " + s.id + " from " + from,
                    e);
        }
        // from here until the subscriber is live: no I/O, so nothing else runs in between
        if (handoff != null && handoff.found() && handoff.topics() != null) {
            s.topics = handoff.topics();
            if (s.conn != null) {
                setState(s);
            }
        }
        long covered = arrivedAt != null ? arrivedAt : Long.MIN_VALUE;
        if (handoff != null) {
            for (Wire.Stored p : handoff.pending()) {
                keepAndSend(s, p);
            }
        }
        if (gap != null) {
            covered = Math.max(gap.after(), gap.upTo());
            if (gap.upTo() > gap.after()) {
                for (Wire.Envelope e : gap.envelopes()) {
                    deliverTo(s, e, new String[2]);
                }
            }
        }
        List<Wire.Envelope> held = s.joining;
        s.joining = null;
        for (Wire.Envelope e : held) {
            if (e.seq() > covered) {
                deliverTo(s, e, new String[2]);
            }
        }
        if (s.durable) {
            saveSub(s);
        }
        try {
            coordinator().handoffDone(s.id, nodeId, s.durable);
            if (handoff != null && handoff.found()) {
                node(from).release(s.id);
            }
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "partysub node " + room + "-" + nodeId + ": finishing the takeover of " + s.id,
                    e);
        }
    }

    void onClose(Connection conn) {
        load();
        Sub s = subs.get(conn.id());
        if (s == null || s.conn == null || s.conn.socket() != conn.socket()) {
            return;
        }
        s.conn = null;
        if (s.durable) {
            s.expiresAt = ctx.now() + scaling.sessionExpiry.toMillis();
            saveSub(s);
            scheduleExpiry();
        } else if (s.moving && s.stable) {
            park(s);
        } else {
            forget(s);
        }
        if (subs.isEmpty()) {
            reportNow(); // a draining node can be retired now
        } else {
            reportSoon();
        }
    }

    private void park(Sub s) {
        s.parked = true;
        s.expiresAt = ctx.now() + scaling.moveTimeout.toMillis();
        saveSub(s);
        scheduleExpiry();
    }

    // ---- messages from clients ----

    void subscribe(Connection conn, List<String> topics) {
        load();
        Sub s = subs.get(conn.id());
        if (s == null) {
            return;
        }
        s.topics = topics;
        setState(s);
        if (s.durable) {
            saveSub(s);
        }
    }

    void acknowledge(Connection conn, long id) {
        ctx.storage().delete(PubSubServer.pendingPrefix(conn.id()) + String.format("%019d", id));
    }

    /** Queues a client's publish for the coordinator; false when the connection is being moved. */
    boolean publish(Connection conn, Wire.Publication p) {
        load();
        Sub s = subs.get(conn.id());
        if (s != null && s.closing) {
            return false;
        }
        LaneItem item = new LaneItem(p, ++laneTicket);
        lane.add(item);
        if (s != null) {
            s.lastTicket = item.ticket();
        }
        if (!laneRunning) {
            laneRunning = true;
            ctx.waitUntil(this::runLane);
        }
        return true;
    }

    /** A publish by HTTP: ordered before the reply. */
    void publishNow(Wire.Publication p) {
        load();
        coordinator().publishAll(List.of(p));
    }

    /** Hands queued publishes to the coordinator, in arrival order, one batch at a time. */
    private void runLane() {
        try {
            while (!lane.isEmpty()) {
                List<Wire.Publication> batch = new ArrayList<>();
                long last = 0;
                while (!lane.isEmpty() && batch.size() < MAX_LANE_BATCH) {
                    LaneItem item = lane.poll();
                    batch.add(item.publication());
                    last = item.ticket();
                }
                try {
                    coordinator().publishAll(batch);
                } catch (RuntimeException e) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "partysub node " + room + "-" + nodeId + ": " + batch.size() + " publishes lost",
                            e);
                }
                laneSent = last;
                for (Sub s : new ArrayList<>(subs.values())) {
                    if (s.closing && s.lastTicket <= laneSent) {
                        finishMove(s);
                    }
                }
            }
        } finally {
            laneRunning = false;
        }
    }

    // ---- deliveries ----

    Wire.NodeReport deliver(List<Wire.Envelope> envelopes) {
        load();
        for (Wire.Envelope e : envelopes) {
            if (position != null && e.seq() <= position) {
                continue; // already processed by this instance
            }
            position = e.seq();
            String[] texts = new String[2];
            for (Sub s : subs.values()) {
                if (s.handedOff) {
                    continue;
                }
                if (s.joining != null) {
                    s.joining.add(e);
                    continue;
                }
                deliverTo(s, e, texts);
            }
        }
        return report();
    }

    /** {@code texts} caches the message's plain and acknowledged text across subscribers. */
    private void deliverTo(Sub s, Wire.Envelope e, String[] texts) {
        if (!PubSubServer.matches(s.topics, e.topic()) || (pubsub.config.skipSelf && s.id.equals(e.from()))) {
            return;
        }
        boolean live = s.live();
        if (e.frame() != null) {
            if (live) {
                s.conn.send(e.frame());
            } else if (s.durable || s.parked) {
                store(s, new Wire.Stored(e.seq(), null, e.frame()));
            } else {
                return;
            }
        } else if (s.ack) {
            if (texts[1] == null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", e.seq());
                m.put("topic", e.topic());
                m.put("data", e.data());
                texts[1] = Json.stringify(m);
            }
            store(s, new Wire.Stored(e.seq(), texts[1], null));
            if (live) {
                s.conn.send(texts[1]); // held by the output gate until the record is durable
            }
        } else {
            if (texts[0] == null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("topic", e.topic());
                m.put("data", e.data());
                texts[0] = Json.stringify(m);
            }
            if (live) {
                s.conn.send(texts[0]);
            } else if (s.parked) {
                store(s, new Wire.Stored(e.seq(), texts[0], null));
            } else {
                return;
            }
        }
        delivered++;
    }

    private void store(Sub s, Wire.Stored m) {
        ctx.storage().put(PubSubServer.pendingPrefix(s.id) + String.format("%019d", m.seq()), m);
    }

    /** A message handed over from another node: kept here as there, and sent. */
    private void keepAndSend(Sub s, Wire.Stored m) {
        if (s.ack && m.text() != null) {
            store(s, m); // kept until acknowledged, as if it had been delivered here
        }
        send(s, m);
        delivered++;
    }

    private void send(Sub s, Wire.Stored m) {
        if (!s.live()) {
            if (s.durable) {
                store(s, m);
            }
            return;
        }
        if (m.frame() != null) {
            s.conn.send(m.frame());
        } else {
            s.conn.send(m.text());
        }
    }

    // ---- handing subscribers over ----

    Wire.Handoff handoff(String id) {
        load();
        Sub s = subs.get(id);
        if (s == null) {
            return new Wire.Handoff(null, false, List.of(), position);
        }
        if (s.live()) {
            // the client is back elsewhere while this socket still looks open: it is stale
            Connection c = s.conn;
            s.conn = null;
            c.close(1000, "Continued on another node");
        }
        s.conn = null;
        s.handedOff = true;
        List<Wire.Stored> kept = new ArrayList<>(ctx.storage()
                .list(ListOptions.prefix(PubSubServer.pendingPrefix(id)), Wire.Stored.class)
                .values());
        return new Wire.Handoff(s.topics, true, kept, position);
    }

    void release(String id) {
        load();
        Sub s = subs.get(id);
        if (s != null && s.conn == null) {
            forget(s);
            scheduleExpiry();
        }
        if (subs.isEmpty()) {
            reportNow();
        } else {
            reportSoon();
        }
    }

    List<Wire.MoveCandidate> prepareMoves() {
        load();
        List<Wire.MoveCandidate> out = new ArrayList<>();
        for (Sub s : subs.values()) {
            if (s.conn != null && !s.moving) {
                s.moving = true;
                out.add(new Wire.MoveCandidate(s.id, s.stable, s.durable));
            }
        }
        return out;
    }

    void closeMoved(List<String> ids) {
        load();
        for (String id : ids) {
            Sub s = subs.get(id);
            if (s == null || s.conn == null) {
                continue;
            }
            if (s.lastTicket > laneSent) {
                s.closing = true; // closed by the lane once its last publish is ordered
            } else {
                finishMove(s);
            }
        }
    }

    /**
     * Closes a moving connection with the move hint; what the client publishes from now on goes
     * through the node it reconnects to, after everything it published here.
     */
    private void finishMove(Sub s) {
        Connection c = s.conn;
        s.conn = null;
        s.closing = false;
        if (s.durable) {
            s.expiresAt = ctx.now() + scaling.sessionExpiry.toMillis();
            saveSub(s);
            scheduleExpiry();
        } else if (s.stable) {
            park(s);
        } else {
            forget(s);
        }
        if (c != null) {
            try {
                c.send(MOVE_HINT);
                c.close(MOVED_CODE, MOVED_REASON);
            } catch (RuntimeException e) {
                // it closed meanwhile
            }
        }
    }

    /** This node's state, for a test's failure message. */
    String describe() {
        StringBuilder b = new StringBuilder(room + "-" + nodeId + " position=" + position + " retired=" + retired
                + " lane=" + lane.size() + " laneRunning=" + laneRunning);
        for (Sub s : subs.values()) {
            b.append("\n    ")
                    .append(s.id)
                    .append(" live=")
                    .append(s.live())
                    .append(" ack=")
                    .append(s.ack)
                    .append(" durable=")
                    .append(s.durable)
                    .append(" parked=")
                    .append(s.parked)
                    .append(" joining=")
                    .append(s.joining == null ? "-" : s.joining.size())
                    .append(" handedOff=")
                    .append(s.handedOff)
                    .append(" moving=")
                    .append(s.moving)
                    .append(" closing=")
                    .append(s.closing)
                    .append(" expiresAt=")
                    .append(s.expiresAt);
        }
        return b.toString();
    }

    boolean retire() {
        load();
        if (!subs.isEmpty() || !lane.isEmpty()) {
            return false;
        }
        retired = true;
        ctx.storage().put(RETIRED_KEY, true);
        return true;
    }
}
