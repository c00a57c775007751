package dev.partyflare.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code partyflare dev --cluster N}: N cluster nodes on this machine, each {@code partyflare dev
 * --cluster-node} in a JVM of its own, on one shared state directory: the first is the seed, the
 * others join it, all on 127.0.0.1. Their output is shown prefixed with the node's name; Ctrl-C (or
 * SIGTERM) stops them all, each leaving the cluster gracefully, and a node whose supervisor is gone
 * (even by kill -9) stops by itself.
 */
final class LocalCluster {
    /** How long a stop waits for the nodes to leave before they are killed. */
    private static final long STOP_WAIT_SECONDS = 60;

    private final int size;
    private final int firstPort;
    private final Path state;
    private final List<String> nodeArgs;
    private final List<String> locations;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Terminal term;
    private final List<Process> nodes = new ArrayList<>();
    private final List<Thread> readers = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param nodeArgs the {@code dev} arguments every node gets (DIR and the flags that are not the
     *     cluster's, the port's, the state directory's or the locations')
     * @param locations the nodes' data centers, node i in {@code locations[i % size]}; empty: none
     */
    LocalCluster(
            int size,
            int firstPort,
            Path state,
            List<String> nodeArgs,
            List<String> locations,
            PrintWriter out,
            PrintWriter err,
            Terminal term) {
        this.size = size;
        this.firstPort = firstPort;
        this.state = state;
        this.nodeArgs = List.copyOf(nodeArgs);
        this.locations = List.copyOf(locations);
        this.out = out;
        this.err = err;
        this.term = term;
    }

    /** Starts the nodes, waits until each is ready, prints their URLs and waits until stopped. */
    int run() throws IOException, InterruptedException {
        List<Integer> clusterPorts = freePorts(size);
        List<Integer> httpPorts = new ArrayList<>();
        httpPorts.add(firstPort);
        httpPorts.addAll(freePorts(size - 1));
        String seed = "127.0.0.1:" + clusterPorts.get(0);
        CountDownLatch ready = new CountDownLatch(size);
        String[] urls = new String[size];
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stopAll();
                            out.println("Stopped the " + size + " nodes.");
                            out.flush();
                            stopped.countDown();
                        },
                        "partyflare-cluster-stop"));
        StopSignals.install(err);
        for (int i = 0; i < size; i++) {
            String name = "n" + i;
            List<String> cmd = javaCommand();
            cmd.addAll(nodeArgs);
            cmd.addAll(List.of(
                    "--cluster-node",
                    "--node-name",
                    name,
                    "--cluster-host",
                    "127.0.0.1",
                    "--cluster-port",
                    Integer.toString(clusterPorts.get(i)),
                    "--seed",
                    seed,
                    "--port",
                    Integer.toString(httpPorts.get(i)),
                    "--persist-to",
                    state.toString(),
                    "--exit-with",
                    Long.toString(ProcessHandle.current().pid())));
            if (!locations.isEmpty()) {
                cmd.addAll(List.of("--location", location(i)));
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();

            synchronized (nodes) {
                nodes.add(p);
            }
            int index = i;
            Thread reader = Thread.ofPlatform()
                    .daemon()
                    .name("partyflare-" + name + "-output")
                    .unstarted(() -> {
                        try (BufferedReader r =
                                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                            String line;
                            while ((line = r.readLine()) != null) {
                                synchronized (out) {
                                    out.println(term.dim("[" + name + "] ") + line);
                                    out.flush();
                                }
                                int at = line.indexOf("Ready on ");
                                if (at >= 0 && urls[index] == null) {
                                    urls[index] = line.substring(at + "Ready on ".length())
                                            .split("\\s")[0];
                                    ready.countDown();
                                }
                            }
                        } catch (IOException e) {
                            // the node ended
                        }
                    });
            readers.add(reader);
            reader.start();
            p.onExit().thenRun(() -> {
                if (stopped.getCount() > 0 && urls[index] == null) {
                    // it died before it was ready (its output says why): stop waiting for any of them
                    while (ready.getCount() > 0) {
                        ready.countDown();
                    }
                }
            });
        }
        ready.await();
        List<String> missing = new ArrayList<>();
        synchronized (out) {
            out.println(term.bold("partyflare cluster of " + size + " nodes")
                    + term.dim("  (seed " + seed + ", storage "
                            + state.toAbsolutePath().normalize() + ")"));
            for (int i = 0; i < size; i++) {
                if (urls[i] == null) {
                    missing.add("n" + i);
                } else {
                    out.println(term.green("  n" + i + " ready on " + urls[i])
                            + (locations.isEmpty() ? "" : term.dim("  (data center " + location(i) + ")")));
                }
            }
            out.flush();
        }
        if (!missing.isEmpty()) {
            err.println(term.red("partyflare dev: node(s) " + missing + " did not start (their output is above)"));
            err.flush();
            stopAll();
            return 1;
        }
        stopped.await();
        return 0;
    }

    /** Node {@code i}'s data center. */
    private String location(int i) {
        return locations.get(i % locations.size());
    }

    /**
     * Stops the nodes one by one, the last started first: SIGTERM, and the node leaves gracefully
     * (its objects are handed off to the nodes still running). All at once, each would hand off to
     * nodes that are leaving too and wait for Pekko's phase timeouts. A node still running after
     * the wait is killed.
     */
    private void stopAll() {
        List<Process> all;
        synchronized (nodes) {
            all = new ArrayList<>(nodes);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_WAIT_SECONDS);
        for (int i = all.size() - 1; i >= 0; i--) {
            Process p = all.get(i);
            // SIGTERM through its handle: Process.destroy() would also close our end of its output,
            // and its last lines ("Stopped.") would be lost
            p.toHandle().destroy();
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                all.forEach(Process::destroyForcibly);
                return;
            }
        }
        for (Thread t : readers) {
            try {
                t.join(2_000); // the nodes' last lines ("Stopped.") before ours
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** This JVM's java, options and class path, running {@code partyflare dev}. */
    private static List<String> javaCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a :
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // system properties, heap and GC settings; not a debugger agent, and not the dev server's
            // class-data archive, which N JVMs must not all write when they end
            boolean passed = a.startsWith("-D")
                    || a.startsWith("--sun-misc-unsafe-memory-access")
                    || (a.startsWith("-X") && !a.startsWith("-Xrunjdwp") && !a.contains("SharedArchive"));
            if (passed) {
                cmd.add(a);
            }
        }
        cmd.add("--add-opens=java.base/java.lang=ALL-UNNAMED"); // as the runnable jar's manifest
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.add("dev");
        return cmd;
    }

    /** {@code n} distinct ports of 127.0.0.1 that were free a moment ago. */
    private static List<Integer> freePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports.add(s.getLocalPort());
            }
            return ports;
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }
}
