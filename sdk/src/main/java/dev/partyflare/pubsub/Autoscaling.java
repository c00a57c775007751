package dev.partyflare.pubsub;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How an autoscaled pub/sub room grows and shrinks ({@link PubSubConfig#autoscale(Autoscaling)}):
 * a target load per node, and per location a minimum and a maximum number of nodes.
 *
 * <pre>{@code
 * PubSubConfig.binding("PubSub").autoscale(Autoscaling.targetPerNode(500, 50_000)
 *     .location("weur", 1, 4).location("wnam", 2, 10))
 * }</pre>
 *
 * <p>A room's coordinating object keeps the room's nodes (durably) and places each new connection
 * on the least-loaded active node of the client's location. When the active nodes of a location
 * carry more than the target (connections, or messages delivered per second), nodes are added, up
 * to the maximum; when the load would fit in one node fewer at {@link #scaleDownBelow(double)} of the
 * target for {@link #scaleDownAfter(Duration)}, the least-loaded node is retired, down to the
 * minimum. A retired node keeps receiving every publish until its last subscriber has left it:
 * with {@link Retirement#MOVE} its connections are sent a move hint and closed, and reconnect to
 * another node without losing a message; with {@link Retirement#DRAIN} they stay until they leave
 * on their own.
 */
public final class Autoscaling {
    /** What happens to the connections of a node that is retired. */
    public enum Retirement {
        /**
         * Each connection gets {@code {"__move":"node retiring"}} and is closed with 1012; a client
         * that reconnects with the same {@code _pk} (every PartySocket does) continues on another
         * node from where it left, its subscription and unacknowledged messages carried over.
         */
        MOVE,
        /** Connections stay on the retiring node until they close; the node is retired when it is empty. */
        DRAIN
    }

    /** Bounds of one location: at least {@code min} and at most {@code max} active nodes. */
    public record Bounds(int min, int max) {
        public Bounds {
            if (min < 1) {
                throw new IllegalArgumentException("The minimum number of nodes must be at least 1, got " + min);
            }
            if (max < min) {
                throw new IllegalArgumentException(
                        "The maximum number of nodes (" + max + ") must not be below the minimum (" + min + ")");
            }
        }
    }

    final int connectionsPerNode;
    final long deliveriesPerSecondPerNode;
    Bounds defaultBounds = new Bounds(1, 10);
    final Map<String, Bounds> locations = new LinkedHashMap<>();
    Duration scaleDownAfter = Duration.ofSeconds(30);
    double scaleDownBelow = 0.7;
    Retirement retirement = Retirement.MOVE;
    Duration moveTimeout = Duration.ofSeconds(60);
    Duration sessionExpiry = Duration.ofMinutes(2);
    Duration rateWindow = Duration.ofSeconds(10);

    private Autoscaling(int connectionsPerNode, long deliveriesPerSecondPerNode) {
        this.connectionsPerNode = connectionsPerNode;
        this.deliveriesPerSecondPerNode = deliveriesPerSecondPerNode;
    }

    /**
     * The load a node should carry: {@code connections} subscribers and {@code deliveriesPerSecond}
     * messages delivered per second (0 leaves a dimension out; at least one must be set).
     */
    public static Autoscaling targetPerNode(int connections, long deliveriesPerSecond) {
        if (connections < 0 || deliveriesPerSecond < 0) {
            throw new IllegalArgumentException("Targets per node must not be negative");
        }
        if (connections == 0 && deliveriesPerSecond == 0) {
            throw new IllegalArgumentException(
                    "Set a target per node: connections, deliveries per second, or both (0 leaves one out)");
        }
        return new Autoscaling(connections, deliveriesPerSecond);
    }

    /** Bounds for every location without bounds of its own (default 1 to 10). */
    public Autoscaling nodes(int min, int max) {
        this.defaultBounds = new Bounds(min, max);
        return this;
    }

    /**
     * A location (a location hint: {@code wnam}, {@code weur}, ...) with its own bounds. Clients from
     * a location without nodes go to a random configured location. Without any location, nodes are
     * placed where the runtime places objects by default.
     */
    public Autoscaling location(String location, int min, int max) {
        locations.put(Objects.requireNonNull(location, "location"), new Bounds(min, max));
        return this;
    }

    /** How long the load must stay low before a node is retired (default 30 s, on the runtime clock). */
    public Autoscaling scaleDownAfter(Duration d) {
        this.scaleDownAfter = positive(d, "scaleDownAfter");
        return this;
    }

    /**
     * A node is retired when the load would fit in one node fewer at this fraction of the target
     * (default 0.7; between 0 and 1 exclusive), which keeps a room from flapping around a boundary.
     */
    public Autoscaling scaleDownBelow(double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("scaleDownBelow must be between 0 and 1, got " + fraction);
        }
        this.scaleDownBelow = fraction;
        return this;
    }

    /** What happens to the connections of a retired node (default {@link Retirement#MOVE}). */
    public Autoscaling retirement(Retirement r) {
        this.retirement = Objects.requireNonNull(r, "retirement");
        return this;
    }

    /**
     * How long a moved connection's messages are kept for it while it reconnects (default 60 s); a
     * client that comes back later starts afresh.
     */
    public Autoscaling moveTimeout(Duration d) {
        this.moveTimeout = positive(d, "moveTimeout");
        return this;
    }

    /**
     * How long an at-least-once subscription ({@code ?ack=1&_pk=<id>}) outlives its connection
     * (default 2 min): messages published meanwhile are kept and delivered when it reconnects.
     */
    public Autoscaling sessionExpiry(Duration d) {
        this.sessionExpiry = positive(d, "sessionExpiry");
        return this;
    }

    /** The window over which deliveries per second are measured (default 10 s). */
    public Autoscaling rateWindow(Duration d) {
        this.rateWindow = positive(d, "rateWindow");
        return this;
    }

    /** The bounds of each configured location (empty: one default location). */
    public Map<String, Bounds> locations() {
        return Collections.unmodifiableMap(locations);
    }

    Bounds boundsOf(String location) {
        return locations.getOrDefault(location, defaultBounds);
    }

    private static Duration positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be a positive duration, got " + d);
        }
        return d;
    }
}
