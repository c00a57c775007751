package dev.partyflare.emulator.internal.websocket;

import dev.partyflare.emulator.internal.exec.OutputGate;

/**
 * Where the events of an accepted WebSocket end run: a Durable Object (as events behind its input
 * gate) or, for sockets accepted by a Worker, a serial executor of their own.
 */
public interface SocketHost {
    /**
     * The owner of an object's events ({@code EventContext}'s gate owner): {@code accept()} inside
     * one of its events gives the socket to its host.
     */
    interface Provider {
        SocketHost socketHost();
    }

    /** Queues {@code event} now, in call order, to run later as this host's event. */
    void dispatch(String description, Runnable event);

    /** Events queued and not started yet: a network reader slows down while this is high. */
    default int backlog() {
        return 0;
    }

    /** Called when a socket is accepted in this host, so a reset can drop it. */
    default void register(WebSocketEnd end) {}

    /** The attachment limit of sockets accepted here. */
    default int attachmentLimit() {
        return WebSocketEnd.DEFAULT_ATTACHMENT_LIMIT;
    }

    /**
     * Whether an accepted socket answers the peer's close frame by itself (compatibility date
     * 2026-04-07 on); a Worker's own sockets behave as of today.
     */
    default boolean autoReplyToClose() {
        return true;
    }

    /** Whether {@code close(code, reason)} refuses a reason over 123 UTF-8 bytes (2026-03-03 on). */
    default boolean closeReasonByteLimit() {
        return true;
    }

    /** Called when a socket of this host is fully closed. */
    default void unregister(WebSocketEnd end) {}

    /** A message for a socket of this host is being delivered (the object's timeline records it). */
    default void observeMessage(WebSocketEnd end, dev.partyflare.durable.WebSocketMessage message) {}

    /** A close event for a socket of this host is being delivered. */
    default void observeClose(WebSocketEnd end, int code, String reason, boolean wasClean) {}

    /** An error event for a socket of this host is being delivered. */
    default void observeError(WebSocketEnd end, String message) {}

    /** The output gate the sends of this host's sockets wait on, or null (a Worker's sockets). */
    default OutputGate outputGate() {
        return null;
    }
}
