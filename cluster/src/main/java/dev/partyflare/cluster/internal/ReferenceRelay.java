package dev.partyflare.cluster.internal;

import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.emulator.RpcReferences;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * RPC by reference between nodes (docs/cluster.md, "RPC by reference"): one actor per node
 * ({@code /system/partyflare-references}) that runs the calls other nodes make on this node's
 * exports and releases the leases they are done with, and the conversions of an RPC's arguments and
 * result between the emulator's local references and {@link RemoteReference}s.
 *
 * <p>Going out, a local reference becomes a lease ({@link ReferenceLeases}) named by a {@link
 * RemoteReference}; coming in, a {@link RemoteReference} of another node becomes a stand-in (an
 * export here whose calls go back, {@link ImportedReference}), and one of this node (a call that
 * stayed here) the local reference again. A call on a lease runs as a local stub's call runs
 * ({@link RpcReferences.Held#call}: in the owner, behind its input gate, answered after its output
 * gate). A node that leaves or is removed releases every lease it held, and its stand-ins here fail
 * at once from then on.
 */
public final class ReferenceRelay {
    /** The name of the actor under {@code /system}. */
    public static final String NAME = "partyflare-references";

    /** What the actor receives. */
    public sealed interface Command permits Call, Release, MemberGone {}

    /**
     * A call on lease {@code lease} of the receiving node; {@code payload} is {@link Codec#rpcCall}
     * (or empty, with {@code transfer} offered by {@code relay} for one larger than an Artery frame).
     * The answer is an {@link EntityCommand.Reply} as for a routed RPC.
     */
    public record Call(
            long lease,
            byte[] payload,
            ActorRef<EntityCommand.Reply> replyTo,
            ActorRef<SocketRelay.Command> relay,
            String transfer)
            implements Command, WireMessage {}

    /** The sender's stand-in of lease {@code lease} of the receiving node is gone. */
    public record Release(long lease) implements Command, WireMessage {}

    /** A node left or was removed. */
    record MemberGone(Address address) implements Command {}

    private final ActorSystem<?> system;
    private final Address self;
    private final SocketRelay sockets;
    private final Duration timeout;
    private final ReferenceLeases leases = new ReferenceLeases();
    private final ConcurrentHashMap<ImportedReference, Boolean> imports = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Address, ActorRef<Command>> relays = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public ReferenceRelay(ActorSystem<?> system, SocketRelay sockets, Duration timeout) {
        this.system = system;
        this.self = Cluster.get(system).selfMember().address();
        this.sockets = sockets;
        this.timeout = timeout;
    }

    /** The actor: calls in, releases, membership. */
    public Behavior<Command> behavior() {
        return Behaviors.setup(ctx -> {
            Cluster cluster = Cluster.get(ctx.getSystem());
            cluster.subscriptions()
                    .tell(Subscribe.create(
                            ctx.messageAdapter(
                                    ClusterEvent.MemberRemoved.class,
                                    e -> new MemberGone(e.member().address())),
                            ClusterEvent.MemberRemoved.class));
            return Behaviors.receive(Command.class)
                    .onMessage(Call.class, c -> {
                        Thread.ofVirtual().name("partyflare-reference-call").start(() -> run(c));
                        return Behaviors.same();
                    })
                    .onMessage(Release.class, r -> {
                        leases.release(r.lease());
                        return Behaviors.same();
                    })
                    .onMessage(MemberGone.class, g -> {
                        memberGone(g.address());
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    /** This node's address, as a {@link RemoteReference} names it. */
    public String node() {
        return self.toString();
    }

    /** The node an actor lives on (this one for a local actor). */
    Address nodeOf(ActorRef<?> ref) {
        Address a = ref.path().address();
        return a.hasGlobalScope() ? a : self;
    }

    // ---- conversions ----

    /**
     * Arguments leaving this node: each local reference lent to {@code holder} (null: whoever runs
     * the call, known from its answer).
     */
    public Outbound lend(byte[][] args, Address holder) {
        List<Long> lent = new ArrayList<>();
        byte[][] out = args;
        try {
            for (int i = 0; i < args.length; i++) {
                if (RpcReferences.isReference(args[i])) {
                    if (out == args) {
                        out = args.clone();
                    }
                    long lease = leases.lend(RpcReferences.hold(args[i]), holder);
                    lent.add(lease);
                    out[i] = new RemoteReference(self, lease).wire();
                }
            }
        } catch (RuntimeException | Error e) {
            lent.forEach(leases::release);
            throw e;
        }
        return new Outbound(out, holder == null ? lent : List.of());
    }

    /** Arguments sent, with the leases whose holder the answer tells. */
    public final class Outbound {
        private final byte[][] args;
        private final List<Long> pending;

        private Outbound(byte[][] args, List<Long> pending) {
            this.args = args;
            this.pending = pending;
        }

        public byte[][] args() {
            return args;
        }

        /** The call was answered (a result or an error) by {@code node}: it holds what it did not release. */
        public void answeredBy(String node) {
            if (pending.isEmpty()) {
                return;
            }
            Address holder = node == null ? null : org.apache.pekko.actor.AddressFromURIString.parse(node);
            for (long lease : pending) {
                if (holder == null || holder.equals(self)) {
                    leases.release(lease); // a call that stayed here took its leases already
                } else {
                    leases.heldBy(lease, holder);
                }
            }
        }

        /** No answer: nobody is known to hold the leases, so they end with the call. */
        public void unanswered() {
            pending.forEach(leases::release);
        }
    }

    /** A result leaving this node for {@code holder}: a reference it carries becomes a lease. */
    byte[] lendResult(byte[] wire, Address holder) {
        if (!RpcReferences.isReference(wire)) {
            return wire;
        }
        return new RemoteReference(self, leases.lend(RpcReferences.adopt(wire), holder)).wire();
    }

    /**
     * Arguments arriving here: each {@link RemoteReference} as a local reference carrying one
     * reference, which {@link Inbound#release()} drops once the call returned (the callee's stubs
     * hold their own, or were disposed).
     */
    Inbound receive(byte[][] args) {
        List<byte[]> made = new ArrayList<>();
        byte[][] in = args;
        try {
            for (int i = 0; i < args.length; i++) {
                if (RemoteReference.is(args[i])) {
                    if (in == args) {
                        in = args.clone();
                    }
                    in[i] = local(RemoteReference.of(args[i]));
                    made.add(in[i]);
                }
            }
        } catch (RuntimeException | Error e) {
            made.forEach(RpcReferences::release);
            throw e;
        }
        return new Inbound(in, made);
    }

    /** Arguments as the emulator reads them, and what to drop after the call. */
    record Inbound(byte[][] args, List<byte[]> made) {
        void release() {
            for (byte[] wire : made) {
                RpcReferences.release(wire);
            }
        }
    }

    /** A result arriving here: a {@link RemoteReference} as a local reference carrying one reference. */
    public byte[] receiveResult(byte[] wire) {
        return RemoteReference.is(wire) ? local(RemoteReference.of(wire)) : wire;
    }

    private byte[] local(RemoteReference r) {
        if (r.node().equals(self)) {
            RpcReferences.Held held = leases.take(r.lease());
            if (held == null) {
                throw new IllegalStateException(RpcReferences.GONE);
            }
            return held.toWire();
        }
        ImportedReference imported = new ImportedReference(r, this);
        imports.put(imported, Boolean.TRUE);
        if (closed) {
            imported.gone();
        }
        return RpcReferences.stand(imported);
    }

    // ---- calls ----

    /** How much longer than the ask's own timeout a caller waits before giving up by itself. */
    private static final long GRACE_MILLIS = 1_000;

    /** A call on a stand-in here: carried to the node that lent it, as outbound I/O for the caller. */
    byte[] callRemote(ImportedReference imported, String method, byte[][] args) {
        RemoteReference r = imported.ref();
        Outbound out = lend(args, r.node());
        byte[] payload = Codec.rpcCall(method, out.args());
        String transfer = null;
        ActorRef<SocketRelay.Command> relay = null;
        if (payload.length > ShardedRouter.INLINE_MAX) {
            transfer = sockets.offer(payload);
            payload = new byte[0];
            relay = sockets.ref();
        }
        EntityCommand.Reply reply;
        try {
            byte[] p = payload;
            String t = transfer;
            ActorRef<SocketRelay.Command> from = relay;
            CompletionStage<EntityCommand.Reply> answer = AskPattern.ask(
                    relayOf(r.node()),
                    (ActorRef<EntityCommand.Reply> replyTo) -> new Call(r.lease(), p, replyTo, from, t),
                    timeout,
                    system.scheduler());
            reply = answer.toCompletableFuture().get(timeout.toMillis() + GRACE_MILLIS, TimeUnit.MILLISECONDS);
            if (reply.transfer() != null) {
                reply = new EntityCommand.Reply(
                        reply.ok(), sockets.pull(reply.relay(), reply.transfer(), timeout), null, null, reply.node());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling an RPC stub of " + r.node(), e);
        } catch (TimeoutException e) {
            throw didNotAnswer(r);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException) {
                throw didNotAnswer(r);
            }
            throw new IllegalStateException("Calling an RPC stub of " + r.node() + " failed", e.getCause());
        } finally {
            sockets.withdraw(transfer);
        }
        if (!reply.ok()) {
            throw error(reply.payload());
        }
        return receiveResult(reply.payload());
    }

    private DurableObjectException didNotAnswer(RemoteReference r) {
        return DurableObjectException.builder(
                        "Error",
                        "An RPC stub's target on " + r.node() + " did not answer within " + timeout.toMillis()
                                + " ms (its node may be gone; the call may or may not have run)")
                .retryable(true)
                .build();
    }

    /**
     * An error as the stub's caller sees it: the emulator's own errors for a stub ({@code RPC stub
     * used after being disposed.}, a gone owner) are {@link IllegalStateException}s, not remote;
     * the target's errors are remote {@link DurableObjectException}s, as locally.
     */
    private static RuntimeException error(byte[] payload) {
        DurableObjectException d = Codec.error(payload);
        if (!d.remote() && "java.lang.IllegalStateException".equals(d.errorType())) {
            return new IllegalStateException(d.getMessage());
        }
        return d;
    }

    /** A call from another node on one of this node's leases, on a virtual thread of its own. */
    private void run(Call c) {
        EntityCommand.Reply reply;
        try {
            byte[] payload = c.transfer() == null ? c.payload() : sockets.pull(c.relay(), c.transfer(), timeout);
            Codec.RpcCall call = Codec.rpcCall(payload);
            Inbound in = receive(call.jsonArgs());
            byte[] result;
            try {
                RpcReferences.Held held = leases.get(c.lease());
                if (held == null) {
                    throw new IllegalStateException(RpcReferences.GONE); // released: its holder was thought gone
                }
                result = held.call(call.method(), in.args());
            } finally {
                in.release();
            }
            reply = new EntityCommand.Reply(true, lendResult(result, nodeOf(c.replyTo())), null, null, node());
        } catch (RuntimeException | Error e) {
            reply = new EntityCommand.Reply(false, Codec.error(e), null, null, node());
        }
        if (reply.payload() != null && reply.payload().length > ShardedRouter.INLINE_MAX) {
            reply = new EntityCommand.Reply(
                    reply.ok(), new byte[0], sockets.ref(), sockets.offer(reply.payload()), reply.node());
        }
        c.replyTo().tell(reply);
    }

    private ActorRef<Command> relayOf(Address node) {
        return relays.computeIfAbsent(node, a -> ActorRefResolver.get(system).resolveActorRef(a + "/system/" + NAME));
    }

    // ---- stand-ins and membership ----

    /** A stand-in's last stub here is gone: its lease on the other node ends (unless that node is gone). */
    void forget(ImportedReference imported, boolean gone) {
        imports.remove(imported);
        if (!gone && !closed) {
            relayOf(imported.ref().node()).tell(new Release(imported.ref().lease()));
        }
    }

    private void memberGone(Address node) {
        leases.releaseHeldBy(node);
        imports.keySet().forEach(i -> {
            if (i.ref().node().equals(node)) {
                i.gone();
                imports.remove(i); // its stubs fail from now on; nothing is released there
            }
        });
        relays.remove(node);
    }

    /** This node stops: what it lent is released, its stand-ins fail from now on. */
    public void close() {
        closed = true;
        leases.releaseAll();
        imports.keySet().forEach(ImportedReference::gone);
        imports.clear();
    }

    /** This node's exports held by other nodes (tests: nothing leaks). */
    public int lent() {
        return leases.size();
    }

    /** Stand-ins here for other nodes' exports that some stub here still references. */
    public int held() {
        return imports.size();
    }
}
