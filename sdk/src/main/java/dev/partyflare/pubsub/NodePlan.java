package dev.partyflare.pubsub;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which nodes serve a room: names {@code <location>-<i>}, their count per location proportional to
 * its weight, summing to the configured number of nodes. Without locations every node is {@code
 * any-<i>} and is placed where the runtime places objects by default.
 */
final class NodePlan {
    /** Cloudflare's location hints, in documentation order (apac-ne and apac-se since 2026). */
    static final Set<String> LOCATIONS = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(
            List.of("wnam", "enam", "sam", "weur", "eeur", "apac", "apac-ne", "apac-se", "oc", "afr", "me")));

    /** Cloudflare's jurisdictions (us and fedramp-high since 2026). */
    static final Set<String> JURISDICTIONS = Set.of("eu", "fedramp", "fedramp-high", "us");

    static final String ANY = "any";

    final Map<String, List<String>> nodesByLocation = new LinkedHashMap<>();
    /** The locations of an autoscaled room (its configured ones, or {@code any}); empty otherwise. */
    final List<String> autoscaledLocations = new ArrayList<>();

    NodePlan(PubSubConfig config) {
        if (config.autoscaling != null) {
            planAutoscaled(config);
            return;
        }
        if (!config.locations.isEmpty() && config.jurisdiction != null) {
            throw new IllegalArgumentException("You can't specify both locations and jurisdiction");
        }
        if (config.jurisdiction != null && !JURISDICTIONS.contains(config.jurisdiction)) {
            throw new IllegalArgumentException(
                    "Unknown jurisdiction \"" + config.jurisdiction + "\"; use eu, fedramp, fedramp-high or us");
        }
        for (String loc : config.locations.keySet()) {
            if (!LOCATIONS.contains(loc)) {
                throw new IllegalArgumentException(
                        "Unknown location \"" + loc + "\"; locations are location hints: " + LOCATIONS
                                + (loc.equals("eu") ? " (for Europe use weur or eeur, or jurisdiction(\"eu\"))" : ""));
            }
        }
        if (config.locations.isEmpty()) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < config.nodes; i++) {
                ids.add(ANY + "-" + i);
            }
            nodesByLocation.put(ANY, ids);
            return;
        }
        int n = config.nodes;
        if (n < config.locations.size()) {
            throw new IllegalArgumentException(
                    "nodes (" + n + ") must be at least the number of locations (" + config.locations.size() + ")");
        }
        int total =
                config.locations.values().stream().mapToInt(Integer::intValue).sum();
        Map<String, Integer> allocation = new LinkedHashMap<>();
        Map<String, Double> remainder = new LinkedHashMap<>();
        int allocated = 0;
        for (Map.Entry<String, Integer> e : config.locations.entrySet()) {
            double exact = (double) e.getValue() * n / total;
            int base = Math.max((int) Math.floor(exact), 1);
            allocation.put(e.getKey(), base);
            remainder.put(e.getKey(), exact - Math.floor(exact));
            allocated += base;
        }
        while (allocated > n) { // minimums pushed us over: take from the largest
            String largest = allocation.entrySet().stream()
                    .max(Map.Entry.comparingByValue())
                    .orElseThrow()
                    .getKey();
            allocation.merge(largest, -1, Integer::sum);
            allocated--;
        }
        List<String> byRemainder = new ArrayList<>(remainder.keySet());
        byRemainder.sort((a, b) -> Double.compare(remainder.get(b), remainder.get(a)));
        for (int i = 0; allocated < n; i++, allocated++) {
            allocation.merge(byRemainder.get(i % byRemainder.size()), 1, Integer::sum);
        }
        allocation.forEach((loc, count) -> {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ids.add(loc + "-" + i);
            }
            nodesByLocation.put(loc, ids);
        });
    }

    private void planAutoscaled(PubSubConfig config) {
        if (!config.locations.isEmpty()) {
            throw new IllegalArgumentException(
                    "Location weights fix the number of nodes; with autoscale give each location its bounds:"
                            + " Autoscaling.location(\"weur\", min, max)");
        }
        if (config.nodesSet) {
            throw new IllegalArgumentException(
                    "nodes(n) fixes the number of nodes; with autoscale use Autoscaling.nodes(min, max)");
        }
        Map<String, Autoscaling.Bounds> locations = config.autoscaling.locations;
        if (!locations.isEmpty() && config.jurisdiction != null) {
            throw new IllegalArgumentException("You can't specify both locations and jurisdiction");
        }
        if (config.jurisdiction != null && !JURISDICTIONS.contains(config.jurisdiction)) {
            throw new IllegalArgumentException(
                    "Unknown jurisdiction \"" + config.jurisdiction + "\"; use eu, fedramp, fedramp-high or us");
        }
        for (String loc : locations.keySet()) {
            if (!LOCATIONS.contains(loc)) {
                throw new IllegalArgumentException(
                        "Unknown location \"" + loc + "\"; locations are location hints: " + LOCATIONS);
            }
        }
        autoscaledLocations.addAll(locations.isEmpty() ? List.of(ANY) : locations.keySet());
    }

    List<String> allNodes() {
        List<String> all = new ArrayList<>();
        nodesByLocation.values().forEach(all::addAll);
        return all;
    }

    /** The location hint for a node, or null for {@code any} nodes. */
    static String locationOf(String nodeId) {
        String loc = nodeId.substring(0, nodeId.lastIndexOf('-'));
        return ANY.equals(loc) ? null : loc;
    }
}
