package dev.partyflare.cluster.internal;

import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.durable.DurableObjectStub;
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
    /** What an entity learns about its node. */
    public interface Host {
        Emulator emulator();

        /** Called once per entity start, on the node where it starts (tests, metrics). */
        default void entityStarted(String binding, String idHex) {}

        /** True while the node crashes: a stopping entity leaves its object alone (as a killed process). */
        default boolean crashing() {
            return false;
        }

        /** Called once per entity stop, on its node, after the object was evicted (tests, metrics). */
        default void entityStopped(String binding, String idHex) {}
    }

    private final String binding;
    private final String idHex;
    private final Host host;
    private DurableObjectStub here;
    private int inFlight;
    private boolean stopping;

    private ObjectEntity(ActorContext<EntityCommand> ctx, String binding, String idHex, Host host) {
        super(ctx);
        this.binding = binding;
        this.idHex = idHex;
        this.host = host;
        host.entityStarted(binding, idHex);
    }

    public static Behavior<EntityCommand> create(String binding, String idHex, Host host) {
        return Behaviors.setup(ctx -> new ObjectEntity(ctx, binding, idHex, host));
    }

    @Override
    public Receive<EntityCommand> createReceive() {
        return newReceiveBuilder()
                .onMessage(EntityCommand.Deliver.class, this::deliver)
                .onMessageEquals(EntityCommand.Finished.INSTANCE, this::finished)
                .onMessageEquals(EntityCommand.Stop.INSTANCE, this::stop)
                .onSignal(PostStop.class, s -> evict())
                .build();
    }

    private Behavior<EntityCommand> deliver(EntityCommand.Deliver d) {
        if (here == null) {
            here = host.emulator()
                    .stubHere(binding, new DurableObjectId(d.idHex(), d.idName(), d.jurisdiction()), d.locationHint());
        }
        DurableObjectStub stub = here;
        inFlight++;
        var self = getContext().getSelf();
        Thread.ofVirtual().name("partyflare-cluster-" + binding).start(() -> {
            EntityCommand.Reply reply;
            try {
                reply = new EntityCommand.Reply(true, run(stub, d));
            } catch (RuntimeException | Error e) {
                reply = new EntityCommand.Reply(false, Codec.error(e));
            }
            d.replyTo().tell(reply);
            self.tell(EntityCommand.Finished.INSTANCE);
        });
        return this;
    }

    private byte[] run(DurableObjectStub stub, EntityCommand.Deliver d) {
        if (d.kind() == EntityCommand.FETCH) {
            return Codec.response(stub.fetch(Codec.request(d.payload())));
        }
        if (d.kind() == EntityCommand.ALARM) {
            return new byte[] {(byte) (host.emulator().runDueAlarm(binding, stub.id()) ? 1 : 0)};
        }
        Codec.RpcCall call = Codec.rpcCall(d.payload());
        return host.emulator().rpcHere(stub, call.method(), call.jsonArgs());
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
