package dev.partyflare.durable;

import java.util.function.Consumer;

/**
 * One end of a {@link WebSocketPair}, as the Workers runtime's {@code WebSocket}.
 *
 * <p>Standard API: {@link #accept()}, then listeners for messages, close and errors; {@link
 * #send(String)} / {@link #send(byte[])}; {@link #close(int, String)}. Listeners of a socket
 * accepted inside a Durable Object run as events of that object, behind its input gate, one at a
 * time and in arrival order.
 *
 * <p>Close handling follows workerd and its compatibility date. Before 2026-04-07 the runtime does
 * not answer a peer's close frame by itself: the close listener runs with {@link #readyState()}
 * {@link #CLOSING}, and until the code calls {@link #close(int, String)}, {@code send} still works
 * and reaches the peer. From 2026-04-07 ({@code web_socket_auto_reply_to_close}) a standard socket
 * answers with the peer's code and reason before the close listener runs, which then sees {@link
 * #CLOSED}; hibernatable sockets still leave the answer to {@code webSocketClose}.
 */
public interface WebSocket {
    int CONNECTING = 0;
    int OPEN = 1;
    int CLOSING = 2;
    int CLOSED = 3;

    /** Starts delivering events to the listeners (standard, non-hibernatable API). */
    void accept();

    /** Sends a text message. */
    void send(String message);

    /** Sends a binary message (the bytes are copied). */
    void send(byte[] message);

    /** Sends a message of either kind. */
    default void send(WebSocketMessage message) {
        switch (message) {
            case WebSocketMessage.Text t -> send(t.text());
            case WebSocketMessage.Binary b -> send(b.bytes());
        }
    }

    /** Closes with code 1000 and no reason. */
    void close();

    /** Sends a close frame with {@code code} and {@code reason} (at most 123 UTF-8 bytes). */
    void close(int code, String reason);

    /** {@link #CONNECTING}, {@link #OPEN}, {@link #CLOSING} or {@link #CLOSED}. */
    int readyState();

    /** The URL of the upgrade request, when known. */
    String url();

    /**
     * The sub-protocol selected for this socket ({@code ws.protocol}): always {@code ""} for the ends
     * of a {@link WebSocketPair}, as on workerd, even when the 101 response selects one with {@code
     * Sec-WebSocket-Protocol} (the client sees that one).
     */
    String protocol();

    /**
     * The extensions negotiated for this socket ({@code ws.extensions}): always {@code ""} for the
     * ends of a {@link WebSocketPair}, as on workerd, even when the client negotiated {@code
     * permessage-deflate} (the runtime compresses for it).
     */
    String extensions();

    /**
     * {@code ws.binaryType}: {@code "blob"} (the default, as on workerd) or {@code "arraybuffer"}.
     * Java code receives binary messages as {@link WebSocketMessage.Binary} either way; the value is
     * kept for code that reads it back.
     */
    String binaryType();

    /**
     * Sets {@code ws.binaryType}: {@code "blob"} or {@code "arraybuffer"}; any other value is ignored
     * (the value stays what it was), as on workerd and in browsers.
     */
    void binaryType(String type);

    /**
     * Keeps {@code value} with this socket, across hibernation ({@code serializeAttachment}). It is
     * stored serialized (JSON); its size counts against the attachment limit (2,048 bytes by
     * default, configurable), and a value that is too large or cannot be serialized is refused with
     * the previous attachment kept.
     */
    void serializeAttachment(Object value);

    /** The attachment, as the type it was stored as (or maps/lists), or null. */
    Object deserializeAttachment();

    /** The attachment as {@code type}, or null. */
    <T> T deserializeAttachment(Class<T> type);

    /** Adds a listener for incoming messages ({@code addEventListener("message", ...)}). */
    void onMessage(Consumer<WebSocketMessage> listener);

    /** Adds a listener for the peer's close ({@code addEventListener("close", ...)}). */
    void onClose(Consumer<CloseEvent> listener);

    /** Adds a listener for errors ({@code addEventListener("error", ...)}). */
    void onError(Consumer<ErrorEvent> listener);

    /** A close as the {@code close} event reports it. */
    record CloseEvent(int code, String reason, boolean wasClean) {}

    /** An error as the {@code error} event reports it. */
    record ErrorEvent(String message, Throwable error) {}
}
