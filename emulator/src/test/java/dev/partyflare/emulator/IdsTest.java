package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.durable.DurableObjectNamespace;
import dev.partyflare.durable.GetOptions;
import dev.partyflare.durable.Response;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ids as workerd derives them (SEMANTICS.md §1, probes §4). */
class IdsTest {
    static Emulator emu;
    static DurableObjectNamespace probe;
    static DurableObjectNamespace other;

    @BeforeAll
    static void start() {
        emu = TestEmulators.inProcess();
        probe = emu.namespace("PROBE");
        other = emu.namespace("OTHER");
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    @Test
    void idFromNameIsWorkerdsId() {
        // observed on workerd for worker "do-probe", class "Probe" and "Other"
        assertThat(probe.idFromName("x").toString())
                .isEqualTo("8c3ef955b8af4504406168ec57f33e732988a8a138e80264c567dc01b8db30f7");
        assertThat(other.idFromName("x").toString())
                .startsWith("6d601d29")
                .endsWith("375e")
                .hasSize(64);
    }

    @Test
    void idFromNameIsDeterministicAndPerNamespace() {
        assertThat(probe.idFromName("room")).isEqualTo(probe.idFromName("room"));
        assertThat(probe.idFromName("room")).isNotEqualTo(other.idFromName("room"));
        assertThat(probe.idFromName("room").name()).contains("room");
        assertThat(probe.idFromName("").toString()).matches("[0-9a-f]{64}");
    }

    @Test
    void idsDerivedOnManyThreadsAtOnceAreTheIdsDerivedOneByOne() throws Exception {
        // each derivation clones the namespace's one initialized HMAC: clones made at once share no state
        int names = 2_000;
        java.util.concurrent.ConcurrentHashMap<String, String> concurrent =
                new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int first = t;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    for (int i = first; i < names; i += 4) {
                        String id = probe.idFromName("many-" + i).toString();
                        probe.idFromString(id); // its check half recomputed, at once with the others
                        concurrent.put("many-" + i, id);
                    }
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).isEmpty();
        assertThat(concurrent).hasSize(names);
        try (Emulator fresh = TestEmulators.inProcess()) {
            DurableObjectNamespace again = fresh.namespace("PROBE");
            for (int i = 0; i < names; i++) {
                assertThat(concurrent.get("many-" + i))
                        .as("many-" + i)
                        .isEqualTo(again.idFromName("many-" + i).toString());
            }
        }
    }

    @Test
    void idFromStringValidates() {
        assertThatThrownBy(() -> probe.idFromString("nothex"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid Durable Object ID: must be 64 hex digits");
        assertThatThrownBy(() -> probe.idFromString("a".repeat(63)))
                .hasMessage("Invalid Durable Object ID: must be 64 hex digits");
        assertThatThrownBy(() -> probe.idFromString(other.idFromName("x").toString()))
                .hasMessage("Durable Object ID is not valid for this namespace.");
        assertThatThrownBy(() -> probe.idFromString("0".repeat(64)))
                .hasMessage("Durable Object ID is not valid for this namespace.");
        assertThatThrownBy(() -> other.idFromString(probe.newUniqueId().toString()))
                .hasMessage("Durable Object ID is not valid for this namespace.");
    }

    @Test
    void idFromStringRoundTripsWithoutName() {
        DurableObjectId named = probe.idFromName("x");
        DurableObjectId parsed = probe.idFromString(named.toString().toUpperCase(Locale.ROOT));
        assertThat(parsed).isEqualTo(named);
        assertThat(parsed.toString()).isEqualTo(named.toString());
        assertThat(parsed.name()).isEmpty();
    }

    @Test
    void newUniqueIdIsRandomAndValid() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            DurableObjectId id = probe.newUniqueId();
            assertThat(id.toString()).matches("[0-9a-f]{64}");
            assertThat(id.name()).isEmpty();
            assertThat(probe.idFromString(id.toString())).isEqualTo(id);
            seen.add(id.toString());
        }
        assertThat(seen).hasSize(100);
    }

    @Test
    void stubsKnowTheirNameAndDoNotCreateObjects() {
        var stub = probe.getByName("lazy-one");
        assertThat(stub.name()).contains("lazy-one");
        assertThat(stub.id()).isEqualTo(probe.idFromName("lazy-one"));
        assertThat(probe.get(probe.idFromString(stub.id().toString())).name()).isEmpty();
        assertThat(dev.partyflare.fixtures.Probe.CONSTRUCTIONS).doesNotContainKey("lazy-one");
    }

    @Test
    void jurisdictionsHaveTheirOwnIds() {
        DurableObjectNamespace eu = probe.jurisdiction("eu");
        DurableObjectId euId = eu.idFromName("x");
        assertThat(euId).isNotEqualTo(probe.idFromName("x"));
        assertThat(euId.jurisdiction()).contains("eu");
        assertThat(eu.idFromString(euId.toString())).isEqualTo(euId);
        assertThat(probe.newUniqueId("fedramp").jurisdiction()).contains("fedramp");
        assertThatThrownBy(() -> probe.jurisdiction("xx")).hasMessageContaining("Unknown jurisdiction \"xx\"");
        Response r = eu.get(euId).fetch("http://x/info");
        assertThat(r.text()).contains("\"location\":\"weur\"");
    }

    @Test
    void theJurisdictionsOf2026HaveTheirOwnIdsAndRunInTheUs() {
        for (String j : java.util.List.of("us", "fedramp-high")) {
            DurableObjectNamespace ns = probe.jurisdiction(j);
            DurableObjectId id = ns.idFromName("x");
            assertThat(id).isNotEqualTo(probe.idFromName("x"));
            assertThat(id).isNotEqualTo(probe.jurisdiction("fedramp").idFromName("x"));
            assertThat(id.jurisdiction()).contains(j);
            assertThat(probe.newUniqueId(j).jurisdiction()).contains(j);
            assertThat(ns.get(id).fetch("http://x/info").text()).contains("\"location\":\"enam\"");
        }
        assertThatThrownBy(() -> probe.jurisdiction("mars"))
                .hasMessage("Unknown jurisdiction \"mars\"; valid jurisdictions are [eu, fedramp, fedramp-high, us]");
    }

    @Test
    void theLocationHintsOf2026PlaceTheObject() {
        for (String hint : java.util.List.of("apac-ne", "apac-se")) {
            var r = probe.getByName("placed-" + hint, GetOptions.locationHint(hint))
                    .fetch("http://x/info");
            assertThat(r.text()).contains("\"location\":\"" + hint + "\"");
        }
        try (Emulator strict = Emulator.start(
                TestEmulators.probe().http(false).strictLimits(true).build())) {
            assertThat(strict.namespace("PROBE")
                            .getByName("ne", GetOptions.locationHint("apac-ne"))
                            .fetch("http://x/info")
                            .status())
                    .isEqualTo(200);
            assertThatThrownBy(() -> strict.namespace("PROBE").getByName("m", GetOptions.locationHint("apac-nw")))
                    .hasMessage("Unknown location hint \"apac-nw\"; valid hints are"
                            + " [wnam, enam, sam, weur, eeur, apac, apac-ne, apac-se, oc, afr, me]");
        }
    }

    @Test
    void locationHintIsFixedAtFirstCreation() {
        var first = probe.getByName("placed", GetOptions.locationHint("apac")).fetch("http://x/info");
        assertThat(first.text()).contains("\"location\":\"apac\"");
        var later = probe.getByName("placed", GetOptions.locationHint("weur")).fetch("http://x/info");
        assertThat(later.text()).contains("\"location\":\"apac\"");
        var unhinted = probe.getByName("unplaced").fetch("http://x/info");
        assertThat(unhinted.text()).contains("\"location\":\"enam\"");
    }

    @Test
    void unknownHintIsAcceptedLocallyAndRejectedInStrictMode() {
        assertThat(probe.getByName("mars", GetOptions.locationHint("mars"))
                        .fetch("http://x/info")
                        .status())
                .isEqualTo(200);
        try (Emulator strict = Emulator.start(
                TestEmulators.probe().http(false).strictLimits(true).build())) {
            assertThatThrownBy(() -> strict.namespace("PROBE").getByName("m", GetOptions.locationHint("mars")))
                    .hasMessageContaining("Unknown location hint \"mars\"");
        }
    }
}
