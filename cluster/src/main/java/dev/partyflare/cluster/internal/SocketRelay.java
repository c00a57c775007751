package dev.partyflare.cluster.internal;

import dev.partyflare.durable.WebSocket;
import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.emulator.WebSocketBridge;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * A node's end of every WebSocket that crosses nodes (docs/cluster.md, "WebSockets"): one actor per
 * node that applies the {@link SocketFrame}s other nodes send to the local half of their socket, and
 * a registry of those halves ("links"). A socket has a link on its edge node (where the client's
 * connection is) and one on its owner node (where the object holds the server end); the two may be
 * the same node. Frames between two nodes keep their order: each half emits them one at a time under
 * its socket's lock, Artery keeps the order of messages to one recipient, and this actor applies
 * them in arrival order.
 *
 * <p>When a node is unreachable or removed, every link to it is dropped here: an edge drops its
 * client's connection (the client sees 1006, as after an object reset, and reconnects through any
 * node); an owner delivers a close 1006 to the object, as workerd does for a lost connection.
 *
 * <p>The same actor carries requests and responses too large for one Artery frame ({@link
 * LargePayloads}): its lane is the one for bulk traffic.
 */
public final class SocketRelay {
    /** What the relay actor receives. */
    public sealed interface Command permits SocketFrame, MemberGone, DropLocal, Pull, Chunk, Recheck {}

    /**
     * Asks the relay that offered payload {@code id} to send it to {@code to}, in {@link Chunk}s: how a
     * request or response larger than an Artery frame crosses (see {@link #offer}).
     */
    public record Pull(String id, ActorRef<Command> to) implements Command, WireMessage {}

    /** A part of an offered payload; {@code bytes} null with {@code last}: nothing is offered under that id. */
    public record Chunk(String id, boolean last, byte[] bytes) implements Command, WireMessage {}

    /** Requests and responses too large for one Artery frame, on their way between nodes. */
    private final LargePayloads payloads = new LargePayloads();

    /**
     * Offers {@code bytes} (a request or response too large for one Artery frame, 256 KiB) for
     * another node to {@link #pull}; returns its id. The payload then crosses in {@link Chunk}s on the
     * relays' large-message lane, in order, each within a large frame.
     */
    public String offer(byte[] bytes) {
        return payloads.offer(bytes);
    }

    /** Forgets an offer (its call ended). */
    public void withdraw(String id) {
        payloads.withdraw(id);
    }

    /**
     * Fetches the payload {@code from}'s relay offered under {@code id}, waiting at most {@code
     * timeout} (on a virtual thread: a call's).
     *
     * @throws IllegalStateException when it does not arrive in time, or was not offered
     */
    public byte[] pull(ActorRef<Command> from, String id, java.time.Duration timeout) {
        return payloads.pull(from, id, timeout, self);
    }

    /** A node is unreachable or was removed: its links are dropped. */
    record MemberGone(Address address) implements Command {}

    /** A link must be dropped on this side too (decided where the socket's lock was held). */
    record DropLocal(String key) implements Command {}

    /** Look again at the backlog of an owner's half that was reported behind (this node only). */
    record Recheck(String key) implements Command {}

    /** The name of the relay actor under {@code /system} (Artery sends its frames on the large-message lane). */
    public static final String NAME = "partyflare-sockets";

    /**
     * A message larger than this crosses as several frames ({@link SocketFrame#PART}s, then the last
     * part as the message), each within Artery's large frame (512 KiB here).
     */
    static final int CHUNK = 256 * 1024;

    private final ConcurrentHashMap<String, Link> links = new ConcurrentHashMap<>();
    private volatile long maxMessageBytes;
    private volatile ActorRef<Command> self;

    /**
     * The owner acknowledges the edge's frames in groups of this many: the edge then has fewer than
     * {@link WebSocketBridge#BACKLOG_LOW} frames unacknowledged once the owner applied them all.
     */
    static final int ACK_EVERY = 128;

    /** The relay actor's timers (used on its thread only). */
    private TimerScheduler<Command> timers;

    /** @param maxMessageBytes the largest message that crosses (the emulator's WebSocket message limit) */
    public SocketRelay(long maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /** The largest message that crosses (the emulator's limit, known once it has started). */
    public void maxMessageBytes(long bytes) {
        this.maxMessageBytes = bytes;
    }

    /** One half of a bridged socket, on this node. */
    private final class Link {
        final String key;
        final String id;
        final boolean owner;
        final String binding;
        final String idHex;
        volatile ActorRef<Command> remote;
        volatile Address remoteAddress;
        volatile WebSocketBridge.Peer local;
        private boolean closeSent;
        private boolean closeReceived;

        Link(String id, boolean owner, String binding, String idHex) {
            this.key = (owner ? "o:" : "e:") + id;
            this.id = id;
            this.owner = owner;
            this.binding = binding;
            this.idHex = idHex;
        }

        void connect(ActorRef<Command> r) {
            remote = r;
            remoteAddress = r.path().address();
        }

        /** Frames sent so far (numbered from 1, in the order they are handed to Artery). */
        private volatile long sent;

        /** Edge: frames the owner acknowledged ({@link SocketFrame#ACK}; written by the relay actor). */
        volatile long acked;

        /** Owner: frames applied since the last acknowledgement (the relay actor's alone). */
        int unacknowledged;

        /** The number of the last frame applied here (the relay actor's alone). */
        long received;

        /** Edge: the owner's backlog as last reported (0 until it falls behind). */
        volatile int remoteBacklog;

        /** Owner: reported behind and not yet caught up (the relay actor's alone). */
        boolean behind;

        /** The parts of a large message received so far (the relay actor's alone), or null. */
        java.io.ByteArrayOutputStream partial;

        /** Sends a message of {@code bytes} as parts then its last part as {@code op}. */
        private void sendInParts(byte op, byte[] bytes) {
            int at = 0;
            while (bytes.length - at > CHUNK) {
                send(SocketFrame.PART, null, java.util.Arrays.copyOfRange(bytes, at, at + CHUNK), 0);
                at += CHUNK;
            }
            send(op, null, java.util.Arrays.copyOfRange(bytes, at, bytes.length), 0);
        }

        synchronized void send(byte op, String text, byte[] bytes, int code) {
            ActorRef<Command> r = remote;
            if (r != null) {
                r.tell(new SocketFrame(id, ++sent, !owner, op, text, bytes, code));
            }
        }

        synchronized boolean sentClose() {
            closeSent = true;
            return closeReceived;
        }

        synchronized boolean receivedClose() {
            closeReceived = true;
            return closeSent;
        }

        /** The socket is hibernatable: after a protocol error its link lives until the object hibernates. */
        volatile boolean hibernatable;

        private boolean errored;

        /** Notes a protocol error; true when the link is done (a standard socket's). */
        synchronized boolean failed() {
            errored = true;
            return !hibernatable;
        }

        /** Whether the object's hibernation ends this link (its socket ended, its connection lingered). */
        synchronized boolean endsAtHibernation() {
            return errored || closeSent || closeReceived;
        }

        void forget() {
            links.remove(key, this);
        }

        /** What this half emits, sent to the other half. */
        WebSocketBridge.Peer outbound() {
            return new WebSocketBridge.Peer() {
                @Override
                public void message(WebSocketMessage message) {
                    switch (message) {
                        case WebSocketMessage.Text t -> {
                            if (t.text().length() <= CHUNK / 3) {
                                send(SocketFrame.TEXT, t.text(), null, 0);
                            } else {
                                byte[] utf8 = t.text().getBytes(StandardCharsets.UTF_8);
                                if (utf8.length > maxMessageBytes) {
                                    overflow();
                                } else {
                                    sendInParts(SocketFrame.TEXT, utf8);
                                }
                            }
                        }
                        case WebSocketMessage.Binary b -> {
                            if (b.bytes().length > maxMessageBytes) {
                                overflow();
                            } else if (b.bytes().length <= CHUNK) {
                                send(SocketFrame.BINARY, null, b.bytes(), 0);
                            } else {
                                sendInParts(SocketFrame.BINARY, b.bytes());
                            }
                        }
                    }
                }

                @Override
                public void close(int code, String reason) {
                    send(SocketFrame.CLOSE, reason, null, code);
                    if (sentClose()) {
                        forget();
                    }
                }

                @Override
                public void drop() {
                    forget();
                    send(SocketFrame.DROP, null, null, 0);
                }

                @Override
                public void error(String message) {
                    if (failed()) {
                        forget();
                    }
                    send(SocketFrame.ERROR, message, null, 0);
                }

                @Override
                public int backlog() {
                    // the object's backlog as the owner last reported it, or the frames still
                    // between the nodes, whichever is more
                    long inFlight = sent - acked;
                    return Math.max(remoteBacklog, (int) Math.min(Integer.MAX_VALUE, inFlight));
                }

                @Override
                public void objectHibernated() {
                    send(SocketFrame.HIBERNATED, null, null, 0);
                    if (endsAtHibernation()) {
                        forget(); // a lingering connection (an error, an unanswered close) ends now
                    }
                }
            };
        }

        /** A message too large to cross: the socket is dropped on both sides (never silently lost). */
        private void overflow() {
            System.getLogger("dev.partyflare.cluster")
                    .log(
                            System.Logger.Level.WARNING,
                            "A WebSocket message over " + maxMessageBytes
                                    + " bytes cannot cross cluster nodes; the socket is dropped");
            forget();
            send(SocketFrame.DROP, null, null, 0);
            overflowed.put(key, this);
            ActorRef<Command> me = self;
            if (me != null) {
                me.tell(new DropLocal(key)); // not here: this runs under the socket's lock
            }
        }
    }

    /** Links dropped for a too large message, waiting for the actor to drop their local half. */
    private final ConcurrentHashMap<String, Link> overflowed = new ConcurrentHashMap<>();

    /** The relay actor: applies frames to local halves, drops the links of nodes that are gone. */
    public Behavior<Command> behavior() {
        return Behaviors.setup(ctx -> Behaviors.withTimers(t -> {
            self = ctx.getSelf();
            timers = t;
            Cluster cluster = Cluster.get(ctx.getSystem());
            cluster.subscriptions()
                    .tell(Subscribe.create(
                            ctx.messageAdapter(
                                    ClusterEvent.UnreachableMember.class,
                                    e -> new MemberGone(e.member().address())),
                            ClusterEvent.UnreachableMember.class));
            cluster.subscriptions()
                    .tell(Subscribe.create(
                            ctx.messageAdapter(
                                    ClusterEvent.MemberRemoved.class,
                                    e -> new MemberGone(e.member().address())),
                            ClusterEvent.MemberRemoved.class));
            return Behaviors.receive(Command.class)
                    .onMessage(SocketFrame.class, f -> {
                        apply(f);
                        return Behaviors.same();
                    })
                    .onMessage(MemberGone.class, g -> {
                        memberGone(g.address());
                        return Behaviors.same();
                    })
                    .onMessage(Pull.class, p -> {
                        payloads.sendOffered(p);
                        return Behaviors.same();
                    })
                    .onMessage(Chunk.class, c -> {
                        payloads.received(c);
                        return Behaviors.same();
                    })
                    .onMessage(Recheck.class, r -> {
                        recheck(r.key());
                        return Behaviors.same();
                    })
                    .onMessage(DropLocal.class, d -> {
                        Link l = overflowed.remove(d.key());
                        if (l != null && l.local != null) {
                            l.local.drop();
                        }
                        return Behaviors.same();
                    })
                    .build();
        }));
    }

    /** Set once the relay actor runs (ClusterNode starts it before any call). */
    public ActorRef<Command> ref() {
        return self;
    }

    private void apply(SocketFrame f) {
        Link l = links.get((f.toOwner() ? "o:" : "e:") + f.link());
        if (l == null || l.local == null) {
            return; // a socket already gone on this side: nothing to apply
        }
        WebSocketBridge.Peer p = l.local;
        if (f.seq() != l.received + 1) {
            // a frame was lost between the nodes (Artery drops what overflows its queue to a node):
            // the socket ends on both sides, as a broken connection, rather than go on without it
            System.getLogger("dev.partyflare.cluster")
                    .log(
                            System.Logger.Level.WARNING,
                            "A WebSocket frame between cluster nodes was lost (got " + f.seq() + " after " + l.received
                                    + "); the socket is dropped");
            l.forget();
            l.send(SocketFrame.DROP, null, null, 0);
            p.drop();
            return;
        }
        l.received = f.seq();
        if (l.owner && ++l.unacknowledged >= ACK_EVERY) {
            l.send(SocketFrame.ACK, null, null, l.unacknowledged);
            l.unacknowledged = 0;
        }
        switch (f.op()) {
            case SocketFrame.PART -> {
                if (l.partial == null) {
                    l.partial = new java.io.ByteArrayOutputStream();
                }
                l.partial.writeBytes(f.bytes());
            }
            case SocketFrame.TEXT -> {
                p.message(new WebSocketMessage.Text(
                        f.text() != null ? f.text() : new String(whole(l, f.bytes()), StandardCharsets.UTF_8)));
                watchBacklog(l);
            }
            case SocketFrame.BINARY -> {
                p.message(new WebSocketMessage.Binary(whole(l, f.bytes())));
                watchBacklog(l);
            }
            case SocketFrame.BACKLOG -> l.remoteBacklog = f.code();
            case SocketFrame.ACK -> l.acked += f.code();
            case SocketFrame.CLOSE -> {
                if (l.receivedClose()) {
                    l.forget();
                }
                p.close(f.code(), f.text() == null ? "" : f.text());
            }
            case SocketFrame.DROP -> {
                l.forget();
                p.drop();
            }
            case SocketFrame.ERROR -> {
                if (l.failed()) {
                    l.forget();
                }
                p.error(f.text() == null ? "" : f.text());
            }
            case SocketFrame.HIBERNATED -> {
                if (l.endsAtHibernation()) {
                    l.forget();
                }
                p.objectHibernated();
            }
            default -> {}
        }
    }

    /**
     * Owner: after a client's message, whether its object has fallen behind; if so the edge is told,
     * so that it stops reading the client (backpressure across nodes, as {@code WebSocketConnection}
     * applies on one), and the backlog is looked at every millisecond until it is down to {@link
     * WebSocketBridge#BACKLOG_LOW}, when the edge is told to read again. The messages already sent
     * keep coming (at most what one round trip between the nodes carries) and are all delivered.
     */
    private void watchBacklog(Link l) {
        if (!l.owner || l.behind) {
            return;
        }
        int backlog = l.local.backlog();
        if (backlog > WebSocketBridge.BACKLOG_HIGH) {
            l.behind = true;
            l.send(SocketFrame.BACKLOG, null, null, backlog);
            recheckLater(l.key);
        }
    }

    private void recheck(String key) {
        Link l = links.get(key);
        if (l == null || !l.behind || l.local == null) {
            return; // gone: its edge went with it
        }
        if (l.local.backlog() > WebSocketBridge.BACKLOG_LOW) {
            recheckLater(key);
            return;
        }
        l.behind = false;
        l.send(SocketFrame.BACKLOG, null, null, 0);
    }

    private void recheckLater(String key) {
        timers.startSingleTimer("backlog:" + key, new Recheck(key), Duration.ofMillis(1));
    }

    /** A message's bytes: its parts received before, then {@code last}. */
    private static byte[] whole(Link l, byte[] last) {
        if (l.partial == null) {
            return last;
        }
        l.partial.writeBytes(last);
        byte[] all = l.partial.toByteArray();
        l.partial = null;
        return all;
    }

    private void memberGone(Address address) {
        for (Link l : links.values()) {
            if (address.equals(l.remoteAddress)) {
                l.forget();
                if (l.local != null) {
                    l.local.drop();
                }
            }
        }
    }

    /** The edge's half of a socket being opened: its link id and the client end to answer with. */
    public record EdgeSocket(String link, WebSocket client, Runnable hibernatable) {}

    /** Edge: a new socket for an upgrade about to be routed (frames may arrive before the answer). */
    public EdgeSocket openEdge() {
        Link l = new Link(UUID.randomUUID().toString(), false, null, null);
        WebSocketBridge.Edge e = WebSocketBridge.edge(l.outbound());
        l.local = e.fromOwner();
        links.put(l.key, l);
        return new EdgeSocket(l.id, e.client(), e.hibernatable());
    }

    /** Edge: the owner accepted; its relay is where the client's frames go. */
    public void edgeConnected(EdgeSocket s, ActorRef<Command> ownerRelay, boolean hibernatable) {
        Link l = links.get("e:" + s.link());
        if (l != null) {
            l.connect(ownerRelay);
            if (hibernatable) {
                l.hibernatable = true;
                s.hibernatable().run();
            }
        }
    }

    /** Edge: the upgrade was not accepted (or failed): the link is forgotten. */
    public void forgetEdge(EdgeSocket s) {
        Link l = links.get("e:" + s.link());
        if (l != null) {
            l.forget();
        }
    }

    /**
     * Owner: bridges the client end an object answered an upgrade with to the edge's link; returns
     * whether the object accepted its socket with the hibernatable API.
     *
     * @throws IllegalStateException when {@code clientEnd} is not an unaccepted client end
     */
    public boolean openOwner(
            String link, ActorRef<Command> edgeRelay, String binding, String idHex, WebSocket clientEnd, String url) {
        Link l = new Link(link, true, binding, idHex);
        l.connect(edgeRelay);
        links.put(l.key, l);
        l.hibernatable = WebSocketBridge.isHibernatable(clientEnd);
        try {
            l.local = WebSocketBridge.owner(clientEnd, url, l.outbound());
        } catch (RuntimeException e) {
            l.forget();
            throw e;
        }
        return l.hibernatable;
    }

    /** Owner: whether the object has sockets bridged to clients (its entity must not passivate). */
    public boolean hasSockets(String binding, String idHex) {
        for (Link l : links.values()) {
            if (l.owner && idHex.equals(l.idHex) && binding.equals(l.binding)) {
                return true;
            }
        }
        return false;
    }

    /** Links open on this node (edge and owner halves), for tests. */
    public int size() {
        return links.size();
    }
}
