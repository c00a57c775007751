package dev.partyflare.cluster.internal;

import dev.partyflare.emulator.Emulator;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Makes a node learn the alarms it must route: when it comes Up, and whenever another node is
 * removed (it left, or was downed after a crash), it reads every stored alarm of the shared state
 * directory again and schedules them. Each is routed to its object's owner when due and runs there
 * only if still due, so the node that ends up owning a removed node's objects needs to know nothing,
 * and the alarms other nodes also route are no-ops (docs/cluster.md, "Alarms").
 */
public final class AlarmTakeover {
    private static final System.Logger LOG = System.getLogger("dev.partyflare.cluster");

    private AlarmTakeover() {}

    /** The behaviour of the node's takeover actor, for {@code emulator}. */
    public static Behavior<Object> create(Emulator emulator) {
        return Behaviors.setup(ctx -> {
            Cluster cluster = Cluster.get(ctx.getSystem());
            ActorRef<SelfUp> up = ctx.getSelf().narrow();
            ActorRef<ClusterEvent.MemberRemoved> removed = ctx.getSelf().narrow();
            cluster.subscriptions().tell(Subscribe.create(up, SelfUp.class));
            cluster.subscriptions().tell(Subscribe.create(removed, ClusterEvent.MemberRemoved.class));
            return Behaviors.receive(Object.class)
                    .onMessage(SelfUp.class, m -> reschedule(emulator, "this node is Up"))
                    .onMessage(ClusterEvent.MemberRemoved.class, m -> {
                        if (!m.member().equals(cluster.selfMember())) {
                            reschedule(emulator, m.member().address() + " was removed");
                        }
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    private static Behavior<Object> reschedule(Emulator emulator, String why) {
        // SQLite reads: off the actor's dispatcher
        Thread.ofVirtual().name("partyflare-alarm-takeover").start(() -> {
            try {
                emulator.rescheduleStoredAlarms();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not reschedule the stored alarms (" + why + ")", e);
            }
        });
        return Behaviors.same();
    }
}
