package dev.partyflare.durable;

/** A scheduled timer ({@code setTimeout}'s id); {@link #cancel()} is {@code clearTimeout}. */
public interface TimerHandle {
    /** Cancels the timer; returns false when it already ran or was cancelled. */
    boolean cancel();
}
