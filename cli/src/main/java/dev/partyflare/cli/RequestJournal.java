package dev.partyflare.cli;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The HTTP requests the dev server answered for the project (not the dashboard's own), newest last:
 * for the dashboard and the admin API. Bounded: the oldest are forgotten first.
 */
final class RequestJournal {
    static final int KEEP = 1_000;

    private final ArrayDeque<Map<String, Object>> entries = new ArrayDeque<>();
    private final List<Consumer<Map<String, Object>>> listeners = new CopyOnWriteArrayList<>();
    private long seq;

    void add(String method, String path, int status, long nanos) {
        Map<String, Object> e = new LinkedHashMap<>();
        synchronized (this) {
            e.put("seq", ++seq);
            e.put("time", System.currentTimeMillis());
            e.put("method", method);
            e.put("path", path);
            e.put("status", status);
            e.put("durationMs", Math.round(nanos / 10_000.0) / 100.0);
            entries.add(e);
            while (entries.size() > KEEP) {
                entries.poll();
            }
        }
        for (Consumer<Map<String, Object>> l : listeners) {
            l.accept(e);
        }
    }

    /** At most {@code limit} entries after {@code after} (a sequence number), oldest first. */
    synchronized List<Map<String, Object>> since(long after, int limit) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> e : entries) {
            if ((Long) e.get("seq") > after) {
                out.add(e);
            }
        }
        return out.size() <= limit ? out : new ArrayList<>(out.subList(out.size() - limit, out.size()));
    }

    synchronized long last() {
        return seq;
    }

    synchronized void clear() {
        entries.clear();
    }

    /** Calls {@code listener} with every new entry (on the thread that served the request: it must not block). */
    Runnable subscribe(Consumer<Map<String, Object>> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
