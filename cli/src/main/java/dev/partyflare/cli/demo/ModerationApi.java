package dev.partyflare.cli.demo;

/** What the chat room calls on the {@code moderation} Worker over RPC (see {@link Moderation}). */
public interface ModerationApi {
    /** The text with the masked words replaced by asterisks. */
    String clean(String text);
}
