package dev.partyflare.pubsub;

import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.ListOptions;
import dev.partyflare.durable.TimerHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The coordinating object of an autoscaled room ({@code <room>-coordinator}). It keeps the room's
 * nodes in its storage, places connections, and orders every publish: a message gets its {@code
 * seq} here and is queued, in that order, for every node that is active or draining at that moment.
 * So the set of nodes a publish reaches is decided where the set itself changes, one event at a
 * time behind the input gate:
 *
 * <ul>
 *   <li>a node is added to the stored membership in the event that places the first connection on
 *       it; the placement's reply leaves only once that write is durable (the output gate), so no
 *       subscriber is ever on a node that publishes skip;
 *   <li>a retiring node stays in the membership (draining) until it reports that it keeps nothing
 *       and confirms its own retirement, so it receives every publish until its last subscriber has
 *       moved or left.
 * </ul>
 *
 * <p>Each node gets the messages in {@code seq} order through one loop per node, in batches; a batch's
 * reply carries the node's load. All of this object's state is touched only inside its own events.
 */
final class RoomCoordinator {
    static final String SUFFIX = "-coordinator";
    static final String ACTIVE = "active";
    static final String DRAINING = "draining";
    private static final String MEMBERSHIP_KEY = "__coord:membership";
    private static final String SEQ_KEY = "__coord:seq";
    static final String HOME_PREFIX = "__coord:home:";
    static final String LOG_PREFIX = "__coord:log:";
    private static final long SEQ_BLOCK = 100_000;
    private static final int MAX_BATCH = 256;
    private static final int MAX_ATTEMPTS = 3;
    private static final long PIN_LIFETIME_MS = 60_000;
    private static final System.Logger LOG = System.getLogger("dev.partyflare.pubsub");

    private final DurableObjectState ctx;
    private final Env env;
    private final PubSub pubsub;
    private final Autoscaling scaling;
    private final String room;

    private boolean loaded;
    private final Map<String, NodeState> nodes = new LinkedHashMap<>();
    private final Map<String, Integer> nextIndex = new HashMap<>();
    private long seq;
    private long seqBlockEnd;
    /** Every seq up to here was ordered by an earlier instance of this object. */
    private long baseSeq;

    private long logFloor;
    private Retention retention;
    private final Map<Long, Pin> pins = new HashMap<>();
    private long nextPin;
    private final Map<String, Long> lowSince = new HashMap<>();
    private final Map<String, TimerHandle> scaleTimers = new HashMap<>();
    private long publishes;

    /** What one node is sent, and what it reported. */
    private static final class NodeState {
        final String id;
        final String location;
        String state;
        final long startSeq;
        final int index;
        long cursor; // the next seq to send it
        Long acked; // the last seq it processed, as this instance saw
        boolean sending;
        boolean moving;
        boolean retiring;
        int attempts;
        // load
        boolean reported;
        int connections;
        int holding;
        int movable;
        long placementsIssued;
        long placementSeen;
        long issuedAtReport;
        long lastDelivered;
        long deliveries;
        final ArrayDeque<long[]> samples = new ArrayDeque<>(); // {time, deliveries}

        NodeState(Wire.NodeRecord r, long cursor) {
            this.id = r.id();
            this.location = r.location();
            this.state = r.state();
            this.startSeq = r.startSeq();
            this.index = Integer.parseInt(r.id().substring(r.id().lastIndexOf('-') + 1));
            this.cursor = cursor;
        }

        boolean active() {
            return ACTIVE.equals(state);
        }

        long estimatedConnections() {
            if (!reported) {
                return placementsIssued;
            }
            long baseline = placementSeen > 0 ? placementSeen : issuedAtReport;
            return connections + Math.max(0, placementsIssued - baseline);
        }
    }

    /** Keeps the retention from being pruned while a subscriber moves between two nodes. */
    private record Pin(long floor, String from, Long fromAcked, String to, Long toAcked, long at) {}

    RoomCoordinator(DurableObjectState ctx, Env env, PubSub pubsub, String name) {
        this.ctx = ctx;
        this.env = env;
        this.pubsub = pubsub;
        this.scaling = pubsub.config.autoscaling;
        this.room = name.substring(0, name.length() - SUFFIX.length());
    }

    static String nameOf(String room) {
        return room + SUFFIX;
    }

    // ---- state ----

    private void load() {
        if (loaded) {
            return;
        }
        loaded = true;
        var storage = ctx.storage();
        seqBlockEnd = storage.get(SEQ_KEY, Long.class).orElse(0L);
        seq = seqBlockEnd;
        baseSeq = seq;
        logFloor = seq;
        retention = new Retention(seq);
        Wire.Membership m = storage.get(MEMBERSHIP_KEY, Wire.Membership.class).orElse(null);
        if (m == null) {
            for (String loc : pubsub.plan.autoscaledLocations) {
                for (int i = 0; i < scaling.boundsOf(loc).min(); i++) {
                    addNode(loc);
                }
            }
            saveMembership();
        } else {
            nextIndex.putAll(m.nextIndex());
            for (Wire.NodeRecord r : m.nodes()) {
                nodes.put(r.id(), new NodeState(r, seq + 1));
            }
            // an earlier instance stopped: ask the nodes for their load rather than guess
            ctx.waitUntil(this::refreshLoads);
        }
        if (pubsub.config.atLeastOnce) {
            // acknowledged publishes that some node may not have processed: ordered again, after
            // everything the earlier instance ordered (subscribers may get them twice, never not)
            var logged = storage.list(ListOptions.prefix(LOG_PREFIX), Wire.Envelope.class);
            if (!logged.isEmpty()) {
                storage.delete(new ArrayList<>(logged.keySet()));
                List<Wire.Publication> again = new ArrayList<>();
                for (Wire.Envelope e : logged.values()) {
                    again.add(new Wire.Publication(e.topic(), e.data(), e.frame(), e.from()));
                }
                order(again);
                LOG.log(
                        System.Logger.Level.DEBUG,
                        "partysub room " + room + ": " + again.size() + " logged publishes sent again after a restart");
            }
        }
    }

    private void saveMembership() {
        List<Wire.NodeRecord> records = new ArrayList<>();
        for (NodeState n : nodes.values()) {
            records.add(new Wire.NodeRecord(n.id, n.location, n.state, n.startSeq));
        }
        ctx.storage().put(MEMBERSHIP_KEY, new Wire.Membership(records, new HashMap<>(nextIndex)));
    }

    private NodeState addNode(String location) {
        int index = nextIndex.merge(location, 1, Integer::sum) - 1;
        Wire.NodeRecord r = new Wire.NodeRecord(location + "-" + index, location, ACTIVE, seq + 1);
        NodeState n = new NodeState(r, seq + 1);
        nodes.put(n.id, n);
        LOG.log(System.Logger.Level.DEBUG, "partysub room " + room + ": node " + n.id + " added");
        return n;
    }

    private long nextSeq() {
        if (seq + 1 > seqBlockEnd) {
            seqBlockEnd += SEQ_BLOCK;
            ctx.storage().put(SEQ_KEY, seqBlockEnd); // durable before any envelope of the block leaves
        }
        return ++seq;
    }

    private RoomRpc node(String id) {
        return pubsub.rpc(env, room + "-" + id, NodePlan.locationOf(id));
    }

    // ---- placement ----

    Wire.Placement place(String location, String connection, boolean durable) {
        load();
        String loc = pubsub.plan.autoscaledLocations.contains(location)
                ? location
                : pubsub.plan.autoscaledLocations.get(
                        ThreadLocalRandom.current().nextInt(pubsub.plan.autoscaledLocations.size()));
        String from = null;
        if (connection != null) {
            String home =
                    ctx.storage().get(HOME_PREFIX + connection, String.class).orElse(null);
            if (home != null) {
                NodeState h = nodes.get(home);
                if (h != null && h.active()) {
                    return placeOn(h, null); // its subscription is there: back to it
                }
                if (h != null) {
                    from = home; // draining: continue elsewhere with what it kept there
                } else {
                    ctx.storage().delete(HOME_PREFIX + connection); // retired, so it kept nothing
                }
            }
        }
        rebalance(loc, 1);
        NodeState target = nodes.values().stream()
                .filter(n -> n.active() && n.location.equals(loc))
                .min(Comparator.comparingLong(NodeState::estimatedConnections)
                        .thenComparingDouble(this::rate)
                        .thenComparingInt(n -> n.index))
                .orElseGet(() -> nodes.values().stream()
                        .filter(NodeState::active)
                        .findFirst()
                        .orElseThrow());
        if (durable && from == null) {
            ctx.storage().put(HOME_PREFIX + connection, target.id);
        }
        return placeOn(target, from);
    }

    private Wire.Placement placeOn(NodeState n, String from) {
        n.placementsIssued++;
        return new Wire.Placement(n.id, from, n.placementsIssued);
    }

    // ---- scaling ----

    private double rate(NodeState n) {
        long now = ctx.now();
        long window = scaling.rateWindow.toMillis();
        while (!n.samples.isEmpty() && n.samples.peekFirst()[0] <= now - window) {
            n.samples.pollFirst();
        }
        long sum = 0;
        for (long[] s : n.samples) {
            sum += s[1];
        }
        return sum * 1000.0 / window;
    }

    /**
     * Adds nodes to {@code location} when its active nodes carry more than the target (counting
     * {@code extraConnections} about to be placed), or retires one when the load has fitted in one
     * node fewer for long enough.
     */
    private void rebalance(String location, int extraConnections) {
        List<NodeState> active = nodes.values().stream()
                .filter(n -> n.active() && n.location.equals(location))
                .toList();
        Autoscaling.Bounds bounds = scaling.boundsOf(location);
        long connections = extraConnections;
        double rate = 0;
        for (NodeState n : active) {
            connections += n.estimatedConnections();
            rate += rate(n);
        }
        long needed = bounds.min();
        if (scaling.connectionsPerNode > 0) {
            needed = Math.max(needed, ceilDiv(connections, scaling.connectionsPerNode));
        }
        if (scaling.deliveriesPerSecondPerNode > 0) {
            needed = Math.max(needed, (long) Math.ceil(rate / scaling.deliveriesPerSecondPerNode));
        }
        needed = Math.min(needed, bounds.max());
        if (needed > active.size()) {
            for (long i = active.size(); i < needed; i++) {
                NodeState n = addNode(location);
                LOG.log(
                        System.Logger.Level.DEBUG,
                        "partysub room " + room + ": node " + n.id + " added (" + connections + " connections, "
                                + Math.round(rate) + " deliveries/s over " + active.size() + " active nodes)");
            }
            saveMembership();
            kick();
            cancelScaleDown(location);
            return;
        }
        int k = active.size() - 1;
        boolean fits = k >= bounds.min()
                && (scaling.connectionsPerNode == 0
                        || connections <= scaling.scaleDownBelow * scaling.connectionsPerNode * k)
                && (scaling.deliveriesPerSecondPerNode == 0
                        || rate <= scaling.scaleDownBelow * scaling.deliveriesPerSecondPerNode * k);
        if (!fits) {
            cancelScaleDown(location);
            return;
        }
        long now = ctx.now();
        Long since = lowSince.get(location);
        if (since == null) {
            lowSince.put(location, now);
            scheduleScaleDown(location, scaling.scaleDownAfter);
        } else if (now - since >= scaling.scaleDownAfter.toMillis()) {
            NodeState victim = active.stream()
                    .min(Comparator.comparingLong(NodeState::estimatedConnections)
                            .thenComparingDouble(this::rate)
                            .thenComparing(Comparator.comparingInt((NodeState n) -> n.index)
                                    .reversed()))
                    .orElseThrow();
            retire(victim, connections, rate);
            lowSince.put(location, now); // the next one only after another quiet period
            scheduleScaleDown(location, scaling.scaleDownAfter);
        } else if (!scaleTimers.containsKey(location)) {
            scheduleScaleDown(location, Duration.ofMillis(scaling.scaleDownAfter.toMillis() - (now - since)));
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private void scheduleScaleDown(String location, Duration after) {
        TimerHandle old = scaleTimers.remove(location);
        if (old != null) {
            old.cancel();
        }
        scaleTimers.put(location, ctx.setTimeout(after, () -> {
            scaleTimers.remove(location);
            load();
            rebalance(location, 0);
        }));
    }

    private void cancelScaleDown(String location) {
        lowSince.remove(location);
        TimerHandle t = scaleTimers.remove(location);
        if (t != null) {
            t.cancel();
        }
    }

    private void retire(NodeState n, long connections, double rate) {
        n.state = DRAINING;
        saveMembership();
        LOG.log(
                System.Logger.Level.DEBUG,
                "partysub room " + room + ": retiring node " + n.id + " (" + connections + " connections, "
                        + Math.round(rate) + " deliveries/s in " + n.location + ")");
        if (scaling.retirement == Autoscaling.Retirement.MOVE) {
            startMoves(n);
        }
        checkRetired(n);
    }

    private void startMoves(NodeState n) {
        if (n.moving) {
            return;
        }
        n.moving = true;
        ctx.waitUntil(() -> moveConnections(n));
    }

    /**
     * Moves a draining node's connections: first learns which they are, remembers where each one's
     * subscription stays meanwhile (durably, before any client can reconnect), then lets the node
     * send the hints and close them.
     */
    private void moveConnections(NodeState n) {
        try {
            List<Wire.MoveCandidate> moving = node(n.id).prepareMoves();
            if (moving.isEmpty()) {
                return;
            }
            for (Wire.MoveCandidate m : moving) {
                if (m.stable() && !m.durable()) {
                    ctx.storage().put(HOME_PREFIX + m.id(), n.id);
                }
            }
            node(n.id).closeMoved(moving.stream().map(Wire.MoveCandidate::id).toList());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "partysub room " + room + ": moving connections off " + n.id, e);
        } finally {
            n.moving = false;
        }
    }

    private void checkRetired(NodeState n) {
        if (!DRAINING.equals(n.state) || n.holding > 0 || !n.reported || n.retiring) {
            return;
        }
        n.retiring = true;
        ctx.waitUntil(() -> {
            try {
                if (nodes.get(n.id) == n && node(n.id).retire()) {
                    nodes.remove(n.id);
                    saveMembership();
                    prune();
                    LOG.log(System.Logger.Level.DEBUG, "partysub room " + room + ": node " + n.id + " retired");
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "partysub room " + room + ": retiring " + n.id, e);
            } finally {
                n.retiring = false;
            }
        });
    }

    // ---- load reports ----

    void report(String id, Wire.NodeReport r) {
        load();
        NodeState n = nodes.get(id);
        if (n != null) {
            apply(n, r);
        }
    }

    private void refreshLoads() {
        for (NodeState n : new ArrayList<>(nodes.values())) {
            try {
                Wire.NodeReport r = node(n.id).stats();
                if (nodes.get(n.id) == n) {
                    apply(n, r);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "partysub room " + room + ": load of " + n.id, e);
            }
        }
    }

    private void apply(NodeState n, Wire.NodeReport r) {
        n.connections = r.connections();
        n.holding = r.holding();
        n.movable = r.movable();
        if (r.placementSeen() > 0) {
            n.placementSeen = r.placementSeen();
        } else {
            n.placementSeen = 0;
            n.issuedAtReport = n.placementsIssued;
        }
        n.reported = true;
        long delta = r.delivered() >= n.lastDelivered ? r.delivered() - n.lastDelivered : r.delivered();
        n.lastDelivered = r.delivered();
        if (delta > 0) {
            n.deliveries += delta;
            n.samples.addLast(new long[] {ctx.now(), delta});
        }
        if (DRAINING.equals(n.state)) {
            if (scaling.retirement == Autoscaling.Retirement.MOVE && n.movable > 0) {
                startMoves(n);
            }
            checkRetired(n);
        } else {
            rebalance(n.location, 0);
        }
    }

    // ---- publishing ----

    long publishAll(List<Wire.Publication> publications) {
        load();
        return order(publications);
    }

    private long order(List<Wire.Publication> publications) {
        for (Wire.Publication p : publications) {
            Wire.Envelope e = new Wire.Envelope(nextSeq(), p.topic(), p.data(), p.frame(), p.from());
            retention.add(e);
            if (pubsub.config.atLeastOnce) {
                ctx.storage().put(logKey(e.seq()), e); // the publisher's OK waits for this write
            }
        }
        publishes += publications.size();
        kick();
        return seq;
    }

    private static String logKey(long seq) {
        return LOG_PREFIX + String.format("%019d", seq);
    }

    private void kick() {
        for (NodeState n : nodes.values()) {
            if (!n.sending && n.cursor <= seq) {
                n.sending = true;
                ctx.waitUntil(() -> deliverLoop(n));
            }
        }
    }

    /** Sends {@code n} everything ordered so far, in batches, one at a time: its order is the room's. */
    private void deliverLoop(NodeState n) {
        try {
            while (nodes.get(n.id) == n && n.cursor <= seq) {
                long to = Math.min(seq, n.cursor + MAX_BATCH - 1);
                List<Wire.Envelope> batch = retention.range(n.cursor, to);
                Wire.NodeReport r;
                try {
                    r = node(n.id).deliver(batch);
                } catch (RuntimeException e) {
                    if (++n.attempts < MAX_ATTEMPTS) {
                        continue;
                    }
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "partysub room " + room + ": node " + n.id + " failed " + MAX_ATTEMPTS
                                    + " times to take messages " + n.cursor + ".." + to + "; skipped",
                            e);
                    r = null;
                }
                n.attempts = 0;
                n.cursor = to + 1;
                if (r != null) {
                    n.acked = to;
                    if (nodes.get(n.id) == n) {
                        apply(n, r);
                    }
                }
                prune();
            }
        } finally {
            n.sending = false;
        }
    }

    /** Forgets what every node has processed and no handoff needs. */
    private void prune() {
        long floor = seq;
        for (NodeState n : nodes.values()) {
            floor = Math.min(floor, n.cursor - 1);
        }
        long now = ctx.now();
        pins.values().removeIf(p -> now - p.at() > PIN_LIFETIME_MS);
        for (Pin p : pins.values()) {
            floor = Math.min(floor, p.floor());
        }
        retention.pruneTo(floor);
        if (pubsub.config.atLeastOnce && floor > logFloor) {
            List<String> keys = new ArrayList<>();
            for (long s = logFloor + 1; s <= floor; s++) {
                keys.add(logKey(s));
            }
            ctx.storage().delete(keys);
            logFloor = floor;
        }
    }

    // ---- a subscriber moving between nodes ----

    long handoffBegin(String from, String to) {
        load();
        NodeState f = nodes.get(from);
        NodeState t = nodes.get(to);
        long id = ++nextPin;
        pins.put(
                id,
                new Pin(
                        retention.floor(),
                        from,
                        f == null ? null : f.acked,
                        to,
                        t == null ? null : t.acked,
                        ctx.now()));
        return id;
    }

    /**
     * The messages {@code (P, V]}: P is what the old node had processed when it handed the
     * subscriber over, V what the new node had processed when the subscriber arrived there. A node
     * that does not know its own position (its instance started since) has processed exactly what
     * this coordinator had delivered to it when the handoff began, or, if nothing yet, everything
     * an earlier coordinator instance ordered and nothing after the node joined.
     */
    Wire.Gap handoffGap(long handoff, Long fromPosition, Long toPosition) {
        load();
        Pin p = pins.remove(handoff);
        long after = fromPosition != null ? fromPosition : resolve(p == null ? null : p.fromAcked(), p, true);
        long upTo = toPosition != null ? toPosition : resolve(p == null ? null : p.toAcked(), p, false);
        List<Wire.Envelope> envelopes = upTo > after ? retention.range(after + 1, upTo) : List.of();
        boolean complete = p != null && (upTo <= after || retention.floor() <= after);
        if (!complete) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "partysub room " + room + ": a moving subscriber may miss messages " + (after + 1) + ".." + upTo
                            + " (the coordinator restarted during the move)");
        }
        prune();
        return new Wire.Gap(after, upTo, envelopes, complete);
    }

    private long resolve(Long acked, Pin p, boolean from) {
        if (acked != null) {
            return acked;
        }
        NodeState n = p == null ? null : nodes.get(from ? p.from() : p.to());
        return n == null ? baseSeq : Math.max(baseSeq, n.startSeq - 1);
    }

    void handoffDone(String connection, String node, boolean durable) {
        load();
        if (durable) {
            ctx.storage().put(HOME_PREFIX + connection, node);
        } else {
            ctx.storage().delete(HOME_PREFIX + connection);
        }
    }

    // ---- metrics ----

    /** The room's nodes with the load each reports now (one call per node). */
    RoomMetrics metrics() {
        load();
        refreshLoads();
        List<NodeMetrics> out = new ArrayList<>();
        for (NodeState n : nodes.values()) {
            out.add(new NodeMetrics(
                    n.id,
                    n.location,
                    n.active() ? NodeMetrics.State.ACTIVE : NodeMetrics.State.DRAINING,
                    (int) n.estimatedConnections(),
                    n.deliveries,
                    rate(n)));
        }
        return new RoomMetrics(room, true, out, publishes);
    }
}
