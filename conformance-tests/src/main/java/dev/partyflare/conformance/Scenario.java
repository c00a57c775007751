package dev.partyflare.conformance;

/**
 * One behaviour observable over HTTP/WebSocket: code that drives a target through a {@link Probe}
 * and records what it saw. {@code slow} scenarios wait on real time (alarms, idle hibernation) and
 * are started first so they overlap the others. Scenarios of one {@code group} (non-null) never run
 * at the same time as each other.
 */
public record Scenario(String id, String area, String title, boolean slow, String group, Body body) {

    /** This scenario, run alone among the scenarios of {@code g}. */
    public Scenario inGroup(String g) {
        return new Scenario(id, area, title, slow, g, body);
    }

    /** The scenario's code. */
    @FunctionalInterface
    public interface Body {
        void run(Probe p) throws Exception;
    }
}
