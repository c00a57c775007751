package dev.partyflare.durable;

import dev.partyflare.durable.spi.Platform;

/**
 * Two connected WebSocket ends, as {@code new WebSocketPair()}: return {@link #client()} in a 101
 * {@link Response} and keep {@link #server()} (accept it, or hand it to {@code
 * ctx.acceptWebSocket}).
 */
public final class WebSocketPair {
    private final WebSocket client;
    private final WebSocket server;

    public WebSocketPair() {
        WebSocket[] ends = Platform.get().newWebSocketPair();
        this.client = ends[0];
        this.server = ends[1];
    }

    /** The end to return to the caller ({@code pair[0]}). */
    public WebSocket client() {
        return client;
    }

    /** The end the Worker or object keeps ({@code pair[1]}). */
    public WebSocket server() {
        return server;
    }
}
