package dev.partyflare.conformance;

/**
 * One behaviour observable over HTTP/WebSocket: code that drives a target through a {@link Probe}
 * and records what it saw. {@code slow} scenarios wait on real time (alarms, idle hibernation) and
 * are started first so they overlap the others. Scenarios of one {@code group} (non-null) never run
 * at the same time as each other. {@code exclusive} scenarios run with no other (non-slow) scenario
 * beside them: those that make the target hold hundreds of megabytes, where a reference isolate that
 * runs out of memory would take the requests of unrelated scenarios down with it.
 */
public record Scenario(String id, String area, String title, boolean slow, String group, boolean exclusive, Body body) {

    public Scenario(String id, String area, String title, boolean slow, String group, Body body) {
        this(id, area, title, slow, group, false, body);
    }

    /** This scenario, run alone among the scenarios of {@code g}. */
    public Scenario inGroup(String g) {
        return new Scenario(id, area, title, slow, g, exclusive, body);
    }

    /** This scenario, run with no other non-slow scenario beside it. */
    public Scenario alone() {
        return new Scenario(id, area, title, slow, group, true, body);
    }

    /** The scenario's code. */
    @FunctionalInterface
    public interface Body {
        void run(Probe p) throws Exception;
    }
}
