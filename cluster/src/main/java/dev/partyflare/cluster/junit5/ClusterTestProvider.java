package dev.partyflare.cluster.junit5;

import dev.partyflare.cluster.ClusterNode;
import dev.partyflare.cluster.InProcessCluster;
import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import dev.partyflare.emulator.junit5.TestClusterProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The test harness's cluster ({@code @PartyflareTest(clusterNodes = N)}): N {@link ClusterNode}s in
 * this JVM on 127.0.0.1 ({@link InProcessCluster}), each with the test's emulator options, on one
 * temporary state directory that is deleted when the cluster closes. Found by partyflare-junit5 with
 * {@link java.util.ServiceLoader}.
 */
public final class ClusterTestProvider implements TestClusterProvider {
    /** How long the nodes get to come Up. */
    private static final Duration FORMING = Duration.ofSeconds(60);

    @Override
    public TestCluster start(int nodes, EmulatorOptions options, Emulator.ErrorListener errors) {
        Path state;
        try {
            state = Files.createTempDirectory("partyflare-test-cluster");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the cluster's state directory", e);
        }
        InProcessCluster cluster;
        try {
            cluster = InProcessCluster.start(
                    nodes,
                    i -> new ClusterNode.Options("n" + i, options.toBuilder().persistTo(state)).onUncaught(errors),
                    FORMING);
        } catch (RuntimeException | Error e) {
            deleteTree(state);
            throw e;
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < nodes; i++) {
            index.put(cluster.node(i).name(), i);
        }
        List<Emulator> emulators =
                cluster.nodes().stream().map(ClusterNode::emulator).toList();
        return new TestCluster() {
            @Override
            public List<Emulator> nodes() {
                return emulators;
            }

            @Override
            public int ownerOf(String binding, DurableObjectId id) {
                String owner = cluster.node(0).ownerOf(binding, id);
                Integer i = index.get(owner);
                if (i == null) {
                    throw new IllegalStateException("The owner of " + binding + " " + id + " is node " + owner
                            + ", not one of this cluster's " + index.keySet());
                }
                return i;
            }

            @Override
            public void close() {
                try {
                    cluster.close();
                } finally {
                    deleteTree(state);
                }
            }
        };
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temporary directory
        }
    }
}
