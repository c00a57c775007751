package dev.partyflare.cluster.internal;

/**
 * One thing that crosses between the two halves of a bridged WebSocket (docs/cluster.md,
 * "WebSockets"), addressed to a node's {@link SocketRelay}.
 *
 * @param link the socket's link id (chosen by the edge node)
 * @param seq this frame's number in its direction, from 1: a gap (Artery drops messages when its
 *     queue to a node is full) drops the socket instead of losing a frame silently
 * @param toOwner true for the owner's half (sent by the edge), false for the edge's half
 * @param op {@link #TEXT}, {@link #BINARY}, {@link #CLOSE}, {@link #DROP}, {@link #ERROR}, {@link
 *     #HIBERNATED}, {@link #PART}, {@link #BACKLOG} or {@link #ACK}
 * @param text a text message, a close reason or an error message; else null (the last part of a
 *     large text message carries its UTF-8 bytes instead)
 * @param bytes a binary message or a part of a large message, else null
 * @param code a close code (1005: none)
 */
public record SocketFrame(String link, long seq, boolean toOwner, byte op, String text, byte[] bytes, int code)
        implements SocketRelay.Command, WireMessage {
    public static final byte TEXT = 1;
    public static final byte BINARY = 2;
    public static final byte CLOSE = 3;
    public static final byte DROP = 4;
    public static final byte ERROR = 5;
    public static final byte HIBERNATED = 6;

    /** A part of a message larger than a frame: its last part comes as {@link #TEXT} or {@link #BINARY}. */
    public static final byte PART = 7;

    /**
     * Owner to edge: the object's backlog on this socket ({@code code}) passed {@link
     * dev.partyflare.emulator.WebSocketBridge#BACKLOG_HIGH}, or (0) came down to {@link
     * dev.partyflare.emulator.WebSocketBridge#BACKLOG_LOW}: the edge stops or resumes reading the client.
     */
    public static final byte BACKLOG = 8;

    /**
     * Owner to edge: {@code code} more frames from the edge were applied here. The edge counts the
     * frames it sent that are not acknowledged yet as backlog too, so a client is throttled before
     * Artery's queue between the nodes overflows (which would drop the socket).
     */
    public static final byte ACK = 9;
}
