package dev.partyflare.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.durable.RpcStub;
import dev.partyflare.emulator.EmulatorOptions;
import dev.partyflare.emulator.RpcReferences;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RPC by reference between nodes (docs/cluster.md, "RPC by reference"): three in-process nodes on
 * 127.0.0.1, objects placed on known nodes, callbacks and RpcTargets passed from one node to an
 * object on another, used there and from third nodes, dup()ed and disposed, and their nodes crashed;
 * afterwards no node holds a lease or a stand-in, and the JVM's export table is as before.
 */
class ClusterRpcByReferenceIT {

    static ClusterNode.Options node(int i, Path state) {
        String name = "n" + i;
        return new ClusterNode.Options(
                        name,
                        EmulatorOptions.builder()
                                .workerName("cluster-by-reference")
                                .worker(new ClusterApp())
                                .durableObject("REF", RefObject.class)
                                .var("NODE", name)
                                .http(false)
                                .persistTo(state))
                .callTimeout(Duration.ofSeconds(5))
                // the survivors down a crashed node after 5 s of stable membership (20 s by default)
                .config("pekko.cluster.split-brain-resolver.stable-after = 5s");
    }

    /** A stub, through node {@code via}, of an object named {@code name}. */
    static RefApi object(InProcessCluster cluster, int via, String name) {
        return cluster.node(via).emulator().namespace("REF").getByName(name).rpc(RefApi.class);
    }

    /**
     * The name of a new object that sharding placed on node {@code on} (asked through node 0). Right
     * after the cluster is Up a node's shard region may not have registered with the coordinator
     * yet, so the first shards all go elsewhere: new names are tried for up to 60 s.
     */
    static String placedOn(InProcessCluster cluster, int on, String prefix) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int k = 0; System.nanoTime() < deadline; k++) {
            String name = prefix + "-" + k;
            if (object(cluster, 0, name).node().equals("n" + on)) {
                return name;
            }
        }
        throw new AssertionError("no object of " + prefix + " landed on n" + on + " within 60 s");
    }

    /** Waits (at most {@code timeout}, real time: other nodes' messages) until {@code done}. */
    static void await(String what, Duration timeout, BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
    }

    static void noLeases(InProcessCluster cluster, List<ClusterNode> alive, int exportsBefore) {
        await(
                "every lease and stand-in released",
                Duration.ofSeconds(10),
                () -> alive.stream().allMatch(n -> n.referencesLent() == 0 && n.referencesHeld() == 0)
                        && RpcReferences.exports() == exportsBefore);
    }

    @Test
    @Timeout(120)
    void callbacksAndTargetsCrossNodesWithTheSemanticsOfOneEmulator(@TempDir Path state) throws Exception {
        RefObject.clear();
        int exportsBefore = RpcReferences.exports();
        try (InProcessCluster cluster = InProcessCluster.start(3, i -> node(i, state), Duration.ofSeconds(30))) {
            String on1 = placedOn(cluster, 1, "o");
            String on2 = placedOn(cluster, 2, "q");
            String alsoOn0 = placedOn(cluster, 0, "p");

            // a callback of this test (node 0's caller) called back by an object on n1, in order
            RefApi o = object(cluster, 0, on1);
            List<String> log = new CopyOnWriteArrayList<>();
            assertThat(o.callMany(
                            x -> {
                                log.add(x + "");
                                return x * 10;
                            },
                            50))
                    .hasSize(50)
                    .startsWith(0, 10, 20)
                    .endsWith(490);
            assertThat(log).hasSize(50);
            for (int i = 0; i < 50; i++) {
                assertThat(log.get(i)).isEqualTo(i + "");
            }

            // the target's error crosses back as a local stub's does (remote, its message)
            assertThat(o.callbackThrows(() -> {
                        throw new IllegalStateException("cb bad");
                    }))
                    .containsEntry("message", "cb bad")
                    .containsEntry("remote", true);

            // a parameter stub passed on to an object on a third node still reaches its owner (here)
            assertThat(object(cluster, 2, on1).forward(x -> x + 7, on2, 3)).containsExactly(7, 8, 9);

            // an object's callback: each call an event of that object (n0), behind its input gate,
            // while events of its own come in through all nodes
            RefApi p = object(cluster, 1, alsoOn0);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> bumps = new ArrayList<>();
                Future<List<Integer>> driven = pool.submit(() -> p.driveOwnCallback(on1, 40));
                for (int k = 0; k < 60; k++) {
                    int via = k % 3;
                    bumps.add(pool.submit(() -> object(cluster, via, alsoOn0).bump()));
                }
                List<Integer> results = driven.get();
                for (Future<?> f : bumps) {
                    f.get();
                }
                // the callbacks ran one after the other (counts 1..40), in the order they were called
                for (int i = 0; i < 40; i++) {
                    assertThat(results.get(i)).isEqualTo((i + 1) * 1000 + i);
                }
            }
            assertThat(p.counts()).containsEntry("callbacks", 40L).containsEntry("bumps", 60L);

            // a returned target, used from another node, passed on to a third node's object
            RefApi.Tally t = object(cluster, 0, on1).tally();
            assertThat(t.add(1)).isEqualTo(1);
            assertThat(t.add(2)).isEqualTo(3);
            assertThat(object(cluster, 1, on2).addOn(t, 5)).isEqualTo(8);
            assertThat(t.value()).isEqualTo(8);
            DurableObjectException boom = catchThrowableOfType(DurableObjectException.class, t::boom);
            assertThat(boom.getMessage()).isEqualTo("tally boom");
            assertThat(boom.remote()).isTrue();
            assertThat(boom.errorType()).isEqualTo("java.lang.IllegalArgumentException");
            RpcStub.dispose(t);

            // stubs of one target from every node, used at once: the owner's input gate holds
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> adds = new ArrayList<>();
                for (int via = 0; via < 3; via++) {
                    RefApi.Tally mine = object(cluster, via, on1).tally();
                    for (int k = 0; k < 20; k++) {
                        adds.add(pool.submit(() -> mine.add(1)));
                    }
                    adds.add(pool.submit(() -> {
                        // closed once its calls are in: a stub is disposed by its holder
                        return mine;
                    }));
                }
                List<RefApi.Tally> toClose = new ArrayList<>();
                for (Future<?> f : adds) {
                    Object r = f.get();
                    if (r instanceof RefApi.Tally tt) {
                        toClose.add(tt);
                    }
                }
                assertThat(object(cluster, 2, on1).counts()).containsEntry("tally", 68L);
                toClose.forEach(RpcStub::dispose);
            }
            assertThat(RefObject.OVERLAPS).isEmpty();

            noLeases(cluster, cluster.nodes(), exportsBefore);
        }
    }

    @Test
    @Timeout(120)
    void dupAndDisposeAcrossNodesAsInOneEmulator(@TempDir Path state) {
        int exportsBefore = RpcReferences.exports();
        try (InProcessCluster cluster = InProcessCluster.start(3, i -> node(i, state), Duration.ofSeconds(30))) {
            String on1 = placedOn(cluster, 1, "d");
            RefApi o = object(cluster, 0, on1);

            // a parameter stub kept without dup() is disposed when the call returns
            assertThat(o.keep(x -> x + 1)).isEqualTo("kept");
            DurableObjectException disposed = catchThrowableOfType(DurableObjectException.class, () -> o.useKept(5));
            assertThat(disposed.getMessage()).isEqualTo(RpcStub.DISPOSED);
            assertThat(disposed.remote()).isTrue(); // thrown in the object, as on one node

            // a dup() lives on after the call, across later calls through other nodes, until disposed
            assertThat(o.keepDup(x -> x + 2)).isEqualTo("kept");
            assertThat(object(cluster, 2, on1).useKeptDup(6)).isEqualTo(8);
            assertThat(cluster.node(0).referencesLent()).isEqualTo(1);
            assertThat(cluster.node(1).referencesHeld()).isEqualTo(1);
            assertThat(object(cluster, 1, on1).disposeKeptDup()).isEqualTo("disposed");
            assertThat(catchThrowableOfType(DurableObjectException.class, () -> o.useKeptDup(6))
                            .getMessage())
                    .isEqualTo(RpcStub.DISPOSED);
            await(
                    "the dup's lease released on n0",
                    Duration.ofSeconds(10),
                    () -> cluster.node(0).referencesLent() == 0);

            // a result stub, its dup and their disposal, from a node other than the owner's
            RefApi.Tally t = o.tally();
            RefApi.Tally d = RpcStub.dup(t);
            RpcStub.dispose(t);
            assertThatThrownBy(() -> t.add(1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(RpcStub.DISPOSED);
            assertThat(d.add(1)).isEqualTo(1);
            RpcStub.dispose(d);
            assertThatThrownBy(() -> d.add(1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(RpcStub.DISPOSED);
            RefApi.Tally t2 = o.tally();
            RpcStub.dispose(RpcStub.dup(t2));
            assertThat(t2.add(1)).isEqualTo(2);
            RpcStub.dispose(t2);

            noLeases(cluster, cluster.nodes(), exportsBefore);
        }
    }

    @Test
    @Timeout(150)
    void stubsOfACrashedNodeFailAndWhatItHeldIsReleased(@TempDir Path state) {
        InProcessCluster cluster = InProcessCluster.start(3, i -> node(i, state), Duration.ofSeconds(30));
        try {
            String on1 = placedOn(cluster, 1, "k");
            String on2 = placedOn(cluster, 2, "c");
            // n2's object keeps a callback of n0 (n0 lends it to n2) ...
            IntUnaryOperator cb = x -> x * 3;
            assertThat(object(cluster, 0, on2).keepDup(cb)).isEqualTo("kept");
            assertThat(cluster.node(0).referencesLent()).isEqualTo(1);
            // ... n1's object keeps a callback of n2 ...
            assertThat(object(cluster, 2, on1).keepDup(x -> x - 1)).isEqualTo("kept");
            assertThat(object(cluster, 0, on1).useKeptDup(10)).isEqualTo(9);
            // ... and n0 holds a stub of n2's object's tally
            RefApi.Tally t = object(cluster, 0, on2).tally();
            assertThat(t.add(4)).isEqualTo(4);

            long crashedAt = System.nanoTime();
            cluster.node(2).crash();

            // n2's stubs fail: first unanswered (while n2 is unreachable), then, once n2 is removed, at
            // once with workerd's text for a broken connection. The object on n1 holds a callback of
            // n2: it fails there, and its error crosses to us (the calls keep that object from being
            // evicted while it waits)
            await("n1 sees n2's callback lost", Duration.ofSeconds(60), () -> {
                try {
                    object(cluster, 0, on1).useKeptDup(1);
                    return false;
                } catch (DurableObjectException e) {
                    return e.getMessage().equals("Network connection lost.");
                }
            });
            // and n0's stub of n2's tally
            await("n2's target reported lost", Duration.ofSeconds(30), () -> {
                try {
                    t.add(1);
                    return false;
                } catch (DurableObjectException e) {
                    return e.getMessage().equals("Network connection lost.");
                }
            });
            long lostAfter = (System.nanoTime() - crashedAt) / 1_000_000;
            DurableObjectException lost = catchThrowableOfType(DurableObjectException.class, () -> t.add(1));
            assertThat(lost.getMessage()).isEqualTo("Network connection lost.");
            assertThat(lost.remote()).isFalse();
            // what n2 held of n0 was released when n2 was removed
            await(
                    "n0's lease to n2 released",
                    Duration.ofSeconds(30),
                    () -> cluster.node(0).referencesLent() == 0);
            System.out.printf("n2 crashed: its stubs reported lost after %d ms%n", lostAfter);

            RpcStub.dispose(t);
            assertThat(object(cluster, 0, on1).disposeKeptDup()).isEqualTo("disposed");
            await(
                    "no lease or stand-in left on the survivors",
                    Duration.ofSeconds(10),
                    () -> List.of(cluster.node(0), cluster.node(1)).stream()
                            .allMatch(n -> n.referencesLent() == 0 && n.referencesHeld() == 0));
        } finally {
            cluster.node(1).close();
            cluster.node(0).close();
        }
    }
}
