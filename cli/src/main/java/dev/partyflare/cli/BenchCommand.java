package dev.partyflare.cli;

import dev.partyflare.cli.bench.Bench;
import dev.partyflare.conformance.WorkerdTarget;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code partyflare bench}: the same workloads against several targets, as a table of ratios. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Run the benchmark workloads (echo, fan-out, HTTP, new rooms, storage, pub/sub, memory per socket) against the"
                    + " emulator and a bare Undertow server on this machine, and print a table with ratios.",
            "pubsubScaling compares a fixed 3-node partysub room with an autoscaled one at 10, 1,000 and 5,000"
                    + " subscribers, on the emulator only. newDatabases times a new room's SQLite steps alone, with no"
                    + " server, in this JVM: what this disk allows new rooms.",
            "Everything runs on 127.0.0.1; the client shares the machine with the servers, each server runs in its own"
                    + " process (the emulator and bare Undertow in a child JVM), and every workload is warmed up once per"
                    + " target before it is timed; with --cold, each measurement gets a fresh server process instead"
                    + " and no warm-up."
        })
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Tiny counts, to check that the benchmark works (CI).")
    boolean quick;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    @Option(
            names = "--target",
            paramLabel = "NAME=URL",
            description =
                    "Another target serving the benchmark's wire contract (e.g. workerd with the JS fixture); repeatable.")
    java.util.Map<String, String> targets = new java.util.LinkedHashMap<>();

    @Option(
            names = "--workerd",
            description =
                    "Also start real workerd (npm, with the JS bench fixture; needs Node.js) and measure it as a target.")
    boolean workerd;

    @Option(
            names = "--cold",
            description = "Cold mode: every measurement on a fresh server process (workerd too) with no warm-up, as a"
                    + " user meets a JVM after `mvn test` or `partyflare dev` starts one; adds start-up time, and"
                    + " memory per socket on fresh processes. Without it (warm mode) each target runs once and every"
                    + " workload is warmed up before it is timed.")
    boolean cold;

    @Option(
            names = "--only",
            paramLabel = "WORKLOAD",
            split = ",",
            description = "Run only these workloads: ${COMPLETION-CANDIDATES}.")
    java.util.List<Bench.Workload> only = new java.util.ArrayList<>();

    @Option(
            names = "--cluster",
            paramLabel = "N",
            split = ",",
            description = "Also measure clusters of N nodes on this machine (e.g. 1,2,3: targets cluster1, cluster2,"
                    + " cluster3), each node a JVM of its own, with the load spread over the nodes; not in the wrk,"
                    + " pub/sub scaling and memory workloads (docs/cluster.md).")
    java.util.List<Integer> clusters = new java.util.ArrayList<>();

    @Option(
            names = "--rounds",
            paramLabel = "N",
            description = "Time each workload N times per target, interleaving the targets, and report the"
                    + " median with the range (default: 3, or 1 with --quick).")
    Integer rounds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private int rounds() {
        if (rounds == null) {
            return quick ? 1 : 3;
        }
        if (rounds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rounds must be at least 1, got " + rounds);
        }
        return rounds;
    }

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        for (int n : clusters) {
            if (n < 1 || n > 9) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--cluster takes node counts from 1 to 9, got " + n);
            }
        }
        if (!workerd) {
            return new Bench(quick, targets, only, json, out)
                    .rounds(rounds())
                    .clusters(clusters)
                    .cold(cold)
                    .run();
        }
        java.nio.file.Path js = WorkerdTarget.locateJs();
        WorkerdTarget w;
        try {
            w = WorkerdTarget.start(js, "bench");
        } catch (java.io.IOException e) {
            spec.commandLine().getErr().println("partyflare bench: cannot start workerd: " + e.getMessage());
            return 2;
        }
        Bench.ServerFactory freshWorkerd = () -> {
            WorkerdTarget fresh = WorkerdTarget.start(js, "bench");
            return new Bench.Lease() {
                @Override
                public String hostPort() {
                    return fresh.baseUrl().getAuthority();
                }

                @Override
                public ProcessHandle process() {
                    return fresh.process();
                }

                @Override
                public void close() {
                    fresh.close();
                }
            };
        };
        java.util.Map<String, String> all = new java.util.LinkedHashMap<>(targets);
        out.println("workerd target: " + w.version() + ", " + w.baseUrl());
        if (cold) {
            w.close(); // it served its version; each measurement starts its own
            all.put("workerd", "(fresh per measurement)");
            return new Bench(quick, all, only, json, out)
                    .rounds(rounds())
                    .clusters(clusters)
                    .cold(true)
                    .restartable("workerd", freshWorkerd)
                    .run();
        }
        try (w) {
            all.put("workerd", w.baseUrl().getAuthority());
            return new Bench(quick, all, only, json, out)
                    .rounds(rounds())
                    .clusters(clusters)
                    .process("workerd", w.process())
                    .restartable("workerd", freshWorkerd) // for memory, measured on a fresh process
                    .run();
        }
    }
}
