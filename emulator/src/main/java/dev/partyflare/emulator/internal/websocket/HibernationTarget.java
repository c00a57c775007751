package dev.partyflare.emulator.internal.websocket;

import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.emulator.internal.exec.OutputGate;

/**
 * Where the events of a hibernatable socket go: the object's handlers, through whatever instance
 * is live (or a new one, after hibernation). Implemented per object by the hibernation manager.
 */
public interface HibernationTarget {
    void message(WebSocketEnd ws, WebSocketMessage message);

    /** Events queued for the object and not started yet (0 while it hibernates). */
    default int backlog() {
        return 0;
    }

    void close(WebSocketEnd ws, int code, String reason, boolean wasClean);

    void error(WebSocketEnd ws, String message);

    /** Whether {@code close(code, reason)} refuses a reason over 123 UTF-8 bytes (2026-03-03 on). */
    default boolean closeReasonByteLimit() {
        return true;
    }

    /** The text that the runtime answers by itself, or null. */
    String autoResponseFor(String request);

    /** Now on the runtime clock (auto-response timestamps). */
    long now();

    /** The socket is closed for good: forget it. */
    void closed(WebSocketEnd ws);

    /** The output gate of the object's live instance (sends wait on its pending writes), or null. */
    default OutputGate outputGate() {
        return null;
    }
}
