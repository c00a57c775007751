package dev.partyflare.cluster.internal;

import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.emulator.ObjectRouter;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/** Delivers every stub call to the entity of its id, wherever sharding placed it. */
public final class ShardedRouter implements ObjectRouter {
    private final ClusterSharding sharding;
    private final Duration timeout;
    private final SocketRelay sockets;
    private final Placement placement;
    private final ReferenceRelay references;

    /** The proxies started for other data centers' shards, by entity type and data center. */
    private final java.util.Set<String> proxies = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public ShardedRouter(
            ClusterSharding sharding,
            Duration timeout,
            SocketRelay sockets,
            Placement placement,
            ReferenceRelay references) {
        this.references = references;
        this.sharding = sharding;
        this.timeout = timeout;
        this.sockets = sockets;
        this.placement = placement;
    }

    /**
     * The entity type of a namespace's objects of one jurisdiction (null: none): one per binding and
     * jurisdiction, so that a jurisdiction's objects run only on nodes with its role.
     */
    public static EntityTypeKey<EntityCommand> typeKey(String binding, String jurisdiction) {
        return EntityTypeKey.create(
                EntityCommand.class, "partyflare-" + binding + (jurisdiction == null ? "" : "." + jurisdiction));
    }

    /** The entity of {@code id}, in the data center its object was placed in. */
    private EntityRef<EntityCommand> entityRef(String binding, DurableObjectId id, String hint) {
        String jurisdiction = id.jurisdiction().orElse(null);
        EntityTypeKey<EntityCommand> key = typeKey(binding, jurisdiction);
        String dc = placement.dataCenterOf(binding, id, hint);
        if (dc == null || dc.equals(placement.selfDataCenter())) {
            return sharding.entityRefFor(key, id.toString());
        }
        if (proxies.add(key.name() + "@" + dc)) {
            // a proxy to that data center's shards of this type (started once; Pekko keeps it)
            Entity<EntityCommand, ShardingEnvelope<EntityCommand>> proxy = Entity.of(key, ctx -> {
                        throw new IllegalStateException("A proxy hosts no entity");
                    })
                    .withDataCenter(dc);
            sharding.init(jurisdiction == null ? proxy : proxy.withRole(Placement.role(jurisdiction)));
        }
        return sharding.entityRefFor(key, id.toString(), dc);
    }

    @Override
    public Response fetch(Call<Response> call, Request request) {
        if (request.isWebSocketUpgrade()) {
            return upgrade(call, request);
        }
        return Codec.response(send(call, EntityCommand.FETCH, Codec.request(request)));
    }

    /**
     * An upgrade: this node opens the edge's half of the socket first (the owner's first frames may
     * arrive before its answer), the owner bridges the client end its object answered with, and the
     * 101 returned here carries the edge's client end, which this node's HTTP server terminates.
     */
    private Response upgrade(Call<Response> call, Request request) {
        SocketRelay.EdgeSocket edge = sockets.openEdge();
        try {
            EntityCommand.Reply reply =
                    ask(call, EntityCommand.UPGRADE, Codec.request(request), edge.link(), sockets.ref());
            if (!Codec.upgradeAccepted(reply.payload()) || reply.relay() == null) {
                sockets.forgetEdge(edge);
            } else {
                sockets.edgeConnected(edge, reply.relay(), Codec.upgradeHibernatable(reply.payload()));
            }
            return Codec.upgradeResponse(reply.payload(), edge.client());
        } catch (RuntimeException | Error e) {
            sockets.forgetEdge(edge);
            throw e;
        }
    }

    /**
     * An RPC: RpcTargets and functions in the arguments are lent to whichever node runs the call
     * (known from its answer), one in the result is a stand-in here (docs/cluster.md, "RPC by
     * reference").
     */
    @Override
    public byte[] rpc(Call<byte[]> call, String method, byte[][] jsonArgs) {
        ReferenceRelay.Outbound out = references.lend(jsonArgs, null);
        EntityCommand.Reply reply;
        try {
            reply = answer(call, EntityCommand.RPC, Codec.rpcCall(method, out.args()), null, null);
        } catch (RuntimeException | Error e) {
            out.unanswered();
            throw e;
        }
        out.answeredBy(reply.node());
        if (!reply.ok()) {
            throw Codec.error(reply.payload());
        }
        return references.receiveResult(reply.payload());
    }

    /** A due alarm goes to the entity of its id like a call; its node runs it if still due there. */
    @Override
    public boolean alarm(Call<Boolean> call) {
        byte[] ran = send(call, EntityCommand.ALARM, new byte[0]);
        return ran != null && ran.length == 1 && ran[0] == 1;
    }

    /** A test's "run the alarm now" goes to the entity of its id like a call. */
    @Override
    public boolean runAlarm(Call<Boolean> call) {
        byte[] ran = send(call, EntityCommand.RUN_ALARM, new byte[0]);
        return ran != null && ran.length == 1 && ran[0] == 1;
    }

    /**
     * The name of the node that owns {@code id} of {@code binding}, asked of its entity (which
     * starts there if it was not running: the id is placed as a first call would place it); the
     * object is not constructed.
     */
    public String owner(String binding, DurableObjectId id) {
        Call<String> where = Call.of(binding, id, null, () -> {
            throw new UnsupportedOperationException("asked of the owner only");
        });
        return new String(send(where, EntityCommand.WHERE, new byte[0]), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** How much longer than the ask's own timeout a caller waits before giving up by itself. */
    private static final long GRACE_MILLIS = 1_000;

    private DurableObjectException didNotAnswer(Call<?> call, DurableObjectId id) {
        return DurableObjectException.builder(
                        "Error",
                        "The Durable Object " + call.binding() + " " + id + " did not answer within "
                                + timeout.toMillis() + " ms (its node may be gone; the call may"
                                + " or may not have run)")
                .retryable(true)
                .build();
    }

    private byte[] send(Call<?> call, byte kind, byte[] payload) {
        return ask(call, kind, payload, null, null).payload();
    }

    /**
     * A payload larger than this is not carried in the delivery (Artery's frame is 256 KiB) but
     * offered by this node's relay, and pulled by the owner in parts; the same for a reply.
     */
    static final int INLINE_MAX = 128 * 1024;

    private EntityCommand.Reply ask(
            Call<?> call, byte kind, byte[] payload, String link, ActorRef<SocketRelay.Command> relay) {
        EntityCommand.Reply reply = answer(call, kind, payload, link, relay);
        if (!reply.ok()) {
            throw Codec.error(reply.payload());
        }
        return reply;
    }

    /** The owner's answer, a result or an error; throws when there is none. */
    private EntityCommand.Reply answer(
            Call<?> call, byte kind, byte[] payload, String link, ActorRef<SocketRelay.Command> relay) {
        String transfer = null;
        if (payload != null && payload.length > INLINE_MAX) {
            transfer = sockets.offer(payload);
            payload = new byte[0];
            relay = sockets.ref();
        }
        try {
            EntityCommand.Reply reply = askInline(call, kind, payload, link, relay, transfer);
            if (reply.transfer() != null) {
                byte[] whole = sockets.pull(reply.relay(), reply.transfer(), timeout);
                reply = new EntityCommand.Reply(reply.ok(), whole, reply.relay(), null, reply.node());
            }
            return reply;
        } finally {
            sockets.withdraw(transfer);
        }
    }

    private EntityCommand.Reply askInline(
            Call<?> call,
            byte kind,
            byte[] payload,
            String link,
            ActorRef<SocketRelay.Command> relay,
            String transfer) {
        DurableObjectId id = call.id();
        EntityRef<EntityCommand> ref =
                entityRef(call.binding(), id, call.locationHint().orElse(null));
        CompletionStage<EntityCommand.Reply> answer = ref.ask(
                replyTo -> new EntityCommand.Deliver(
                        kind,
                        id.toString(),
                        id.name().orElse(null),
                        id.jurisdiction().orElse(null),
                        call.locationHint().orElse(null),
                        payload,
                        replyTo,
                        link,
                        relay,
                        transfer),
                timeout);
        EntityCommand.Reply reply;
        try {
            // bounded here too, not only by the ask's timer: the timer belongs to this node's actor
            // system, and an ask in flight when that system terminates (a crash, a close) is never
            // completed by it
            reply = answer.toCompletableFuture().get(timeout.toMillis() + GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling " + call.binding() + " " + id, e);
        } catch (TimeoutException e) {
            throw didNotAnswer(call, id);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TimeoutException) {
                throw didNotAnswer(call, id);
            }
            throw new IllegalStateException("Cluster call to " + call.binding() + " " + id + " failed", cause);
        }
        return reply;
    }
}
