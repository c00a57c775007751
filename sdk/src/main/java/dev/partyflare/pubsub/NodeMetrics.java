package dev.partyflare.pubsub;

/**
 * One node of a pub/sub room, as {@link PubSub#metrics} reports it.
 *
 * @param node the node's id in its room ({@code weur-3}; its object is named {@code <room>-<node>})
 * @param location its location hint, or {@code any}
 * @param state {@link State#ACTIVE} (gets new connections) or {@link State#DRAINING} (being retired:
 *     still receives every publish, gets no new connections)
 * @param connections its open connections (for an autoscaled room: the last count the node
 *     reported, plus the connections placed on it since)
 * @param deliveries messages delivered to its subscribers since the coordinator (autoscaled room)
 *     or the node (fixed room) started counting
 * @param deliveriesPerSecond deliveries per second over the last rate window ({@link
 *     Autoscaling#rateWindow}); for a node of a fixed room, since the node started
 */
public record NodeMetrics(
        String node, String location, State state, int connections, long deliveries, double deliveriesPerSecond) {

    /** Whether a node takes new connections. */
    public enum State {
        ACTIVE,
        DRAINING
    }
}
