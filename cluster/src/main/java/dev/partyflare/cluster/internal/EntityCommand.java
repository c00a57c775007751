package dev.partyflare.cluster.internal;

import org.apache.pekko.actor.typed.ActorRef;

/** What an object's sharded entity receives. */
public sealed interface EntityCommand
        permits EntityCommand.Deliver,
                EntityCommand.Finished,
                EntityCommand.Stop,
                EntityCommand.KeepAlive,
                EntityCommand.CheckKeepAlive {

    /** Kinds of {@link Deliver}. */
    byte FETCH = 1;

    byte RPC = 2;

    /** A due alarm: the owner runs the object's stored alarm if it is still due (payload: empty). */
    byte ALARM = 3;

    /**
     * A WebSocket upgrade (payload: {@link Codec#request}; {@code link} and {@code relay} name the
     * edge's half of the socket). The reply: {@link Codec#upgradeAnswer}, and the owner's relay.
     */
    byte UPGRADE = 4;

    /**
     * A test's {@code Emulator.runAlarm}: the owner runs the object's stored alarm now, due or not
     * (payload: empty; the reply: one byte, 1 when there was one).
     */
    byte RUN_ALARM = 5;

    /**
     * Where the entity runs (tests, tools): the owner answers with its node's name, constructing
     * nothing (payload: empty; the reply: the name in UTF-8).
     */
    byte WHERE = 6;

    /**
     * A stub call for the entity's object, sent from any node.
     *
     * @param kind {@link #FETCH} (payload: {@link Codec#request}), {@link #RPC} (payload: {@link
     *     Codec#rpcCall}) or {@link #ALARM} (payload: empty; the reply: one byte, 1 when it ran)
     * @param idName the id's name when made by {@code idFromName}, or null
     * @param jurisdiction the id's jurisdiction, or null
     * @param locationHint the stub's location hint, or null
     * @param link an {@link #UPGRADE}'s link id on the edge node, else null
     * @param relay an {@link #UPGRADE}'s edge relay, or the caller's relay for a {@code transfer};
     *     else null
     * @param transfer a payload too large for one Artery frame is not carried here (payload empty)
     *     but offered by the caller's relay under this id, for the owner to pull; else null
     */
    record Deliver(
            byte kind,
            String idHex,
            String idName,
            String jurisdiction,
            String locationHint,
            byte[] payload,
            ActorRef<Reply> replyTo,
            String link,
            ActorRef<SocketRelay.Command> relay,
            String transfer)
            implements EntityCommand, WireMessage {}

    /**
     * Sent by an entity whose object holds WebSockets or has timers pending to itself through its
     * shard: the shard counts it as activity, so idle passivation leaves the entity (and its sockets
     * and timers) alone.
     */
    enum KeepAlive implements EntityCommand, WireMessage {
        INSTANCE
    }

    /** The entity's timer: time to check whether its object holds sockets or timers (local only). */
    enum CheckKeepAlive implements EntityCommand {
        INSTANCE
    }

    /** A call this entity ran has ended (local only). */
    enum Finished implements EntityCommand {
        INSTANCE
    }

    /** Sharding's stop message, for passivation and hand-off (local only). */
    enum Stop implements EntityCommand {
        INSTANCE
    }

    /**
     * The answer to a {@link Deliver}.
     *
     * @param ok true: payload is the result ({@link Codec#response} or the RPC's JSON, null for
     *     void); false: payload is {@link Codec#error}
     * @param relay the owner's relay, for an {@link #UPGRADE} that bridged a socket or a {@code
     *     transfer}; else null
     * @param transfer as {@link Deliver#transfer}: a large payload the caller pulls from the owner
     * @param node the address of the node that answered (it holds the references of the call's
     *     arguments it did not release: {@link ReferenceRelay}), or null
     */
    record Reply(boolean ok, byte[] payload, ActorRef<SocketRelay.Command> relay, String transfer, String node)
            implements WireMessage {
        public Reply(boolean ok, byte[] payload) {
            this(ok, payload, null, null, null);
        }

        public Reply(boolean ok, byte[] payload, ActorRef<SocketRelay.Command> relay, String transfer) {
            this(ok, payload, relay, transfer, null);
        }

        /** This reply, as answered by {@code node}. */
        Reply from(String node) {
            return new Reply(ok, payload, relay, transfer, node);
        }
    }
}
