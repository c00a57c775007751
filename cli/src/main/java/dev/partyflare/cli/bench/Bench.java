package dev.partyflare.cli.bench;

import dev.partyflare.durable.DurableObjectNamespace;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.emulator.Emulator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs the workloads against every target and prints a table (and JSON). */
public final class Bench {
    /** The workloads. */
    public enum Workload {
        startup,
        echo,
        fanout,
        fanoutHibernating,
        fanoutLatency,
        http1,
        http1000,
        wrk1,
        wrk1000,
        newRooms,
        /** The new-rooms workload's SQLite steps alone, with no server: their rate bounds it ({@link NewDatabases}). */
        newDatabases,
        storage,
        pubsub,
        pubsubScaling,
        memory
    }

    private final boolean quick;
    private final Map<String, String> external;
    private final List<Workload> only;
    private final Path json;
    private final PrintWriter out;
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final Map<String, ProcessHandle> processes = new LinkedHashMap<>();
    private final Map<String, ServerFactory> restartable = new LinkedHashMap<>();
    private final List<Integer> clusters = new ArrayList<>();
    private final Map<Integer, ClusterTarget> runningClusters = new LinkedHashMap<>();
    /** The emulator's median rate of each workload measured so far. */
    private final Map<Workload, Double> emulatorRates = new java.util.EnumMap<>(Workload.class);

    private int rounds = 1;
    private boolean cold;
    private boolean inProcess;

    /** A running server of one target, for one measurement: the shared one (warm) or a fresh one (cold). */
    public interface Lease extends AutoCloseable {
        /** Where it serves, {@code host:port}. */
        String hostPort();

        /** Its process (with its descendants, what RSS is measured on), or null if unknown. */
        ProcessHandle process();

        /**
         * Bytes its process allocated so far, or -1 where that cannot be asked (not a JVM of ours, or
         * one shared with the client).
         */
        default long allocatedBytes() throws Exception {
            return -1;
        }

        /** Its used heap after GC in bytes, or -1 where that cannot be asked (not a JVM of ours). */
        default long heapAfterGc() throws Exception {
            return -1;
        }

        /** Stops it if it was started for this measurement; a shared server goes on. */
        @Override
        void close();

        /** A server that is not ours to stop. */
        static Lease shared(String hostPort, ProcessHandle process) {
            return new Lease() {
                @Override
                public String hostPort() {
                    return hostPort;
                }

                @Override
                public ProcessHandle process() {
                    return process;
                }

                @Override
                public void close() {}
            };
        }
    }

    /** Starts a fresh server process of a target (cold mode). */
    @FunctionalInterface
    public interface ServerFactory {
        Lease start() throws Exception;
    }

    public Bench(boolean quick, Map<String, String> external, List<Workload> only, Path json, PrintWriter out) {
        this.quick = quick;
        this.external = external;
        this.only = only;
        this.json = json;
        this.out = out;
    }

    /**
     * The server process of an external target, for memory per socket (resident set size); without
     * one the target's memory is not measured.
     */
    public Bench process(String target, ProcessHandle process) {
        processes.put(target, process);
        return this;
    }

    /**
     * How an external target is started afresh (workerd): for each measurement in cold mode, for each
     * memory layout in both modes; external targets without one are measured as they run.
     */
    public Bench restartable(String target, ServerFactory factory) {
        restartable.put(target, factory);
        return this;
    }

    /**
     * Cold mode: every measurement on a fresh server process with no warm-up (as a user meets the
     * emulator after {@code mvn test} or {@code partyflare dev} starts a JVM); start-up time and memory
     * are measured on fresh processes too.
     */
    public Bench cold(boolean on) {
        this.cold = on;
        return this;
    }

    /**
     * Also measures clusters of these sizes (targets {@code cluster1}, {@code cluster2}, ...): each
     * node a JVM of its own on this machine, the load spread over all nodes ({@link ClusterTarget}).
     * Not in the wrk, pub/sub scaling and memory workloads.
     */
    public Bench clusters(List<Integer> sizes) {
        for (int n : sizes) {
            if (n < 1) {
                throw new IllegalArgumentException("a cluster has at least one node, got " + n);
            }
        }
        clusters.addAll(sizes);
        return this;
    }

    private static boolean isCluster(String target) {
        return target.matches("cluster\\d+");
    }

    /**
     * Runs the servers in this JVM instead of a child JVM: for the AOT cache's training run, which must
     * run the servers' code in the JVM that records it. Not a measurement (the load generator then
     * competes with the servers inside one JVM).
     */
    public Bench inProcess(boolean on) {
        this.inProcess = on;
        return this;
    }

    /**
     * Times each workload {@code n} times per target, the targets interleaved, and reports the median
     * round (with the range); new rooms run once (fresh rooms cannot be created twice).
     */
    public Bench rounds(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("rounds must be at least 1");
        }
        this.rounds = n;
        return this;
    }

    private boolean wants(Workload w) {
        return only.isEmpty() || only.contains(w);
    }

    public int run() throws Exception {
        Path state = Files.createTempDirectory("partyflare-bench");
        try {
            return run(state);
        } finally {
            runningClusters.values().forEach(ClusterTarget::close);
            runningClusters.clear();
            deleteTree(state); // the memory workload's storage: tens of MiB per run otherwise left in /tmp
        }
    }

    /** Deletes {@code dir} and everything under it, as far as it can. */
    public static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // best effort: a temporary directory
        }
    }

    private int run(Path state) throws Exception {
        out.printf(
                "partyflare bench%s%s — %s, %d cores, Java %s; client and servers share this machine, loopback only;"
                        + " the emulator and bare Undertow run in their own JVM, as workerd in its own process%n",
                cold ? " --cold" : "",
                quick ? " (quick)" : "",
                LocalDate.now(),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        List<String> serverOptions = BenchServer.extraServerJvmOptions();
        out.println("server JVM options beyond the bench's own: "
                + (serverOptions.isEmpty() ? "none (the JVM's defaults)" : String.join(" ", serverOptions)));
        if (cold) {
            out.println("cold: every measurement on a fresh server process, timed from its first request, no warm-up");
            for (String t : external.keySet()) {
                if (!restartable.containsKey(t)) {
                    out.println(t + ": an external target cannot be restarted here; measured as it runs (warm)");
                }
            }
        }
        out.flush();
        try (BenchServer.Child servers = cold || inProcess ? null : BenchServer.start();
                Emulator local = inProcess
                        ? Emulator.start(BenchApp.options()
                                .persistTo(state.resolve("local"))
                                .build())
                        : null;
                UndertowBaseline localBare = inProcess ? new UndertowBaseline() : null) {
            Map<String, ServerFactory> targets = new LinkedHashMap<>();
            if (inProcess) {
                targets.put("emulator", () -> Lease.shared("127.0.0.1:" + local.port(), ProcessHandle.current()));
                targets.put("undertow", () -> Lease.shared("127.0.0.1:" + localBare.port, ProcessHandle.current()));
            } else if (cold) {
                targets.put("emulator", () -> fresh(BenchServer.Servers.emulator));
                targets.put("undertow", () -> fresh(BenchServer.Servers.undertow));
            } else {
                targets.put("emulator", () -> sharedChild(servers, "127.0.0.1:" + servers.emulatorPort()));
                targets.put("undertow", () -> sharedChild(servers, "127.0.0.1:" + servers.undertowPort()));
            }
            for (Map.Entry<String, String> e : external.entrySet()) {
                ServerFactory restart = cold ? restartable.get(e.getKey()) : null;
                targets.put(
                        e.getKey(),
                        restart != null ? restart : () -> Lease.shared(e.getValue(), processes.get(e.getKey())));
            }
            for (int size : clusters) {
                targets.put(
                        "cluster" + size,
                        cold
                                ? () -> clusterLease(ClusterTarget.start(size), true)
                                : () -> {
                                    ClusterTarget c = runningClusters.get(size);
                                    if (c == null) { // started at its first measurement, stopped when the bench ends
                                        c = ClusterTarget.start(size);
                                        runningClusters.put(size, c);
                                    }
                                    return clusterLease(c, false);
                                });
            }
            int echoN = quick ? 200 : 20_000;
            int fanMessages = quick ? 40 : 2_000;
            int httpN = quick ? 400 : 40_000;
            int rooms = quick ? 50 : 2_000;
            if (cold && wants(Workload.startup)) {
                startup(targets);
            }
            measure(
                    Workload.echo,
                    "round trips/s (32 B, 1 socket)",
                    targets,
                    true,
                    t -> Workloads.echo("ws://" + t, echoN));
            measure(
                    Workload.fanout,
                    "deliveries/s (50 sockets, 100 in flight)",
                    targets,
                    true,
                    t -> Workloads.fanout("ws://" + t, "room", 50, fanMessages, 100));
            measure(
                    Workload.fanoutHibernating,
                    "deliveries/s, hibernating server",
                    targets,
                    false,
                    t -> Workloads.fanout("ws://" + t, "hib-room", 50, fanMessages, 100));
            measure(
                    Workload.fanoutLatency,
                    "deliveries/s, 1 in flight (latency)",
                    targets,
                    true,
                    t -> Workloads.fanout(
                            "ws://" + t, "room", 50, fanMessages, 1)); // 2,000 messages, as the issue asks
            measure(
                    Workload.http1,
                    "HTTP requests/s, 1 room, 32 connections",
                    targets,
                    true,
                    t -> Workloads.http("http://" + t, "/plain/", 1, httpN, 32));
            measure(
                    Workload.http1000,
                    "HTTP requests/s, 1,000 rooms",
                    targets,
                    true,
                    t -> Workloads.http("http://" + t, "/plain/", 1000, httpN, 32));
            if (Workloads.wrkAvailable()) {
                int seconds = quick ? 1 : 10;
                measure(
                        Workload.wrk1,
                        "HTTP requests/s with wrk, 1 room, 32 connections",
                        targets,
                        true,
                        t -> Workloads.wrk("http://" + t, "/plain/", 1, seconds, 32));
                measure(
                        Workload.wrk1000,
                        "HTTP requests/s with wrk, 1,000 rooms",
                        targets,
                        true,
                        t -> Workloads.wrk("http://" + t, "/plain/", 1000, seconds, 32));
            } else if (wants(Workload.wrk1) || wants(Workload.wrk1000)) {
                out.println("wrk                (not on the PATH: the wrk workloads are skipped; apt install wrk)");
            }
            measure(
                    Workload.newRooms,
                    "new rooms/s (first request, durable write)",
                    targets,
                    false,
                    t -> Workloads.newRooms("http://" + t, "/store/", rooms, 32));
            if (wants(Workload.newDatabases)) {
                newDatabases(state, rooms);
            }
            measure(
                    Workload.storage,
                    "requests/s with put + get, 1 room",
                    targets,
                    false,
                    t -> Workloads.http("http://" + t, "/store/", 1, httpN / 4, 32));
            measure(
                    Workload.pubsub,
                    "pub/sub deliveries/s (" + (quick ? 100 : 1000) + " subscribers, 10 nodes)",
                    targets,
                    false,
                    t -> Workloads.pubsub("ws://" + t, quick ? 100 : 1000, quick ? 5 : 50));
            if (wants(Workload.pubsubScaling)) {
                pubsubScaling(targets.get("emulator"), quick ? new int[] {10, 100} : new int[] {10, 1_000, 5_000});
            }
            if (wants(Workload.memory)) {
                if (!cold) {
                    // live against hibernated heap needs the emulator in this JVM (the clients are tiny raw sockets)
                    try (Emulator emu = Emulator.start(BenchApp.options()
                            .persistTo(state.resolve("memory"))
                            .build())) {
                        memory(emu, quick ? 100 : 2000);
                    }
                }
                if (!cold) {
                    out.println(
                            "memory (warm): each layout on a fresh server process where one can be started, measured"
                                    + " after as many sockets were opened and closed in one room of their own there");
                }
                for (Map.Entry<String, ServerFactory> t : targets.entrySet()) {
                    if (t.getKey().equals("undertow") || isCluster(t.getKey())) {
                        continue; // its sockets hold nothing of an object's; a cluster is several processes
                    }
                    ServerFactory where = memoryTarget(t.getKey(), t.getValue());
                    boolean shared = !cold && where == t.getValue();
                    for (String party : new String[] {"room", "hib-room"}) {
                        memoryRss(t.getKey(), where, shared, quick ? 100 : 2000, party);
                    }
                }
            }
        }
        if (json != null) {
            Files.writeString(
                    json,
                    Response.json(Map.of(
                                    "date",
                                    LocalDate.now().toString(),
                                    "quick",
                                    quick,
                                    "mode",
                                    cold ? "cold" : "warm",
                                    "serverJvmOptions",
                                    serverOptions,
                                    "results",
                                    rows))
                            .text());
            out.println("JSON written to " + json);
        }
        out.flush();
        return 0;
    }

    /** A cluster's nodes, stopped when the lease closes if {@code owned} (cold mode). */
    private static Lease clusterLease(ClusterTarget c, boolean owned) {
        return new Lease() {
            @Override
            public String hostPort() {
                return c.hostPorts();
            }

            @Override
            public ProcessHandle process() {
                return c.process();
            }

            @Override
            public void close() {
                if (owned) {
                    c.close();
                }
            }
        };
    }

    /** A fresh child JVM running one of our servers, stopped when the lease closes. */
    private static Lease fresh(BenchServer.Servers which) throws Exception {
        BenchServer.Child child = BenchServer.start(which);
        int port = which == BenchServer.Servers.undertow ? child.undertowPort() : child.emulatorPort();
        return childLease(child, "127.0.0.1:" + port, true);
    }

    private static Lease sharedChild(BenchServer.Child child, String hostPort) {
        return childLease(child, hostPort, false);
    }

    private static Lease childLease(BenchServer.Child child, String hostPort, boolean owned) {
        return new Lease() {
            @Override
            public String hostPort() {
                return hostPort;
            }

            @Override
            public ProcessHandle process() {
                return child.process().toHandle();
            }

            @Override
            public long heapAfterGc() throws Exception {
                return child.heapAfterGc();
            }

            @Override
            public long allocatedBytes() throws Exception {
                return child.allocatedBytes();
            }

            @Override
            public void close() {
                if (owned) {
                    child.close();
                }
            }
        };
    }

    /**
     * Cold only: from starting a target's server process to its first HTTP answer, and the process's
     * resident memory then; the median of the rounds.
     */
    private void startup(Map<String, ServerFactory> targets) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("workload", Workload.startup.name());
        row.put("metric", "process start to first HTTP answer");
        StringBuilder line =
                new StringBuilder(String.format("%-18s %-46s", Workload.startup, "process start to first HTTP answer"));
        for (Map.Entry<String, ServerFactory> t : targets.entrySet()) {
            if (!cold
                    || (!t.getKey().equals("emulator")
                            && !t.getKey().equals("undertow")
                            && !restartable.containsKey(t.getKey()))) {
                continue; // not started here
            }
            List<Double> millis = new ArrayList<>();
            List<Long> rss = new ArrayList<>();
            try {
                for (int r = 0; r < rounds; r++) {
                    long start = System.nanoTime();
                    try (Lease l = t.getValue().start()) {
                        Workloads.firstAnswer("http://" + l.hostPort() + "/plain/startup");
                        millis.add((System.nanoTime() - start) / 1e6);
                        rss.add(l.process() == null ? 0 : rssKiB(l.process()));
                    }
                }
            } catch (Exception e) {
                row.put(t.getKey(), Map.of("error", String.valueOf(e.getMessage())));
                line.append("  ").append(t.getKey()).append(" failed: ").append(e.getMessage());
                continue;
            }
            double ms = median(
                    millis.stream().mapToDouble(Double::doubleValue).sorted().toArray());
            double kib =
                    median(rss.stream().mapToDouble(Long::doubleValue).sorted().toArray());
            row.put(t.getKey(), Map.of("ms", ms, "rssKiB", kib, "rounds", millis));
            line.append(String.format("  %s %6.0f ms, RSS %5.1f MiB", t.getKey(), ms, kib / 1024));
        }
        rows.add(row);
        out.println(line);
        out.flush();
    }

    private interface Run {
        Workloads.Result run(String target) throws Exception;
    }

    private void measure(Workload w, String what, Map<String, ServerFactory> targets, boolean onBaseline, Run run) {
        if (!wants(w)) {
            return;
        }
        List<String> names = targets.keySet().stream()
                .filter(t -> onBaseline || !t.equals("undertow"))
                .filter(t -> !isCluster(t) || (w != Workload.wrk1 && w != Workload.wrk1000))
                .toList();
        Map<String, List<Workloads.Result>> results = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        // bytes the server process allocated per counted operation, per round (servers of ours only)
        Map<String, List<Double>> allocated = new LinkedHashMap<>();
        names.forEach(t -> results.put(t, new ArrayList<>()));
        if (!cold && !quick && w != Workload.wrk1 && w != Workload.wrk1000 && w != Workload.newRooms) {
            // a discarded first pass: each server's JIT (the JVMs', V8's) and the client's warm up on this
            // workload's code paths before it is timed. Not for wrk (its 10 s runs are long enough alone)
            // nor new rooms (a second 2,000 fresh rooms made workerd answer 500)
            for (String t : names) {
                try (Lease l = targets.get(t).start()) {
                    run.run(l.hostPort());
                } catch (Exception e) {
                    errors.put(t, String.valueOf(e.getMessage()));
                }
            }
        }
        // rounds interleave the targets, each round starting with the next one, so that a slow spell of
        // this shared machine falls on all of them rather than on whichever ran then. New rooms run once
        // on a server that goes on (its rooms exist then), once per fresh server in cold mode
        int n = w == Workload.newRooms && !cold ? 1 : rounds;
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < names.size(); k++) {
                String t = names.get((k + r) % names.size());
                if (errors.containsKey(t)) {
                    continue;
                }
                try (Lease l = targets.get(t).start()) {
                    long before = l.allocatedBytes();
                    Workloads.Result result = run.run(l.hostPort());
                    long after = before < 0 ? -1 : l.allocatedBytes();
                    results.get(t).add(result);
                    if (after >= before && before >= 0 && result.count() > 0) {
                        allocated
                                .computeIfAbsent(t, x -> new ArrayList<>())
                                .add((after - before) / (double) result.count());
                    }
                } catch (Exception e) {
                    errors.put(t, String.valueOf(e.getMessage()));
                }
            }
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("workload", w.name());
        row.put("metric", what);
        StringBuilder line = new StringBuilder(String.format("%-18s %-46s", w, what));
        Double emulator = null;
        for (String t : names) {
            if (errors.containsKey(t)) {
                row.put(t, Map.of("error", errors.get(t)));
                line.append("  ").append(t).append(" failed: ").append(errors.get(t));
                continue;
            }
            double perSecond = cell(t, results.get(t), allocated.get(t), row, line);
            if (t.equals("emulator")) {
                emulator = perSecond;
                emulatorRates.put(w, perSecond);
            } else if (emulator != null) {
                line.append(String.format(" (emulator ×%.2f)", emulator / perSecond));
            }
        }
        rows.add(row);
        out.println(line);
        out.flush();
    }

    /**
     * The new-rooms workload's SQLite steps alone ({@link NewDatabases}): as many new databases as
     * it makes rooms, in a directory beside the servers' state, in this JVM. After one untimed pass
     * (a bound is what the disk allows, so the JDBC path runs compiled in both modes), timed {@code
     * rounds} times, each in a new directory.
     */
    private void newDatabases(Path state, int n) {
        int threads = Runtime.getRuntime().availableProcessors();
        String what = "new databases/s, SQLite alone (no server)";
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("workload", Workload.newDatabases.name());
        row.put("metric", what);
        row.put("threads", threads);
        StringBuilder line = new StringBuilder(String.format("%-18s %-46s", Workload.newDatabases, what));
        List<Workloads.Result> rs = new ArrayList<>();
        try {
            for (int r = -1; r < rounds; r++) {
                Path dir = Files.createDirectories(state.resolve("new-databases-" + (r + 1)));
                try {
                    Workloads.Result result = NewDatabases.run(dir, r < 0 ? Math.max(1, n / 4) : n, threads);
                    if (r >= 0) {
                        rs.add(result);
                    }
                } finally {
                    deleteTree(dir);
                }
            }
            double perSecond = cell("sqlite", rs, null, row, line);
            Double rooms = emulatorRates.get(Workload.newRooms);
            if (rooms != null && perSecond > 0) {
                line.append(String.format(" (emulator's new rooms ×%.2f of this)", rooms / perSecond));
            }
        } catch (Exception e) {
            row.put("sqlite", Map.of("error", String.valueOf(e.getMessage())));
            line.append("  sqlite failed: ").append(e.getMessage());
        }
        rows.add(row);
        out.println(line);
        out.flush();
    }

    /**
     * Adds one target's results to a row: its cell (the median rate and latencies of the rounds, the
     * rounds' rates, bytes allocated per operation when known) and its text on the output line.
     * Returns the median rate.
     */
    private static double cell(
            String t, List<Workloads.Result> rs, List<Double> bytes, Map<String, Object> row, StringBuilder line) {
        double[] rates =
                rs.stream().mapToDouble(Workloads.Result::perSecond).sorted().toArray();
        double perSecond = median(rates);
        double p50 =
                median(rs.stream().mapToDouble(Workloads.Result::p50).sorted().toArray());
        double p99 =
                median(rs.stream().mapToDouble(Workloads.Result::p99).sorted().toArray());
        Map<String, Object> cell = new LinkedHashMap<>();
        cell.put("perSecond", Math.round(perSecond));
        cell.put("p50ms", p50);
        cell.put("p99ms", p99);
        cell.put("count", rs.get(0).count());
        cell.put("rounds", rs.stream().map(x -> Math.round(x.perSecond())).toList());
        double perOp = bytes == null
                ? -1
                : median(
                        bytes.stream().mapToDouble(Double::doubleValue).sorted().toArray());
        if (perOp >= 0) {
            cell.put("allocatedBytesPerOp", Math.round(perOp));
        }
        row.put(t, cell);
        line.append(String.format("  %s %9.0f/s p50 %.2f p99 %.2f ms", t, perSecond, p50, p99));
        if (rs.size() > 1) {
            line.append(String.format(" [%.0f–%.0f]", rates[0], rates[rates.length - 1]));
        }
        if (perOp >= 0) {
            line.append(String.format(" alloc %.0f B/op", perOp));
        }
        return perSecond;
    }

    /**
     * A fixed 3-node partysub room against an autoscaled one (500 connections per node, 1 to 10 nodes)
     * at each size, on the emulator only (workerd's fixture has no autoscaled room): deliveries per
     * second of one publisher's messages, each to every subscriber, about 200,000 deliveries a run.
     * Warmed up once per room kind and size, then timed {@code rounds} times, the two interleaved.
     */
    private void pubsubScaling(ServerFactory emulator, int[] sizes) {
        String[] parties = {"bus-fixed", "bus-auto"};
        out.printf(
                "%-18s %-46s  %s%n",
                Workload.pubsubScaling,
                "pub/sub deliveries/s by room size",
                "fixed: 3 nodes; autoscaled: 500 connections per node, 1–10 nodes");
        for (int subscribers : sizes) {
            int messages = Math.max(quick ? 5 : 40, (quick ? 2_000 : 200_000) / subscribers);
            Map<String, List<Workloads.RoomRun>> runs = new LinkedHashMap<>();
            Map<String, String> errors = new LinkedHashMap<>();
            for (String party : parties) {
                runs.put(party, new ArrayList<>());
            }
            for (int r = quick || cold ? 0 : -1; r < rounds; r++) {
                for (int k = 0; k < parties.length; k++) {
                    String party = parties[(k + Math.max(r, 0)) % parties.length];
                    if (errors.containsKey(party)) {
                        continue;
                    }
                    try (Lease l = emulator.start()) {
                        Workloads.RoomRun run = Workloads.pubsubRoom(l.hostPort(), party, subscribers, messages);
                        if (r >= 0) { // round -1 is the warm-up
                            runs.get(party).add(run);
                        }
                    } catch (Exception e) {
                        errors.put(party, String.valueOf(e.getMessage()));
                    }
                }
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("workload", Workload.pubsubScaling.name());
            row.put("metric", "pub/sub deliveries/s, " + subscribers + " subscribers");
            row.put("subscribers", subscribers);
            row.put("messages", messages);
            StringBuilder line = new StringBuilder(String.format(
                    "%-18s %-46s",
                    Workload.pubsubScaling, String.format("%,d subscribers, %,d messages", subscribers, messages)));
            double[] medians = new double[parties.length];
            for (int k = 0; k < parties.length; k++) {
                String party = parties[k];
                String label = party.equals("bus-fixed") ? "fixed" : "autoscaled";
                if (errors.containsKey(party)) {
                    row.put(label, Map.of("error", errors.get(party)));
                    line.append("  ").append(label).append(" failed: ").append(errors.get(party));
                    continue;
                }
                List<Workloads.RoomRun> rs = runs.get(party);
                double[] rates = rs.stream()
                        .mapToDouble(x -> x.result().perSecond())
                        .sorted()
                        .toArray();
                medians[k] = median(rates);
                int nodes = rs.isEmpty() ? 0 : rs.get(0).nodes();
                row.put(
                        label,
                        Map.of(
                                "perSecond",
                                Math.round(medians[k]),
                                "nodes",
                                nodes,
                                "count",
                                rs.isEmpty() ? 0 : rs.get(0).result().count(),
                                "rounds",
                                rs.stream()
                                        .map(x -> Math.round(x.result().perSecond()))
                                        .toList()));
                line.append(String.format("  %s (%d node%s) %9.0f/s", label, nodes, nodes == 1 ? "" : "s", medians[k]));
                if (rates.length > 1) {
                    line.append(String.format(" [%.0f–%.0f]", rates[0], rates[rates.length - 1]));
                }
            }
            if (errors.isEmpty() && medians[0] > 0) {
                line.append(String.format(" (autoscaled ×%.2f)", medians[1] / medians[0]));
            }
            rows.add(row);
            out.println(line);
            out.flush();
        }
    }

    /** The median of sorted values (the upper one of an even count). */
    static double median(double[] sorted) {
        return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    }

    /**
     * Heap per open socket after GC, in this JVM (the clients are raw sockets, a few hundred bytes each):
     * sockets in many rooms and in one, live and then hibernated.
     */
    private void memory(Emulator emu, int n) throws Exception {
        DurableObjectNamespace ns = emu.namespace("HibRoom");
        for (String layout : new String[] {"rooms", "one-room"}) {
            long before = usedHeapAfterGc();
            List<java.net.Socket> sockets = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String room = layout.equals("rooms") ? "m-" + layout + "-" + i : "m-one";
                sockets.add(Workloads.rawWebSocket("127.0.0.1", emu.port(), "/parties/hib-room/" + room));
            }
            long live = usedHeapAfterGc();
            for (var o : emu.objects()) {
                if (o.binding().equals("HibRoom") && o.state().equals("live")) {
                    try {
                        emu.hibernate(ns.get(ns.idFromString(o.id())));
                    } catch (IllegalStateException e) {
                        // still busy: stays live
                    }
                }
            }
            long hibernated = usedHeapAfterGc();
            String rooms = layout.equals("rooms") ? n + " rooms" : "1 room";
            report(String.format("heap per socket, %d sockets in %s, live", n, rooms), (live - before) / 1024.0 / n);
            report(
                    String.format("heap per socket, %d sockets in %s, hibernated", n, rooms),
                    (hibernated - before) / 1024.0 / n);
            for (java.net.Socket s : sockets) {
                s.close();
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (emu.objects().stream().anyMatch(o -> o.hibernatableSockets() > 0) && System.nanoTime() < deadline) {
                Thread.sleep(50); // the server sees the closes
            }
            for (var o : emu.objects()) {
                if (o.binding().equals("HibRoom")) {
                    try {
                        emu.evict(ns.get(ns.idFromString(o.id())), true);
                    } catch (IllegalStateException e) {
                        // still handling a close: left alone
                    }
                }
            }
        }
        out.flush();
    }

    private void report(String what, double kib) {
        out.println(String.format("%-18s %-46s  emulator %8.1f KiB (server heap after GC)", "memory", what, kib));
        rows.add(Map.of("workload", "memory", "metric", what, "emulator", Map.of("heapKiBPerSocket", kib)));
    }

    /**
     * Where memory is measured: a fresh process of the target, also in warm mode, where one can be
     * started (the emulator's child JVM, workerd). A process shared by the other workloads grows by
     * whatever they left it short of (heap free space, the C heap, open databases, objects not yet
     * evicted) and shrinks by what they leave for collection, so its growth measured no per-socket
     * cost: one warm run of 2026-12-07 gave 46.4, 0.5, 3.5 and 0.2 KiB per socket for the four
     * layouts, with the heap after GC shrinking by 20.7 KiB per socket in the first.
     */
    private ServerFactory memoryTarget(String name, ServerFactory target) {
        if (cold || inProcess) {
            return target;
        }
        if (name.equals("emulator")) {
            return () -> fresh(BenchServer.Servers.emulator);
        }
        return restartable.getOrDefault(name, target);
    }

    /**
     * Resident memory per open socket of a server process (RSS growth of the process and its
     * children while {@code n} sockets are open, a second after the last one opened): in {@code n}
     * rooms and in one, of a standard or a hibernating party; for our JVMs also the heap after GC per
     * socket; and the growth over the second half of the sockets alone, per socket, which leaves out
     * what a process grows by once (code compiled for the first sockets, pools filled). Each layout
     * gets a fresh process where one can be started ({@link #memoryTarget}), so that a heap grown or
     * shrunk by an earlier workload does not decide what sockets cost; in warm mode {@code n} sockets are
     * opened and closed in it first ({@link #warmUp}). {@code shared}: the target's server is the one
     * the other workloads use (it cannot be restarted here), so it is given time to see the closes.
     */
    private void memoryRss(String name, ServerFactory target, boolean shared, int n, String party)
            throws InterruptedException {
        for (String layout : new String[] {"rooms", "one-room"}) {
            String what = String.format(
                    "RSS per socket, %d sockets in %s, %s",
                    n,
                    layout.equals("rooms") ? n + " rooms" : "1 room",
                    party.equals("room") ? "standard" : "hibernatable");
            try (Lease l = target.start()) {
                String hostPort = l.hostPort();
                String host = hostPort.substring(0, hostPort.lastIndexOf(':'));
                int port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
                if (l.process() == null) {
                    throw new IllegalStateException("its process is unknown");
                }
                if (!cold) {
                    warmUp(host, port, n, party);
                }
                long heapBefore = l.heapAfterGc();
                long before = rssKiB(l.process());
                List<java.net.Socket> sockets = new ArrayList<>();
                int half = n / 2;
                long middle = 0;
                try {
                    for (int i = 0; i < n; i++) {
                        if (i == half) {
                            Thread.sleep(1000);
                            middle = rssKiB(l.process());
                        }
                        String room = "rss-" + party + "-" + (layout.equals("rooms") ? i : "one");
                        sockets.add(Workloads.rawWebSocket(host, port, "/parties/" + party + "/" + room));
                    }
                    Thread.sleep(1000);
                    long after = rssKiB(l.process());
                    long heapAfter = heapBefore < 0 ? -1 : l.heapAfterGc();
                    double kib = (after - before) / (double) n;
                    // the second half's growth: what one more socket costs once the process's one-time
                    // growth (code compiled, pools filled, heap sized) is behind it
                    double secondHalf = (after - middle) / (double) (n - half);
                    Map<String, Object> figures = new LinkedHashMap<>();
                    figures.put("rssKiBPerSocket", kib);
                    figures.put("rssKiBBefore", before);
                    figures.put("rssKiBPerSocketSecondHalf", secondHalf);
                    StringBuilder line = new StringBuilder(String.format(
                            "%-18s %-46s  %s %8.1f KiB (process RSS; second half %.1f KiB",
                            "memory", what, name, kib, secondHalf));
                    if (heapBefore >= 0) {
                        double heapKib = (heapAfter - heapBefore) / 1024.0 / n;
                        figures.put("heapKiBPerSocket", heapKib);
                        line.append(String.format("; heap after GC %.1f KiB", heapKib));
                    }
                    out.println(line.append(')'));
                    rows.add(Map.of("workload", "memory", "metric", what, name, figures));
                } finally {
                    for (java.net.Socket s : sockets) {
                        s.close();
                    }
                }
                if (shared) {
                    Thread.sleep(2000); // let the shared server see the closes
                }
            } catch (Exception e) {
                out.printf("%-18s %-46s  %s failed: %s%n", "memory", what, name, e);
                rows.add(Map.of("workload", "memory", "metric", what, name, Map.of("error", String.valueOf(e))));
                if (shared) {
                    Thread.sleep(5000); // let the shared server drop what the failed run left open
                }
            }
        }
        out.flush();
    }

    /**
     * The warm-up of a memory measurement: {@code n} sockets opened in one room of their own, then
     * closed. It warms what every socket costs (the code of an upgrade, pools, the heap sized for
     * {@code n} more sockets) without leaving {@code n} more live objects behind: workerd holds about
     * 3,000 live objects with SQLite storage in one process here, then answers 500 (SQLITE_NOMEM).
     */
    private static void warmUp(String host, int port, int n, String party) throws Exception {
        List<java.net.Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                sockets.add(Workloads.rawWebSocket(host, port, "/parties/" + party + "/rss-warm-up-" + party));
            }
        } finally {
            for (java.net.Socket s : sockets) {
                s.close();
            }
        }
        Thread.sleep(2000); // let the server see the closes
    }

    /** Resident set size of a process and its descendants, from /proc (0 where /proc is missing). */
    static long rssKiB(ProcessHandle process) {
        long total = 0;
        for (ProcessHandle p : java.util.stream.Stream.concat(
                        java.util.stream.Stream.of(process), process.descendants())
                .toList()) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        total += Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (java.io.IOException | NumberFormatException e) {
                // gone, or no /proc
            }
        }
        return total;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        return BenchServer.usedHeapAfterGc();
    }

    static Response unused(Request r) {
        return Response.text(r.url());
    }
}
