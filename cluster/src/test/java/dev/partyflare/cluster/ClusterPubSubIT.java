package dev.partyflare.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.Response;
import dev.partyflare.emulator.EmulatorOptions;
import dev.partyflare.emulator.client.WsClient;
import dev.partyflare.pubsub.PubSub;
import dev.partyflare.pubsub.PubSubConfig;
import dev.partyflare.pubsub.PubSubServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * partysub on three nodes: its room's nodes (objects) are spread over the cluster, subscribers
 * connect over TCP to every cluster node, and a publisher on each cluster node publishes. Every
 * subscriber gets every message once, each publisher's in the order it published.
 */
class ClusterPubSubIT {
    static final PubSub PUBSUB = PubSub.create(PubSubConfig.binding("PubSub").nodes(6));
    static final int PER_PUBLISHER = 100;

    static ClusterNode.Options node(int i, Path state) {
        String name = "n" + i;
        return new ClusterNode.Options(
                        name,
                        EmulatorOptions.builder()
                                .workerName("cluster-pubsub")
                                .worker((req, env, ctx) ->
                                        PUBSUB.route(req, env).orElseGet(() -> Response.text("Not found", 404)))
                                .durableObject("PubSub", PubSubServer.class)
                                .persistTo(state))
                .callTimeout(Duration.ofSeconds(10));
    }

    static String msg(String topic, String data) {
        return "{\"topic\":\"" + topic + "\",\"data\":\"" + data + "\"}";
    }

    @Test
    @Timeout(120)
    void subscribersOnEveryNodeGetEveryPublishersMessagesInOrder(@TempDir Path state) throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(3, i -> node(i, state), Duration.ofSeconds(30))) {
            List<WsClient> subscribers = new ArrayList<>();
            List<WsClient> publishers = new ArrayList<>();
            try {
                for (int i = 0; i < 12; i++) {
                    URI via = URI.create(
                            "http://127.0.0.1:" + cluster.node(i % 3).emulator().port());
                    subscribers.add(WsClient.connect(via, "/parties/pub-sub/room?topics=t&_pk=s" + i));
                }
                for (int p = 0; p < 3; p++) {
                    URI via = URI.create(
                            "http://127.0.0.1:" + cluster.node(p).emulator().port());
                    publishers.add(WsClient.connect(via, "/parties/pub-sub/room?topics=none&_pk=p" + p));
                }
                // the room's partysub nodes with subscribers live on more than one cluster node
                Map<String, Long> socketsPerNode = new TreeMap<>();
                for (ClusterNode n : cluster.nodes()) {
                    socketsPerNode.put(
                            n.name(),
                            n.emulator().objects().stream()
                                    .mapToLong(o -> o.hibernatableSockets())
                                    .sum());
                }
                System.out.println("partysub sockets held per cluster node: " + socketsPerNode);
                assertThat(socketsPerNode.values().stream().filter(v -> v > 0).count())
                        .isGreaterThan(1);

                long t0 = System.nanoTime();
                for (int i = 0; i < PER_PUBLISHER; i++) {
                    for (int p = 0; p < 3; p++) {
                        publishers.get(p).sendText(msg("t", "p" + p + "-" + i));
                    }
                }
                for (WsClient s : subscribers) {
                    List<String> got = new ArrayList<>();
                    for (int k = 0; k < 3 * PER_PUBLISHER; k++) {
                        String f = s.nextDescribed(Duration.ofSeconds(20));
                        if (!f.startsWith("text:")) {
                            throw new AssertionError("after " + got.size() + " messages: " + f);
                        }
                        got.add(f.substring("text:".length()));
                    }
                    for (int p = 0; p < 3; p++) {
                        String prefix = "\"p" + p + "-";
                        List<String> mine =
                                got.stream().filter(m -> m.contains(prefix)).toList();
                        List<String> expected = new ArrayList<>();
                        for (int i = 0; i < PER_PUBLISHER; i++) {
                            expected.add(msg("t", "p" + p + "-" + i));
                        }
                        assertThat(mine).containsExactlyElementsOf(expected);
                    }
                    assertThat(s.next(Duration.ofMillis(50))).isNull();
                }
                System.out.printf(
                        "%d messages to %d subscribers over 3 cluster nodes in %d ms%n",
                        3 * PER_PUBLISHER, subscribers.size(), (System.nanoTime() - t0) / 1_000_000);
            } finally {
                subscribers.forEach(WsClient::close);
                publishers.forEach(WsClient::close);
            }
        }
    }
}
