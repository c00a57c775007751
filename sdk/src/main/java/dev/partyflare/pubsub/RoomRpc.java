package dev.partyflare.pubsub;

import java.util.List;

/**
 * The calls between the objects of an autoscaled room: nodes and the router call the room's
 * coordinator, the coordinator and other nodes call a node. Internal to partysub; {@link
 * PubSubServer} implements them because RPC reaches an object's public methods.
 */
interface RoomRpc {
    // ---- the coordinator ----

    /** Chooses the node for a new connection from {@code location}. */
    Wire.Placement place(String location, String connection, boolean durable);

    /** Orders publications and queues them for every node of the room; returns the last seq. */
    long publishAll(List<Wire.Publication> publications);

    /** A node's load, sent when its connections change. */
    void report(String node, Wire.NodeReport report);

    /** Starts moving a subscriber from node {@code from} to node {@code to}: keeps what it may need. */
    long handoffBegin(String from, String to);

    /** The messages between the two nodes' positions (see {@link Wire.Gap}); ends the handoff. */
    Wire.Gap handoffGap(long handoff, Long fromPosition, Long toPosition);

    /** The subscriber continues on {@code node}; remembers it there when its subscription is durable. */
    void handoffDone(String connection, String node, boolean durable);

    /** The room's nodes and their load. */
    RoomMetrics roomMetrics();

    // ---- a node ----

    /** Delivers messages in the room's order; returns this node's load. */
    Wire.NodeReport deliver(List<Wire.Envelope> envelopes);

    /** This node's load. */
    Wire.NodeReport stats();

    /** Hands over what this node keeps for {@code connection} (which continues on another node). */
    Wire.Handoff handoff(String connection);

    /** Forgets {@code connection}: the node it continues on has what it needs. */
    void release(String connection);

    /** Marks this node's connections as moving and lists them. */
    List<Wire.MoveCandidate> prepareMoves();

    /** Sends the move hint to these connections and closes them, once their publishes are ordered. */
    void closeMoved(List<String> connections);

    /** Retires this node if it keeps nothing: it then refuses connections for good. */
    boolean retire();

    /** The load of a node of a room with a fixed number of nodes. */
    NodeMetrics nodeMetrics();
}
