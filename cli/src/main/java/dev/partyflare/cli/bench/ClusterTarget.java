package dev.partyflare.cli.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A benchmark target of {@code size} cluster nodes on this machine (docs/cluster.md), each a JVM of
 * its own serving the bench app, on one shared state directory: the first node is the seed. Its
 * address is the nodes' HTTP addresses, comma-separated; the workloads spread their connections and
 * requests over them round robin, so with more than one node most requests enter at a node that
 * does not own their object and are forwarded, as a load balancer in front of a cluster would have
 * it.
 */
final class ClusterTarget implements AutoCloseable {
    /** How long the nodes get to see each other Up. */
    private static final long FORM_MILLIS = 60_000;

    private final List<BenchServer.Child> nodes = new ArrayList<>();
    private final Path state;
    private final String hostPorts;

    private ClusterTarget(int size) throws Exception {
        state = Files.createTempDirectory("partyflare-bench-cluster");
        try {
            int seedPort = freePort();
            for (int i = 0; i < size; i++) {
                int port = i == 0 ? seedPort : freePort();
                nodes.add(BenchServer.start(
                        BenchServer.Servers.cluster,
                        List.of(
                                "n" + i,
                                String.valueOf(port),
                                i == 0 ? "-" : "127.0.0.1:" + seedPort,
                                state.toString())));
            }
            long deadline = System.currentTimeMillis() + FORM_MILLIS;
            for (BenchServer.Child n : nodes) {
                while (n.members() < size) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new IOException("the " + size + " cluster nodes did not all see each other Up within "
                                + FORM_MILLIS / 1000 + " s");
                    }
                    Thread.sleep(50); // Pekko's gossip, on its own clock
                }
            }
            hostPorts = nodes.stream().map(n -> "127.0.0.1:" + n.emulatorPort()).collect(Collectors.joining(","));
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Starts {@code size} nodes and waits until each sees all of them Up. */
    static ClusterTarget start(int size) throws Exception {
        if (size < 1) {
            throw new IllegalArgumentException("a cluster has at least one node, got " + size);
        }
        return new ClusterTarget(size);
    }

    /** The nodes' HTTP addresses, {@code host:port,host:port,...}. */
    String hostPorts() {
        return hostPorts;
    }

    /** The first node's process (a cluster's memory is not measured). */
    ProcessHandle process() {
        return nodes.get(0).process().toHandle();
    }

    /** Stops the nodes, the last started first (the seed last), and deletes their state. */
    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
        Bench.deleteTree(state);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
