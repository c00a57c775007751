package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several emulators on one state directory ({@code sharedStateDirectory}, used by cluster nodes):
 * each object's database is locked while open, so an object is never open in two of them; a
 * directory used alone ({@code partyflare dev}) still refuses everyone else, and the other way round.
 */
class SharedStateDirectoryTest {
    @TempDir
    Path state;

    private Emulator shared(Path dir) {
        return Emulator.start(TestEmulators.probe()
                .http(false)
                .manualClock(TestEmulators.T0)
                .persistTo(dir)
                .sharedStateDirectory(true)
                .build());
    }

    private Emulator alone(Path dir) {
        return Emulator.start(TestEmulators.probe()
                .http(false)
                .manualClock(TestEmulators.T0)
                .persistTo(dir)
                .build());
    }

    @Test
    void theFirstPlacementOfAnObjectWinsInEveryEmulatorOfADirectory() {
        Path dir = state.resolve("placed");
        try (Emulator a = shared(dir);
                Emulator b = shared(dir)) {
            var id = a.namespace("STORE").idFromName("room");
            assertThat(a.placeObject("STORE", id, null)).isNull();
            assertThat(b.placeObject("STORE", id, "weur")).isEqualTo("weur");
            // a later proposal, from either emulator, finds the first one
            assertThat(a.placeObject("STORE", id, "enam")).isEqualTo("weur");
            assertThat(b.placeObject("STORE", id, "apac")).isEqualTo("weur");
            assertThat(a.placeObject("STORE", id, null)).isEqualTo("weur");
            // the object, constructed in a, runs where it was placed
            assertThat(a.runInDurableObject(
                            a.namespace("STORE").get(id),
                            (dev.partyflare.durable.DurableObject o, dev.partyflare.durable.DurableObjectState c) ->
                                    c.location()))
                    .isEqualTo("weur");
            var eu = a.namespace("STORE").jurisdiction("eu").newUniqueId();
            assertThat(b.placeObject("STORE", eu, "eeur")).isEqualTo("eeur");
            assertThat(a.placeObject("STORE", eu, "weur")).isEqualTo("eeur");
            assertThatThrownBy(() -> a.placeObject("STORE", id, "mars"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Unknown location \"mars\"");
        }
    }

    @Test
    void anObjectIsOpenInOneEmulatorAtATimeAndMovesWhenClosed() throws Exception {
        Path dir = state.resolve("shared");
        String wait = System.getProperty("partyflare.storage.lockWaitMillis");
        System.setProperty("partyflare.storage.lockWaitMillis", "200");
        try (Emulator a = shared(dir);
                Emulator b = shared(dir)) {
            assertThat(a.fetch("http://x/do/STORE/one/inc").text()).isEqualTo("1");
            assertThat(b.fetch("http://x/do/STORE/two/inc").text()).isEqualTo("1");
            String oneId = a.namespace("STORE").getByName("one").id().toString();
            try (var files = Files.walk(dir.resolve("do"))) {
                assertThat(files.map(p -> p.getFileName().toString())).contains(oneId + ".lock", oneId + ".sqlite");
            }

            // "one" is open in a: b waits for its lock, then is refused
            Response refused = b.fetch("http://x/do/STORE/one/inc");
            assertThat(refused.status()).isEqualTo(500);
            assertThat(refused.text()).contains("is open in another partyflare emulator sharing this state directory");

            // a closes it (eviction: the database closes in the background): b opens it, with a's data
            DurableObjectStub one = a.namespace("STORE").getByName("one");
            a.evict(one, true);
            String count = null;
            for (int i = 0; i < 50 && !"2".equals(count); i++) {
                count = b.fetch("http://x/do/STORE/one/inc").text();
            }
            assertThat(count).isEqualTo("2");
        } finally {
            if (wait == null) {
                System.clearProperty("partyflare.storage.lockWaitMillis");
            } else {
                System.setProperty("partyflare.storage.lockWaitMillis", wait);
            }
        }
        // every lock was released on close: one emulator alone takes the directory again
        try (Emulator again = alone(dir)) {
            assertThat(again.fetch("http://x/do/STORE/one/inc").text()).isEqualTo("3");
            assertThat(again.fetch("http://x/do/STORE/two/inc").text()).isEqualTo("2");
        }
    }

    @Test
    void aDirectoryUsedAloneIsNotSharedNorTheOtherWayRound() {
        Path dir = state.resolve("mixed");
        try (Emulator dev = alone(dir)) {
            assertThat(dev.fetch("http://x/do/STORE/m/inc").text()).isEqualTo("1");
            assertThatThrownBy(() -> shared(dir))
                    .hasMessageContaining("is in use by a partyflare process that does not share it");
        }
        try (Emulator node = shared(dir)) {
            assertThat(node.fetch("http://x/do/STORE/m/inc").text()).isEqualTo("2");
            assertThatThrownBy(() -> alone(dir)).hasMessageContaining("is in use by another partyflare process");
        }
    }
}
