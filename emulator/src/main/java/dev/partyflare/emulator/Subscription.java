package dev.partyflare.emulator;

/** A registration that ends when closed (e.g. {@link Emulator#subscribeTimeline}). */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    /** Stops the deliveries; idempotent. */
    @Override
    void close();
}
