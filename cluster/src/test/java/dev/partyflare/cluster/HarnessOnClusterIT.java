package dev.partyflare.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import dev.partyflare.emulator.ObjectInfo;
import dev.partyflare.emulator.junit5.PartyflareEnv;
import dev.partyflare.emulator.junit5.PartyflareTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JUnit harness on an in-process cluster ({@code @PartyflareTest(clusterNodes = 3)}): the test's
 * requests enter through every node, each id lives on one node, the harness's tools act on the node
 * that owns the object, and the clock moves every node together.
 */
@PartyflareTest(
        clusterNodes = 3,
        worker = ClusterApp.class,
        bindings = {
            @PartyflareTest.Binding(name = "COUNTER", type = ClusterCounter.class),
            @PartyflareTest.Binding(name = "REMINDER", type = Reminder.class)
        },
        startTime = "2030-01-01T00:00:00Z",
        waitTimeoutMillis = 30_000)
class HarnessOnClusterIT {
    static final int IDS = 12;

    @BeforeEach
    void clear() {
        ClusterCounter.clear();
        Reminder.clear();
    }

    /** node index → the object ids live there. */
    static List<Set<String>> liveByNode(PartyflareEnv env) {
        List<Set<String>> out = new ArrayList<>();
        for (Emulator n : env.nodes()) {
            Set<String> ids = new HashSet<>();
            for (ObjectInfo o : n.objects()) {
                if (o.state().equals("live")) {
                    ids.add(o.id());
                }
            }
            out.add(ids);
        }
        return out;
    }

    static int nodeOf(PartyflareEnv env, DurableObjectStub stub) {
        List<Set<String>> live = liveByNode(env);
        List<Integer> where = new ArrayList<>();
        for (int i = 0; i < live.size(); i++) {
            if (live.get(i).contains(stub.id().toString())) {
                where.add(i);
            }
        }
        assertThat(where).as("nodes where " + stub.id() + " is live").hasSize(1);
        return where.get(0);
    }

    @Test
    @Timeout(120)
    void requestsEnterThroughEveryNodeAndEachIdLivesOnOne(PartyflareEnv env) {
        assertThat(env.nodes()).hasSize(3);
        for (int round = 1; round <= 3; round++) {
            for (int k = 0; k < IDS; k++) {
                assertThat(env.fetch("/count/c" + k).text()).startsWith(round + "@");
            }
        }
        Set<Integer> owners = new HashSet<>();
        for (int k = 0; k < IDS; k++) {
            owners.add(nodeOf(env, env.stub("COUNTER", "c" + k)));
        }
        assertThat(owners).as("12 ids over 3 nodes").hasSizeGreaterThan(1);
        assertThat(ClusterCounter.STARTS)
                .hasSize(IDS)
                .allSatisfy((id, starts) -> assertThat(starts).hasSize(1));
        assertThat(ClusterCounter.OVERLAPS).isEmpty();
        assertThat(env.listObjectIds("COUNTER")).hasSize(IDS);
    }

    @Test
    @Timeout(120)
    void toolsActOnTheNodeThatOwnsTheObject(PartyflareEnv env) {
        // an id owned by a node other than the first (whose emulator env.emulator() is)
        DurableObjectStub stub = null;
        int owner = -1;
        for (int k = 0; owner < 1; k++) {
            assertThat(k).as("an id placed on another node than the first").isLessThan(100);
            stub = env.stub("COUNTER", "t" + k);
            env.fetch("/count/t" + k);
            owner = nodeOf(env, stub);
        }
        DurableObjectStub s = stub;
        long n = env.runInDurableObject(
                s,
                (ClusterCounter c, DurableObjectState ctx) ->
                        ctx.storage().get("n", Long.class).orElseThrow());
        assertThat(n).isEqualTo(1);
        env.storage(s).put("n", 41L);
        assertThat(env.storage(s).get("n", Long.class)).contains(41L);
        assertThat(env.fetch("/count/" + s.name().orElseThrow()).text()).startsWith("42@");
        assertThat(env.journal(s).requests()).isNotEmpty();
        assertThat(env.timeline(s)).isNotEmpty();
        assertThat(nodeOf(env, s)).isEqualTo(owner);

        env.evict(s);
        assertThat(liveByNode(env).stream().anyMatch(ids -> ids.contains(s.id().toString())))
                .isFalse();
        assertThat(env.fetch("/count/" + s.name().orElseThrow()).text()).startsWith("43@");
        assertThat(nodeOf(env, s)).as("constructed again on its owner").isEqualTo(owner);
        // never constructed anywhere else: one start per construction, no overlap
        assertThat(ClusterCounter.OVERLAPS).isEmpty();
    }

    @Test
    @Timeout(120)
    void theClockMovesEveryNodeTogether(PartyflareEnv env) {
        long now = env.time().now().toEpochMilli();
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < IDS; k++) {
            env.fetch("/remind/r" + k + "?at=" + (now + 60_000 + k * 1_000));
            ids.add(env.stub("REMINDER", "r" + k).id().toString());
        }
        assertThat(Reminder.FIRED).isEmpty();
        env.time().advance(Duration.ofSeconds(65));
        // r0..r5 were due (60..65 s), the others not yet
        for (int k = 0; k < IDS; k++) {
            assertThat(Reminder.FIRED.containsKey(ids.get(k))).as("r" + k).isEqualTo(k <= 5);
        }
        env.time().advance(Duration.ofMinutes(1));
        assertThat(Reminder.FIRED)
                .hasSize(IDS)
                .allSatisfy((id, runs) -> assertThat(runs).hasSize(1));
        assertThat(env.nodes().stream().map(e -> e.time().now()).distinct())
                .as("every node's clock")
                .containsExactly(env.time().now());
    }

    @Test
    @Timeout(120)
    void aClusterWithAutomaticTimeSkippingIsRefused() {
        EmulatorOptions options = EmulatorOptions.builder()
                .worker(new ClusterApp())
                .durableObject("COUNTER", ClusterCounter.class)
                .manualClock(0)
                .autoTimeSkipping(true)
                .build();
        assertThatThrownBy(() -> PartyflareEnv.startCluster(options, 3, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("automatic time skipping is not offered on a cluster");
    }
}
