package dev.partyflare.pubsub;

import java.util.List;
import java.util.Map;

/**
 * What the objects of an autoscaled room send each other over RPC, and what they keep in storage.
 * Every value is copied by serialization, as RPC arguments are.
 */
final class Wire {
    private Wire() {}

    /**
     * A published message as the coordinator ordered it: {@code seq} is its place in the room's one
     * order (increasing, never reused, also across restarts), {@code frame} is set for a binary
     * message and {@code from} names the publishing connection (for skip-self), if any.
     */
    record Envelope(long seq, String topic, Object data, byte[] frame, String from) {}

    /** A message a node accepted from a client, before the coordinator ordered it. */
    record Publication(String topic, Object data, byte[] frame, String from) {}

    /**
     * A node's load and progress: {@code position} is the last {@code seq} it processed since its
     * instance started (null: none yet); {@code holding} counts every subscription it keeps
     * (connected, kept for a client that reconnects, or handed off and not yet released);
     * {@code movable} the connected ones not yet being moved; {@code delivered} counts deliveries
     * since its instance started; {@code placementSeen} the highest placement number it was given.
     */
    record NodeReport(Long position, int connections, int holding, int movable, long delivered, long placementSeen) {}

    /**
     * Where the coordinator sends a connection: {@code node}, continuing from {@code from} (a node
     * that kept its subscription) when not null; {@code number} counts placements on that node.
     */
    record Placement(String node, String from, long number) {}

    /** A message kept for one subscriber, as it is sent: text (JSON) or a binary frame. */
    record Stored(long seq, String text, byte[] frame) {}

    /**
     * What a node hands over when a subscriber continues elsewhere: its topics, what it kept for it
     * (in {@code seq} order) and its position at that moment (null: unknown to this instance).
     */
    record Handoff(List<String> topics, boolean found, List<Stored> pending, Long position) {}

    /**
     * The messages a subscriber needs between what its old node covered ({@code after}) and what its
     * new node had processed when it arrived ({@code upTo}); {@code complete} is false when the
     * coordinator no longer had all of them (it restarted meanwhile).
     */
    record Gap(long after, long upTo, List<Envelope> envelopes, boolean complete) {}

    /** A connection a retiring node is about to move, and whether its client can be followed. */
    record MoveCandidate(String id, boolean stable, boolean durable) {}

    /** A node of an autoscaled room as the coordinator stores it. */
    record NodeRecord(String id, String location, String state, long startSeq) {}

    /** The durable membership of an autoscaled room: its nodes and the next index per location. */
    record Membership(List<NodeRecord> nodes, Map<String, Integer> nextIndex) {}

    /**
     * A subscription a node keeps in storage: an at-least-once one ({@code durable}), or one kept for
     * a moved client ({@code parked}); {@code expiresAt} is set while it has no connection.
     */
    record SubRecord(List<String> topics, boolean ack, boolean durable, boolean parked, Long expiresAt) {}
}
