package dev.partyflare.cli;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The dev server's own recent events (start, reloads, failed builds, uncaught errors), for the dashboard. */
final class EventLog {
    private static final int KEEP = 500;
    private final ArrayDeque<Map<String, Object>> events = new ArrayDeque<>();
    private final List<Consumer<Map<String, Object>>> listeners = new CopyOnWriteArrayList<>();
    private long seq;

    void add(String kind, String text) {
        Map<String, Object> e = new LinkedHashMap<>();
        synchronized (this) {
            e.put("seq", ++seq);
            e.put("time", System.currentTimeMillis());
            e.put("kind", kind);
            e.put("text", text);
            events.add(e);
            while (events.size() > KEEP) {
                events.poll();
            }
        }
        for (Consumer<Map<String, Object>> l : listeners) {
            l.accept(e);
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

    /** Calls {@code listener} with every new event (it must not block). */
    Runnable subscribe(Consumer<Map<String, Object>> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
