package dev.partyflare.cluster.internal;

import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.emulator.Emulator;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One Durable Object id as a sharded entity: while it lives on this node, the object runs in this
 * node's emulator, and only here. Each delivered call runs on a virtual thread of its own behind
 * the emulator's input gate (so an event waiting on I/O lets the next one in, as without a
 * cluster); the entity stops, on passivation or hand-off, only when no call is in flight, and
 * evicts the object from this node's emulator when it does, so the next owner starts from storage.
 */
public final class ObjectEntity extends AbstractBehavior<EntityCommand> {
    /** workerd's answer to a socket returned for a request that is not an upgrade. */
    static final String NOT_AN_UPGRADE =
            "Worker tried to return a WebSocket in a response to a request which did not contain the"
                    + " header \"Upgrade: websocket\".";

    /** What an entity learns about its node. */
    public interface Host {
        Emulator emulator();

        /** This node's name (the answer to {@link EntityCommand#WHERE}). */
        String nodeName();

        /** Called once per entity start, on the node where it starts (tests, metrics). */
        default void entityStarted(String binding, String idHex) {}

        /** True while the node crashes: a stopping entity leaves its object alone (as a killed process). */
        default boolean crashing() {
            return false;
        }

        /** Called once per entity stop, on its node, after the object was evicted (tests, metrics). */
        default void entityStopped(String binding, String idHex) {}

        /** This node's WebSockets that cross nodes. */
        SocketRelay sockets();

        /** This node's RpcTargets and functions held by other nodes, and its stand-ins of theirs. */
        ReferenceRelay references();

        /** Sends {@link EntityCommand.KeepAlive} to the entity through its shard (counts as activity). */
        void keepAlive(String binding, String jurisdiction, String idHex);

        /**
         * This node's data center (a location hint): where its objects run, whatever the hint their
         * callers gave (the router sent them here because they were placed here); null for none.
         */
        default String location() {
            return null;
        }

        /** How long a call may take to reach its owner (bounds pulling a large payload). */
        java.time.Duration callTimeout();

        /** How often an entity checks whether its object holds sockets or timers: well within the idle timeout. */
        java.time.Duration keepAliveCheckEvery();
    }

    private final String binding;
    private final String jurisdiction;
    private final String idHex;
    private final Host host;
    private DurableObjectStub here;
    private int inFlight;
    private boolean stopping;

    private ObjectEntity(
            ActorContext<EntityCommand> ctx, String binding, String jurisdiction, String idHex, Host host) {
        super(ctx);
        this.binding = binding;
        this.jurisdiction = jurisdiction;
        this.idHex = idHex;
        this.host = host;
        host.entityStarted(binding, idHex);
    }

    /**
     * An entity whose object holds WebSockets (the owner's halves of bridged sockets, standard or
     * hibernatable) or has timers pending keeps itself from idle passivation: a passivation evicts
     * the object, and with it its sockets and timers, while a hibernated object must keep its sockets
     * and a timer must run. A hand-off (its node leaves) still
     * stops it: its sockets are dropped and their clients reconnect to the new owner.
     */
    public static Behavior<EntityCommand> create(String binding, String jurisdiction, String idHex, Host host) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(EntityCommand.CheckKeepAlive.INSTANCE, host.keepAliveCheckEvery());
            return new ObjectEntity(ctx, binding, jurisdiction, idHex, host);
        }));
    }

    @Override
    public Receive<EntityCommand> createReceive() {
        return newReceiveBuilder()
                .onMessage(EntityCommand.Deliver.class, this::deliver)
                .onMessageEquals(EntityCommand.Finished.INSTANCE, this::finished)
                .onMessageEquals(EntityCommand.Stop.INSTANCE, this::stop)
                .onMessageEquals(EntityCommand.KeepAlive.INSTANCE, () -> this)
                .onMessageEquals(EntityCommand.CheckKeepAlive.INSTANCE, this::checkKeepAlive)
                .onSignal(PostStop.class, s -> evict())
                .build();
    }

    private Behavior<EntityCommand> deliver(EntityCommand.Deliver d) {
        if (here == null) {
            String location = host.location() != null ? host.location() : d.locationHint();
            here = host.emulator()
                    .stubHere(binding, new DurableObjectId(d.idHex(), d.idName(), d.jurisdiction()), location);
        }
        DurableObjectStub stub = here;
        inFlight++;
        var self = getContext().getSelf();
        Thread.ofVirtual().name("partyflare-cluster-" + binding).start(() -> {
            EntityCommand.Reply reply;
            try {
                byte[] payload = d.transfer() == null
                        ? d.payload()
                        : host.sockets().pull(d.relay(), d.transfer(), host.callTimeout());
                byte[] result = run(stub, d, payload);
                reply = new EntityCommand.Reply(
                        true,
                        result,
                        d.kind() == EntityCommand.UPGRADE && Codec.upgradeAccepted(result)
                                ? host.sockets().ref()
                                : null,
                        null);
            } catch (RuntimeException | Error e) {
                reply = new EntityCommand.Reply(false, Codec.error(e));
            }
            reply = reply.from(host.references().node()); // the caller learns who holds its references
            if (reply.payload() != null && reply.payload().length > ShardedRouter.INLINE_MAX) {
                // too large for one Artery frame: offered here, pulled by the caller in parts
                reply = new EntityCommand.Reply(
                        reply.ok(),
                        new byte[0],
                        host.sockets().ref(),
                        host.sockets().offer(reply.payload()),
                        reply.node());
            }
            d.replyTo().tell(reply);
            self.tell(EntityCommand.Finished.INSTANCE);
        });
        return this;
    }

    private byte[] run(DurableObjectStub stub, EntityCommand.Deliver d, byte[] payload) {
        if (d.kind() == EntityCommand.FETCH) {
            Response r = stub.fetch(Codec.request(payload));
            if (r.webSocket().isPresent()) {
                // as an HTTP server answers it: a socket only answers an upgrade
                r = Response.text(NOT_AN_UPGRADE, 500);
            }
            return Codec.response(r);
        }
        if (d.kind() == EntityCommand.UPGRADE) {
            Request request = Codec.request(payload);
            Response r = stub.fetch(request);
            boolean hibernatable = false;
            if (r.webSocket().isPresent()) {
                try {
                    hibernatable = host.sockets()
                            .openOwner(
                                    d.link(),
                                    d.relay(),
                                    binding,
                                    idHex,
                                    r.webSocket().get(),
                                    request.url());
                } catch (IllegalStateException e) {
                    r = Response.text(e.getMessage(), 500);
                }
            }
            return Codec.upgradeAnswer(r, hibernatable);
        }
        if (d.kind() == EntityCommand.WHERE) {
            return host.nodeName().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        if (d.kind() == EntityCommand.RUN_ALARM) {
            // a stub of stubHere: runs here, never routed again
            return new byte[] {(byte) (host.emulator().runAlarm(stub) ? 1 : 0)};
        }
        if (d.kind() == EntityCommand.ALARM) {
            return new byte[] {(byte) (host.emulator().runDueAlarm(binding, stub.id()) ? 1 : 0)};
        }
        Codec.RpcCall call = Codec.rpcCall(payload);
        ReferenceRelay references = host.references();
        // RpcTargets and functions of other nodes as stand-ins here; the callee's stubs of them end
        // with the call unless it dup()ed them, and a result's is lent to the caller's node
        ReferenceRelay.Inbound in = references.receive(call.jsonArgs());
        byte[] result;
        try {
            result = host.emulator().rpcHere(stub, call.method(), in.args());
        } finally {
            in.release();
        }
        return references.lendResult(result, references.nodeOf(d.replyTo()));
    }

    /**
     * Keeps the entity from idle passivation while its object could not be evicted by the emulator
     * either: sockets bridged to clients, or what the emulator's own idle eviction waits for (timers
     * pending, waitUntil work, standard sockets, events in flight). Passivation would evict the object
     * and cancel its timers; workerd runs them however long they wait.
     */
    private Behavior<EntityCommand> checkKeepAlive() {
        if (!stopping
                && (host.sockets().hasSockets(binding, idHex)
                        || (here != null
                                && !host.emulator().hibernationBlockers(here).isEmpty()))) {
            host.keepAlive(binding, jurisdiction, idHex);
        }
        return this;
    }

    private Behavior<EntityCommand> finished() {
        inFlight--;
        return stopping && inFlight == 0 ? Behaviors.stopped() : this;
    }

    private Behavior<EntityCommand> stop() {
        stopping = true;
        return inFlight == 0 ? Behaviors.stopped() : this;
    }

    private Behavior<EntityCommand> evict() {
        if (here != null && !host.crashing()) {
            try {
                host.emulator().evict(here, true);
            } catch (RuntimeException e) {
                getContext().getLog().warn("Could not evict {} {} on stop: {}", binding, idHex, e.toString());
            }
        }
        host.entityStopped(binding, idHex);
        return this;
    }
}
