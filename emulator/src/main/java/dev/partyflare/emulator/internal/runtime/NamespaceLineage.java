package dev.partyflare.emulator.internal.runtime;

import dev.partyflare.emulator.Migrations;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which stored namespace each Durable Object class of one Worker owns, from the Worker's
 * {@link Migrations}: a namespace is known by the key its ids derive from ({@code <worker>-<class>}
 * of the class that first created it), so a renamed or transferred class keeps its objects and their
 * ids, as on Cloudflare, and a deleted class's key names storage to delete.
 *
 * <p>Keys that differ from a class's own ({@code aliases}) are remembered in the state directory:
 * once a rename is applied, a config that drops its tombstone, or turns an {@code expecting-transfer}
 * into a plain export, still finds the objects.
 */
public final class NamespaceLineage {
    private final String worker;
    private final Map<String, String> live;
    private final Map<String, String> gone;
    private final Set<String> deletedKeys;

    private NamespaceLineage(String worker, Map<String, String> live, Map<String, String> gone, Set<String> deleted) {
        this.worker = worker;
        this.live = live;
        this.gone = gone;
        this.deletedKeys = deleted;
    }

    /**
     * Replays {@code migrations} for {@code worker}; {@code remembered} are the aliases an earlier
     * run applied (class → key).
     */
    public static NamespaceLineage of(String worker, Migrations migrations, Map<String, String> remembered) {
        Map<String, String> live = new LinkedHashMap<>();
        Map<String, String> gone = new LinkedHashMap<>();
        Set<String> deleted = new LinkedHashSet<>();
        Map<String, Integer> generations = new HashMap<>();
        for (Migrations.Step step : migrations.steps()) {
            switch (step) {
                case Migrations.Created c -> {
                    String cls = DurableRuntime.simpleName(c.className());
                    if (!live.containsKey(cls)) {
                        // a name used before (renamed away, deleted) starts an empty namespace of its own
                        int generation = generations.getOrDefault(cls, 0);
                        String key =
                                generation == 0 ? remembered.getOrDefault(cls, worker + "-" + cls) : worker + "-" + cls;
                        while (generation > 0 && (key.equals(worker + "-" + cls) || live.containsValue(key))) {
                            key = worker + "-" + cls + "~" + (++generation);
                        }
                        live.put(cls, key);
                        gone.remove(cls);
                    }
                }
                case Migrations.Renamed r -> {
                    String from = DurableRuntime.simpleName(r.from());
                    String to = DurableRuntime.simpleName(r.to());
                    String key = live.remove(from);
                    if (key == null) {
                        key = remembered.getOrDefault(from, worker + "-" + from);
                    }
                    live.put(to, key);
                    generations.merge(from, 1, Integer::sum);
                    gone.put(from, "it was renamed to " + to + " (renamed_classes), which now owns its objects");
                }
                case Migrations.Deleted d -> {
                    String cls = DurableRuntime.simpleName(d.className());
                    String key = live.remove(cls);
                    if (key == null) {
                        key = remembered.getOrDefault(cls, worker + "-" + cls);
                    }
                    deleted.add(key);
                    generations.merge(cls, 1, Integer::sum);
                    gone.put(cls, "it was deleted (deleted_classes) with every object it stored");
                }
                case Migrations.Transferred t -> {
                    String to = DurableRuntime.simpleName(t.to());
                    live.put(to, t.fromWorker() + "-" + DurableRuntime.simpleName(t.fromClass()));
                    gone.remove(to);
                }
            }
        }
        // a class whose history this config no longer tells keeps what an earlier run gave it
        for (Map.Entry<String, String> e : remembered.entrySet()) {
            String cls = e.getKey();
            String own = worker + "-" + cls;
            String key = live.get(cls);
            if ((key == null || key.equals(own)) && !gone.containsKey(cls) && !deleted.contains(e.getValue())) {
                live.put(cls, e.getValue());
            }
        }
        deleted.removeAll(live.values());
        return new NamespaceLineage(worker, live, gone, deleted);
    }

    /** The key of the namespace class {@code className} owns. */
    public String keyOf(String className) {
        String cls = DurableRuntime.simpleName(className);
        return live.getOrDefault(cls, worker + "-" + cls);
    }

    /**
     * Why class {@code className} cannot be bound any more (renamed away, deleted), or null when it
     * can.
     */
    public String whyGone(String className) {
        return gone.get(DurableRuntime.simpleName(className));
    }

    /** The keys of namespaces whose stored objects are to be deleted. */
    public Set<String> deletedKeys() {
        return Collections.unmodifiableSet(deletedKeys);
    }

    /** The classes whose key is not their own: the aliases to remember. */
    public Map<String, String> aliases() {
        Map<String, String> out = new LinkedHashMap<>();
        live.forEach((cls, key) -> {
            if (!key.equals(worker + "-" + cls)) {
                out.put(cls, key);
            }
        });
        return out;
    }
}
