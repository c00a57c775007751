package dev.partyflare.pubsub;

import java.util.List;

/**
 * A pub/sub room's nodes and their load ({@link PubSub#metrics}).
 *
 * @param room the room's name
 * @param autoscaled whether the room's nodes grow and shrink with load
 * @param nodes every node that receives publishes: active and draining ones, in the order they were
 *     added
 * @param publishes messages published since the room's coordinator started (0 for a fixed room,
 *     which has no coordinator)
 */
public record RoomMetrics(String room, boolean autoscaled, List<NodeMetrics> nodes, long publishes) {
    public RoomMetrics {
        nodes = List.copyOf(nodes);
    }

    /** The nodes that take new connections. */
    public List<NodeMetrics> activeNodes() {
        return nodes.stream().filter(n -> n.state() == NodeMetrics.State.ACTIVE).toList();
    }

    /** Open connections over all nodes. */
    public int connections() {
        return nodes.stream().mapToInt(NodeMetrics::connections).sum();
    }

    /** Deliveries per second over all nodes. */
    public double deliveriesPerSecond() {
        return nodes.stream().mapToDouble(NodeMetrics::deliveriesPerSecond).sum();
    }
}
