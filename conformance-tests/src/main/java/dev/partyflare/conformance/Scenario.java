package dev.partyflare.conformance;

/**
 * One behaviour observable over HTTP/WebSocket: code that drives a target through a {@link Probe}
 * and records what it saw. {@code slow} scenarios wait on real time (alarms, idle hibernation) and
 * are started first so they overlap the others.
 */
public record Scenario(String id, String area, String title, boolean slow, Body body) {

    /** The scenario's code. */
    @FunctionalInterface
    public interface Body {
        void run(Probe p) throws Exception;
    }
}
