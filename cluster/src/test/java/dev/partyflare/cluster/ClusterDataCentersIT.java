package dev.partyflare.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.durable.DurableObjectNamespace;
import dev.partyflare.durable.GetOptions;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.emulator.EmulatorOptions;
import dev.partyflare.emulator.ObjectInfo;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two data centers (docs/cluster.md, "Location hints and jurisdictions"): n0 in {@code weur}, the
 * only node of jurisdiction {@code eu}; n1 and n2 in {@code enam}, of no jurisdiction. One shared
 * state directory, where each object's place is recorded.
 */
class ClusterDataCentersIT {
    static final PubSub PUBSUB =
            PubSub.create(PubSubConfig.binding("PubSub").nodes(2).locations(Map.of("weur", 1, "enam", 1)));

    static final String[] CENTERS = {"weur", "enam", "enam"};

    static ClusterNode.Options node(int i, Path state) {
        String name = "n" + i;
        return new ClusterNode.Options(
                        name,
                        EmulatorOptions.builder()
                                .workerName("cluster-dc")
                                .worker((req, env, ctx) ->
                                        PUBSUB.route(req, env).orElseGet(() -> Response.text("Not found", 404)))
                                .durableObject("PLACED", Placed.class)
                                .durableObject("PubSub", PubSubServer.class)
                                .var("NODE", name)
                                .persistTo(state))
                .dataCenter(CENTERS[i])
                .jurisdictions(i == 0 ? List.of("eu") : List.of())
                .callTimeout(Duration.ofSeconds(10));
    }

    static DurableObjectNamespace ns(InProcessCluster c, int via) {
        return c.node(via).emulator().namespace("PLACED");
    }

    /** A call through node {@code via} to the object {@code name}, with {@code hint}: count@node@location. */
    static String call(InProcessCluster c, int via, String name, String hint) {
        DurableObjectNamespace ns = ns(c, via);
        return ns.get(ns.idFromName(name), GetOptions.locationHint(hint))
                .fetch(Request.get("http://x/"))
                .text();
    }

    static String call(InProcessCluster c, int via, DurableObjectId id, String hint) {
        return ns(c, via)
                .get(id, GetOptions.locationHint(hint))
                .fetch(Request.get("http://x/"))
                .text();
    }

    @Test
    @Timeout(150)
    void objectsRunInTheDataCenterTheyWerePlacedIn(@TempDir Path state) throws Exception {
        Placed.STARTS.clear();
        Placed.OVERLAPS.clear();
        long t0 = System.nanoTime();
        InProcessCluster cluster = InProcessCluster.start(3, i -> node(i, state), Duration.ofSeconds(40));
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            System.out.printf("cluster of 2 data centers Up in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(cluster.node(0).dataCenter()).contains("weur");
            assertThat(cluster.node(2).dataCenter()).contains("enam");

            // created with a hint, through a node of the other data center: run in the hint's
            long t1 = System.nanoTime();
            for (int k = 0; k < 8; k++) {
                assertThat(call(cluster, 2, "w" + k, "weur")).isEqualTo("1@n0@weur");
                assertThat(call(cluster, 0, "e" + k, "enam")).matches("1@n[12]@enam");
            }
            System.out.printf(
                    "16 hinted objects created across data centers in %d ms%n", (System.nanoTime() - t1) / 1_000_000);

            // later calls, from anywhere and with any hint, reach the recorded place
            for (int k = 0; k < 8; k++) {
                assertThat(call(cluster, 1, "w" + k, "enam")).isEqualTo("2@n0@weur");
                assertThat(call(cluster, 2, "w" + k, null)).isEqualTo("3@n0@weur");
                String first = call(cluster, 0, "e" + k, "weur");
                assertThat(first).matches("2@n[12]@enam");
                assertThat(call(cluster, 1, "e" + k, "apac")).isEqualTo("3@" + first.substring(2));
                assertThat(call(cluster, 2, "e" + k, null)).isEqualTo("4@" + first.substring(2));
            }

            // no hint: the caller's data center; a hint the cluster has no data center for: the caller's too
            assertThat(call(cluster, 1, "plain", null)).matches("1@n[12]@enam");
            assertThat(call(cluster, 0, "plain", null)).matches("2@n[12]@enam");
            assertThat(call(cluster, 0, "far", "apac")).isEqualTo("1@n0@weur");
            assertThat(call(cluster, 2, "far", "apac")).isEqualTo("2@n0@weur");
            DurableObjectId unique = ns(cluster, 0).newUniqueId();
            assertThat(call(cluster, 0, unique, "enam")).matches("1@n[12]@enam");
            assertThat(call(cluster, 1, unique, "weur")).matches("2@n[12]@enam");

            // the place is the one recorded in the shared index, seen alike by every node
            DurableObjectId w0 = ns(cluster, 0).idFromName("w0");
            for (ClusterNode n : cluster.nodes()) {
                assertThat(n.emulator().placeObject("PLACED", w0, null)).isEqualTo("weur");
                assertThat(n.emulator().placeObject("PLACED", unique, "weur")).isEqualTo("enam");
            }

            // racing first calls with different hints from both data centers: one place, one instance
            List<Future<String>> racing = new ArrayList<>();
            for (int k = 0; k < 6; k++) {
                for (int via = 0; via < 3; via++) {
                    String name = "race" + k;
                    int v = via;
                    String hint = (v + k) % 2 == 0 ? "weur" : "enam";
                    racing.add(callers.submit(() -> call(cluster, v, name, hint)));
                }
            }
            Map<String, Set<String>> racePlaces = new TreeMap<>();
            for (int i = 0; i < racing.size(); i++) {
                String a = racing.get(i).get();
                racePlaces
                        .computeIfAbsent("race" + (i / 3), k -> new java.util.TreeSet<>())
                        .add(a.substring(a.indexOf('@') + 1));
            }
            System.out.println("racing first calls answered by: " + racePlaces);
            racePlaces.values().forEach(where -> assertThat(where).hasSize(1));

            // jurisdiction eu: only n0 has its role, so its objects run there, whatever the hint
            DurableObjectNamespace eu = ns(cluster, 2).jurisdiction("eu");
            DurableObjectId euId = eu.idFromName("gdpr");
            assertThat(eu.get(euId, GetOptions.locationHint("enam"))
                            .fetch(Request.get("http://x/"))
                            .text())
                    .isEqualTo("1@n0@weur");
            assertThat(ns(cluster, 1).jurisdiction("eu").newUniqueId()).isNotNull();
            DurableObjectId euUnique = ns(cluster, 1).jurisdiction("eu").newUniqueId();
            assertThat(ns(cluster, 1)
                            .jurisdiction("eu")
                            .get(euUnique)
                            .fetch(Request.get("http://x/"))
                            .text())
                    .isEqualTo("1@n0@weur");
            // fedramp: no node has the role
            DurableObjectNamespace fedramp = ns(cluster, 0).jurisdiction("fedramp");
            assertThatThrownBy(() -> fedramp.get(fedramp.idFromName("gov")).fetch(Request.get("http://x/")))
                    .isInstanceOf(DurableObjectException.class)
                    .hasMessageContaining("No cluster node may run objects of jurisdiction \"fedramp\"")
                    .hasMessageContaining("jurisdiction-fedramp");

            // every id was constructed once, on one node, and never ran in two instances at once
            Placed.STARTS.forEach((id, nodes) -> assertThat(nodes).as(id).hasSize(1));
            assertThat(Placed.OVERLAPS).isEmpty();
            Map<String, Long> perNode = new TreeMap<>();
            Placed.STARTS.values().forEach(nodes -> perNode.merge(nodes.get(0), 1L, Long::sum));
            System.out.println("objects constructed per node: " + perNode);

            pubSubNodesLandInTheirDataCenters(cluster);

            // the weur data center loses its only node: its objects fail at once, they do not move
            long t2 = System.nanoTime();
            cluster.node(0).close();
            String last = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    last = call(cluster, 1, "w0", "enam");
                } catch (DurableObjectException e) {
                    last = e.getMessage();
                    if (last.contains("placed in data center weur")) {
                        break;
                    }
                }
                // waiting for the membership to drop n0 (other threads), not for the runtime
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            }
            System.out.printf(
                    "weur emptied: its object refused %d ms after the close began%n",
                    (System.nanoTime() - t2) / 1_000_000);
            assertThat(last).contains("placed in data center weur").contains("no cluster node");
            // enam's objects still answer
            assertThat(call(cluster, 1, "e0", null)).matches("5@n[12]@enam");
        } finally {
            cluster.close();
        }
    }

    @Test
    @Timeout(60)
    void aNodeRefusesADataCenterItCannotServe() {
        ClusterNode.Options o = new ClusterNode.Options(
                "x",
                EmulatorOptions.builder().durableObject("PLACED", Placed.class).http(false));
        assertThatThrownBy(() -> o.dataCenter("mars"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown data center \"mars\"");
        assertThatThrownBy(() -> o.jurisdictions(List.of("moon")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown jurisdiction \"moon\"");
        // no state directory: nowhere to record where objects were placed
        assertThatThrownBy(() -> ClusterNode.start(o.dataCenter("weur").host("127.0.0.1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has data center weur but no state directory");
    }

    /** partysub's nodes with hints weur and enam land in those data centers; a message crosses them. */
    private static void pubSubNodesLandInTheirDataCenters(InProcessCluster cluster) throws Exception {
        List<WsClient> clients = new ArrayList<>();
        try {
            URI viaN2 =
                    URI.create("http://127.0.0.1:" + cluster.node(2).emulator().port());
            URI viaN0 =
                    URI.create("http://127.0.0.1:" + cluster.node(0).emulator().port());
            // a subscriber from Europe and one from America, both through an enam node; a publisher in weur
            WsClient eu = WsClient.connect(viaN2, "/parties/pub-sub/room?topics=t&_pk=s-eu&location=weur");
            WsClient us = WsClient.connect(viaN2, "/parties/pub-sub/room?topics=t&_pk=s-us&location=enam");
            WsClient pub = WsClient.connect(viaN0, "/parties/pub-sub/room?topics=none&_pk=p&location=weur");
            clients.addAll(List.of(eu, us, pub));
            Map<String, String> placed = new TreeMap<>();
            for (ClusterNode n : cluster.nodes()) {
                for (ObjectInfo o : n.emulator().objects()) {
                    if (o.binding().equals("PubSub")) {
                        placed.put(o.name(), n.name() + "@" + o.location());
                    }
                }
            }
            System.out.println("partysub nodes: " + placed);
            assertThat(placed).containsEntry("room-weur-0", "n0@weur");
            assertThat(placed.get("room-enam-0")).matches("n[12]@enam");
            pub.sendText("{\"topic\":\"t\",\"data\":\"hello\"}");
            for (WsClient s : List.of(eu, us)) {
                assertThat(s.nextDescribed(Duration.ofSeconds(10)))
                        .isEqualTo("text:{\"topic\":\"t\",\"data\":\"hello\"}");
            }
        } finally {
            clients.forEach(WsClient::close);
        }
    }
}
