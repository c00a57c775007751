package dev.partyflare.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * N cluster nodes in this JVM, on ports of 127.0.0.1, joined into one cluster: for tests and
 * benchmarks of a clustered app without starting processes.
 */
public final class InProcessCluster implements AutoCloseable {
    private final List<ClusterNode> nodes;

    private InProcessCluster(List<ClusterNode> nodes) {
        this.nodes = nodes;
    }

    /**
     * Starts {@code n} nodes with the options {@code options} gives for each index, joins them and
     * waits (at most {@code timeout}) until every node sees all {@code n} as Up and {@linkplain
     * ClusterNode#hosting() hosts shards}.
     */
    public static InProcessCluster start(int n, IntFunction<ClusterNode.Options> options, Duration timeout) {
        if (n < 1) {
            throw new IllegalArgumentException("A cluster needs at least one node, not " + n);
        }
        List<ClusterNode> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                nodes.add(ClusterNode.start(options.apply(i).host("127.0.0.1").port(0)));
            }
            for (ClusterNode node : nodes) {
                node.join(nodes.get(0));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!nodes.stream().allMatch(x -> x.isUp() && x.upMembers() == n)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The " + n + " nodes did not all come Up within " + timeout);
                }
                // waiting on the cluster's membership gossip (real time, other threads), not on the runtime
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
            }
            // and every node hosts shards: ids placed before would all go to the first node, and
            // be moved (their sockets dropped, their timers lost) by a rebalance 10 s later
            for (ClusterNode node : nodes) {
                node.awaitHosting(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
        } catch (RuntimeException | Error e) {
            nodes.forEach(ClusterNode::crash);
            throw e;
        }
        return new InProcessCluster(List.copyOf(nodes));
    }

    /** The nodes, in start order (the first is the one the others joined). */
    public List<ClusterNode> nodes() {
        return nodes;
    }

    public ClusterNode node(int i) {
        return nodes.get(i);
    }

    /** Stops every node gracefully, the last started first. */
    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
    }
}
