package dev.partyflare.cli;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The dev server's recent events (requests, sockets, reloads, errors), for the dashboard. */
final class EventLog {
    private static final int KEEP = 500;
    private final ArrayDeque<Map<String, Object>> events = new ArrayDeque<>();
    private long seq;

    synchronized void add(String kind, String text) {
        events.add(Map.of("seq", ++seq, "at", System.currentTimeMillis(), "kind", kind, "text", text));
        while (events.size() > KEEP) {
            events.poll();
        }
    }

    /** Events after {@code after} (a sequence number). */
    synchronized List<Map<String, Object>> since(long after) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> e : events) {
            if ((Long) e.get("seq") > after) {
                out.add(e);
            }
        }
        return out;
    }
}
