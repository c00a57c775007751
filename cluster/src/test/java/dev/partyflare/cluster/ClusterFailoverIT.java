package dev.partyflare.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.Response;
import dev.partyflare.emulator.EmulatorOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three in-process nodes on one shared state directory: counters written through random nodes,
 * then the node owning the most ids crashes (its emulator stops as a killed process would, its
 * actor system ends without hand-off) while the writes go on. Its ids come back on the others
 * with every acknowledged write, and no id ever has two live instances.
 */
class ClusterFailoverIT {
    static final int IDS = 30;

    /** One entity's life on one node, in the order of {@link #SEQ}; {@code end} 0 while it lives. */
    static final class Life {
        final String node;
        final long start;
        volatile long end;

        Life(String node, long start) {
            this.node = node;
            this.start = start;
        }

        long endOr(long open) {
            return end == 0 ? open : end;
        }
    }

    static final AtomicLong SEQ = new AtomicLong();
    static final Map<String, List<Life>> LIVES = new ConcurrentHashMap<>();

    static void started(String node, String id) {
        LIVES.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(new Life(node, SEQ.incrementAndGet()));
    }

    static void stopped(String node, String id) {
        long now = SEQ.incrementAndGet();
        for (Life l : LIVES.getOrDefault(id, List.of())) {
            if (l.node.equals(node) && l.end == 0) {
                l.end = now;
            }
        }
    }

    /** A crash ends every life on the node at once (its stop signals come later, if at all). */
    static void crashed(String node) {
        long now = SEQ.incrementAndGet();
        LIVES.values()
                .forEach(ls -> ls.stream()
                        .filter(l -> l.node.equals(node) && l.end == 0)
                        .forEach(l -> l.end = now));
    }

    static ClusterNode.Options node(int i, Path state) {
        String name = "n" + i;
        return new ClusterNode.Options(
                        name,
                        EmulatorOptions.builder()
                                .workerName("cluster-failover")
                                .worker(new ClusterApp())
                                .durableObject("COUNTER", FailoverCounter.class)
                                .var("NODE", name)
                                .http(false)
                                .persistTo(state)
                                .manualClock(1_800_000_000_000L))
                .callTimeout(Duration.ofSeconds(5))
                // the survivors down the crashed node after 5 s of stable membership (20 s by default)
                .config("pekko.cluster.split-brain-resolver.stable-after = 5s")
                .onEntityStarted((binding, id) -> started(name, id))
                .onEntityStopped((binding, id) -> stopped(name, id));
    }

    @Test
    @Timeout(180)
    void aCrashedNodesIdsComeBackWithEveryAcknowledgedWrite(@TempDir Path state) throws Exception {
        FailoverCounter.clear();
        LIVES.clear();
        // id → acknowledged counts, in the order its one sequential caller got them
        Map<Integer, List<Long>> acked = new ConcurrentHashMap<>();
        Map<Integer, String> ownerBefore = new ConcurrentHashMap<>();
        Map<Integer, Set<String>> ownersAfter = new ConcurrentHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        List<String> errors = new CopyOnWriteArrayList<>();
        try (InProcessCluster cluster = InProcessCluster.start(3, i -> node(i, state), Duration.ofSeconds(30));
                ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<ClusterNode> alive = new CopyOnWriteArrayList<>(cluster.nodes());
            AtomicBoolean crashedYet = new AtomicBoolean();

            // one sequential caller per id, each call through a random live node
            var call = (java.util.function.IntPredicate) k -> {
                ClusterNode via = alive.get(ThreadLocalRandom.current().nextInt(alive.size()));
                boolean afterCrash = crashedYet.get();
                try {
                    Response r = via.emulator().fetch("/count/room-" + k);
                    if (r.status() != 200) {
                        errors.add(r.status() + " " + r.text());
                        failures.incrementAndGet();
                        return false;
                    }
                    String[] countAtNode = r.text().split("@");
                    acked.computeIfAbsent(k, x -> new CopyOnWriteArrayList<>()).add(Long.parseLong(countAtNode[0]));
                    if (afterCrash) {
                        ownersAfter
                                .computeIfAbsent(k, x -> ConcurrentHashMap.newKeySet())
                                .add(countAtNode[1]);
                    } else {
                        ownerBefore.put(k, countAtNode[1]);
                    }
                    return true;
                } catch (RuntimeException e) { // a call to the dead node: timed out, may or may not have run
                    errors.add(e.toString());
                    failures.incrementAndGet();
                    return false;
                }
            };

            // 1. three calls per id before the crash
            List<java.util.concurrent.Future<?>> warm = new ArrayList<>();
            for (int k = 0; k < IDS; k++) {
                int id = k;
                warm.add(callers.submit(() -> {
                    for (int j = 0; j < 3; j++) {
                        assertThat(call.test(id)).as("%s", errors).isTrue();
                    }
                }));
            }
            for (var f : warm) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(failures.get()).isZero();

            // 2. load goes on while the node owning most ids crashes
            AtomicBoolean stop = new AtomicBoolean();
            List<java.util.concurrent.Future<?>> load = new ArrayList<>();
            for (int k = 0; k < IDS; k++) {
                int id = k;
                load.add(callers.submit(() -> {
                    while (!stop.get()) {
                        call.test(id);
                        Thread.sleep(20);
                    }
                    return null;
                }));
            }
            Thread.sleep(500);
            String victimName = ownerBefore.values().stream()
                    .collect(Collectors.groupingBy(n -> n, TreeMap::new, Collectors.counting()))
                    .entrySet()
                    .stream()
                    .max(Map.Entry.comparingByValue())
                    .orElseThrow()
                    .getKey();
            ClusterNode victim = cluster.nodes().stream()
                    .filter(n -> n.name().equals(victimName))
                    .findFirst()
                    .orElseThrow();
            Set<Integer> victimIds = ownerBefore.entrySet().stream()
                    .filter(e -> e.getValue().equals(victimName))
                    .map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
            int ackedBeforeCrash = acked.values().stream().mapToInt(List::size).sum();
            alive.remove(victim);
            long crashAt = System.nanoTime();
            crashed(victimName);
            victim.crash();
            // calls started from now on must not be answered by the crashed node (ones in flight may)
            crashedYet.set(true);

            // 3. until every id of the crashed node answered three times from a survivor
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            Map<Integer, Long> backAfterMs = new ConcurrentHashMap<>();
            while (System.nanoTime() < deadline) {
                for (int k : victimIds) {
                    Set<String> o = ownersAfter.get(k);
                    if (o != null && !o.isEmpty()) {
                        backAfterMs.putIfAbsent(k, (System.nanoTime() - crashAt) / 1_000_000);
                    }
                }
                if (backAfterMs.size() == victimIds.size()) {
                    break;
                }
                Thread.sleep(50);
            }
            Thread.sleep(1000); // a few more calls to every id on the survivors
            stop.set(true);
            for (var f : load) {
                f.get(60, TimeUnit.SECONDS);
            }
            long done = System.nanoTime();

            // every id of the crashed node came back, on a survivor
            assertThat(backAfterMs.keySet())
                    .as("the last errors: %s", errors.subList(Math.max(0, errors.size() - 5), errors.size()))
                    .containsExactlyInAnyOrderElementsOf(victimIds);
            assertThat(ownersAfter).hasSize(IDS);
            assertThat(ownersAfter.values().stream().flatMap(Set::stream).collect(Collectors.toSet()))
                    .doesNotContain(victimName);
            // no acknowledged write lost: one sequential caller per id, so its acknowledged counts
            // rise strictly (a lost write would give a later call the same count again); calls that
            // failed may have run (at-most-once), so counts may skip
            assertThat(acked).hasSize(IDS).allSatisfy((k, counts) -> {
                for (int j = 1; j < counts.size(); j++) {
                    assertThat(counts.get(j))
                            .as("room-%d: acknowledged counts %s", k, counts)
                            .isGreaterThan(counts.get(j - 1));
                }
            });
            // and the final count holds every acknowledged one: one more call per id
            for (int k = 0; k < IDS; k++) {
                List<Long> counts = acked.get(k);
                long before = counts.get(counts.size() - 1);
                assertThat(call.test(k)).as("room-%d after the load", k).isTrue();
                assertThat(counts.get(counts.size() - 1)).isGreaterThan(before);
            }
            // never two live instances of one id: entity lives on different nodes never overlap,
            // and no instance found another's write in storage
            long open = SEQ.get() + 1;
            assertThat(LIVES).allSatisfy((id, lives) -> {
                for (Life a : lives) {
                    for (Life b : lives) {
                        if (a != b && !a.node.equals(b.node)) {
                            boolean overlap = a.start < b.endOr(open) && b.start < a.endOr(open);
                            assertThat(overlap)
                                    .as(
                                            "%s lives on %s [%d,%d) and %s [%d,%d)",
                                            id, a.node, a.start, a.end, b.node, b.start, b.end)
                                    .isFalse();
                        }
                    }
                }
            });
            assertThat(FailoverCounter.OVERLAPS).isEmpty();
            // each of the crashed node's ids got a new instance, on a survivor; no other id ever lived there
            for (int k = 0; k < IDS; k++) {
                String id = cluster.node(0)
                        .emulator()
                        .env()
                        .namespace("COUNTER")
                        .idFromName("room-" + k)
                        .toString();
                List<String> starts = FailoverCounter.STARTS.get(id);
                if (victimIds.contains(k)) {
                    assertThat(starts).as("room-%d", k).hasSizeGreaterThan(1).startsWith(victimName);
                    assertThat(starts.subList(1, starts.size())).doesNotContain(victimName);
                } else {
                    assertThat(starts).as("room-%d", k).doesNotContain(victimName);
                }
            }

            int total = acked.values().stream().mapToInt(List::size).sum();
            System.out.printf(
                    "failover: %s crashed owning %d of %d ids; back on the survivors after %d..%d ms;"
                            + " %d acknowledged writes (%d before the crash), %d failed calls; load after"
                            + " the crash %d ms%n",
                    victimName,
                    victimIds.size(),
                    IDS,
                    backAfterMs.values().stream().mapToLong(x -> x).min().orElse(-1),
                    backAfterMs.values().stream().mapToLong(x -> x).max().orElse(-1),
                    total,
                    ackedBeforeCrash,
                    failures.get(),
                    (done - crashAt) / 1_000_000);
        }
    }
}
