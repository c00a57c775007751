package dev.partyflare.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.emulator.EmulatorOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call in flight on a node when that node crashes ends with the "did not answer" error after the
 * call timeout; it does not wait for ever. (Pekko's ask timer belongs to the node's actor system,
 * and a terminated system completes none of its pending asks: the router bounds the wait itself.)
 */
class CallInFlightAtACrashIT {
    @Test
    @Timeout(60)
    void aCallInFlightWhenItsNodeCrashesFailsAfterTheCallTimeout(@TempDir Path state) throws Exception {
        Holder.entered = new CountDownLatch(1);
        Holder.release = new CountDownLatch(1);
        InProcessCluster cluster = InProcessCluster.start(
                1,
                i -> new ClusterNode.Options(
                                "n" + i,
                                EmulatorOptions.builder()
                                        .workerName("cluster-crash-call")
                                        .worker(new ClusterApp())
                                        .durableObject("HOLD", Holder.class)
                                        .http(false)
                                        .persistTo(state))
                        .callTimeout(Duration.ofSeconds(2)),
                Duration.ofSeconds(30));
        ClusterNode node = cluster.node(0);
        try {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    node.emulator()
                            .namespace("HOLD")
                            .getByName("x")
                            .fetch(dev.partyflare.durable.Request.get("http://do/hold"));
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            assertThat(Holder.entered.await(20, TimeUnit.SECONDS))
                    .as("the call reached the object")
                    .isTrue();
            long crashAt = System.nanoTime();
            node.crash();
            Throwable t = outcome.get(20, TimeUnit.SECONDS); // before the fix: never completed
            long ms = (System.nanoTime() - crashAt) / 1_000_000;
            assertThat(t).isInstanceOf(DurableObjectException.class).hasMessageContaining("did not answer");
            assertThat(((DurableObjectException) t).retryable()).isTrue();
            System.out.println("CallInFlightAtACrashIT: the call failed " + ms + " ms after the crash");
        } finally {
            Holder.release.countDown(); // the crashed emulator's event thread lives on in-process
        }
    }
}
