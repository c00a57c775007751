package dev.partyflare.emulator;

import dev.partyflare.durable.WebSocket;
import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.emulator.internal.websocket.WebSocketEnd;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SPI: one WebSocket whose two halves live in two emulators, for an {@link ObjectRouter} that
 * places objects on other nodes (docs/cluster.md, "WebSockets"). The <b>owner</b> is the node whose
 * object answered the upgrade with a 101: the client end of its pair is adopted here as a network
 * connection would adopt it, so the object's server end (standard {@code accept()} or hibernatable
 * {@code ctx.acceptWebSocket}, tags, attachments, auto-response, hibernation) works unchanged. The
 * <b>edge</b> is the node the client reached: it gets a fresh pair whose client end its HTTP server
 * terminates as usual, and whose other end stands for the object.
 *
 * <p>Each side emits what crosses to the other through a {@link Peer} given by the router, in order
 * (the calls come under the socket's lock, one at a time), and applies what arrives from the other
 * side through the {@link Peer} it gets back. The router carries the calls between the nodes in the
 * same order and tells each side when the other is gone ({@link Peer#drop()}).
 */
public final class WebSocketBridge {
    /**
     * Past this many messages not yet handled by the object, the client's connection stops being
     * read (TCP pushes back on the client), as for a socket without a bridge; an owner reports its
     * backlog to the edge when it passes this mark ({@link Peer#backlog()}).
     */
    public static final int BACKLOG_HIGH = WebSocketEnd.BACKLOG_HIGH;

    /** Reading resumes once the object is down to this many; the owner reports when it gets there. */
    public static final int BACKLOG_LOW = WebSocketEnd.BACKLOG_LOW;

    private WebSocketBridge() {}

    /** What one side of a bridged socket tells the other, in order. */
    public interface Peer {
        /** A message. */
        void message(WebSocketMessage message);

        /** A close frame: {@code code} 1005 for one without a code. */
        void close(int code, String reason);

        /** Gone without a close frame: a dropped connection, a reset object, a node that died. */
        void drop();

        /** The client's connection failed with a protocol error (edge to owner only). */
        void error(String message);

        /**
         * The owner's object hibernated: a client connection the edge kept open after its socket
         * ended is closed now (owner to edge only).
         */
        void objectHibernated();

        /**
         * How many messages the object has received through this socket and not yet handled. The
         * owner's side answers from its object (read it after applying a message, and while it is
         * past {@link #BACKLOG_HIGH}); the edge's side is asked by its client's connection and
         * answers what the owner last reported, so that the client is throttled across nodes as on
         * one. 0 by default.
         */
        default int backlog() {
            return 0;
        }
    }

    /**
     * The owner's side: adopts {@code clientEnd}, the unaccepted client end of a pair that an object
     * returned in a 101, for the edge node that {@code toEdge} reaches; returns where the edge's
     * frames are applied.
     *
     * @param url the upgrade request's URL ({@code ws.url} of the object's end)
     * @throws IllegalStateException when {@code clientEnd} is not the unaccepted client end of a
     *     {@link dev.partyflare.durable.WebSocketPair}
     */
    public static Peer owner(WebSocket clientEnd, String url, Peer toEdge) {
        Objects.requireNonNull(toEdge, "toEdge");
        if (!(clientEnd instanceof WebSocketEnd end) || end.isAccepted()) {
            throw new IllegalStateException("The 101 response must carry the client end of a WebSocketPair that was"
                    + " not accepted: keep pair.server(), return pair.client().");
        }
        if (url != null) {
            end.url(url);
        }
        AtomicBoolean open = new AtomicBoolean(true);
        end.adopt(new WebSocketEnd.Transport() {
            @Override
            public void message(WebSocketMessage message) {
                toEdge.message(message);
            }

            @Override
            public void close(int code, String reason) {
                if (code == 1006) {
                    drop(); // the end saw the edge's drop: nothing left to tell
                } else {
                    toEdge.close(code, reason);
                }
            }

            @Override
            public void drop() {
                if (open.compareAndSet(true, false)) {
                    toEdge.drop();
                }
            }

            @Override
            public void error(String message) {
                drop(); // the object's end never fails a frame; an error here ends the link
            }

            @Override
            public boolean isOpen() {
                return open.get();
            }

            @Override
            public void objectHibernated() {
                toEdge.objectHibernated();
            }
        });
        return new Peer() {
            @Override
            public void message(WebSocketMessage message) {
                end.networkMessage(message);
            }

            @Override
            public void close(int code, String reason) {
                end.networkClose(code, reason);
            }

            @Override
            public void drop() {
                open.set(false);
                end.networkDropped(); // the object sees 1006, as for a client whose connection was lost
            }

            @Override
            public void error(String message) {
                // the edge keeps the client's connection open, as for a local hibernatable socket,
                // until the object hibernates: the end stays "open" so that its hibernation is told
                end.networkFailed(message);
            }

            @Override
            public void objectHibernated() {}

            @Override
            public int backlog() {
                return end.peerBacklog();
            }
        };
    }

    /** Owner: whether the object accepted the server end of {@code clientEnd} with the hibernatable API. */
    public static boolean isHibernatable(WebSocket clientEnd) {
        return clientEnd instanceof WebSocketEnd end && end.peerIsHibernatable();
    }

    /**
     * The edge's side of a socket: the client end to answer with, where the owner's frames go, and
     * what to call when the owner's socket is hibernatable (the client's connection then stays open
     * after a protocol error until the object hibernates, as for a local hibernatable socket).
     */
    public record Edge(WebSocket client, Peer fromOwner, Runnable hibernatable) {}

    /**
     * The edge's side: a new pair whose client end the caller returns in a 101 (its HTTP server
     * terminates it as any other); what the client sends goes to {@code toOwner}.
     */
    public static Edge edge(Peer toOwner) {
        Objects.requireNonNull(toOwner, "toOwner");
        WebSocketEnd[] pair = WebSocketEnd.newPair();
        WebSocketEnd object = pair[1];
        object.adopt(new WebSocketEnd.Transport() {
            @Override
            public void message(WebSocketMessage message) {
                toOwner.message(message);
            }

            @Override
            public void close(int code, String reason) {
                if (code == 1006) {
                    toOwner.drop(); // the client's connection ended without a close frame
                } else {
                    toOwner.close(code, reason);
                }
            }

            @Override
            public void drop() {
                toOwner.drop();
            }

            @Override
            public void error(String message) {
                toOwner.error(message);
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public int backlog() {
                return toOwner.backlog(); // what the owner last reported
            }
        });
        return new Edge(
                pair[0],
                new Peer() {
                    @Override
                    public void message(WebSocketMessage message) {
                        object.networkMessage(message);
                    }

                    @Override
                    public void close(int code, String reason) {
                        object.networkClose(code, reason);
                    }

                    @Override
                    public void drop() {
                        object.drop(); // the client's connection is dropped: it sees 1006, as after a reset
                    }

                    @Override
                    public void error(String message) {
                        object.drop();
                    }

                    @Override
                    public void objectHibernated() {
                        object.objectHibernated();
                    }
                },
                () -> object.standsForHibernatable(true));
    }
}
