package dev.partyflare.server;

import dev.partyflare.durable.WebSocket;
import dev.partyflare.durable.WebSocketMessage;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A client connected to a {@link Server}: a WebSocket with an id, tags, the server's name, the URI
 * it connected with, and state. On a hibernating server the state lives in the socket's attachment,
 * so it survives hibernation and counts against the attachment limit (minus partyflare's own
 * bookkeeping).
 */
public interface Connection {
    /** The id: {@code ?_pk=} of the connecting URL, or a random 21-character nanoid. */
    String id();

    /** The tags: the id first, then those from {@link Server#getConnectionTags}. */
    List<String> tags();

    /** The name of the server (room) this connection is in. */
    String server();

    /** The URL the client connected with. */
    String uri();

    /** The state set with {@link #setState}, or null. */
    Object state();

    /** The state as {@code type}, or null. */
    <T> T state(Class<T> type);

    /** Replaces the state; returns it. */
    <T> T setState(T state);

    /** Computes the new state from the current one. */
    Object setState(UnaryOperator<Object> update);

    /**
     * partyserver's {@code connection.serializeAttachment(value)}: keeps {@code value} with the
     * connection, beside partyserver's own bookkeeping (on a hibernating server it survives
     * hibernation). It is the connection's state: the same as {@link #setState}.
     */
    default void serializeAttachment(Object value) {
        setState(value);
    }

    /** partyserver's {@code connection.deserializeAttachment()}: what {@link #serializeAttachment} kept, or null. */
    default Object deserializeAttachment() {
        return state();
    }

    /** {@link #deserializeAttachment()} as {@code type}. */
    default <T> T deserializeAttachment(Class<T> type) {
        return state(type);
    }

    void send(String message);

    void send(byte[] message);

    default void send(WebSocketMessage message) {
        socket().send(message);
    }

    void close();

    void close(int code, String reason);

    /** {@link WebSocket#OPEN} and so on. */
    int readyState();

    /** The underlying WebSocket. */
    WebSocket socket();
}
