package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.fixtures.Probe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The input gate (SEMANTICS.md §2) and one instance per id (§1). */
class ConcurrencyTest {
    Emulator emu;
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeEach
    void start() {
        emu = TestEmulators.inProcess();
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        emu.close();
    }

    private List<Future<Response>> concurrently(int n, String url) {
        List<Future<Response>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(pool.submit(() -> emu.fetch(Request.get(url))));
        }
        return fs;
    }

    private static void awaitAll(List<Future<Response>> fs) throws Exception {
        for (Future<Response> f : fs) {
            assertThat(f.get().status()).isEqualTo(200);
        }
    }

    @Test
    void fiftyReadComputeWriteRequestsAreSerialized() throws Exception {
        awaitAll(concurrently(50, "http://x/do/PROBE/serial/inc"));
        assertThat(emu.fetch("http://x/do/PROBE/serial/get").text()).isEqualTo("50");
    }

    @Test
    void requestsThatSleepInterleaveAndLoseUpdates() throws Exception {
        List<Future<Response>> fs = concurrently(20, "http://x/do/PROBE/interleave/inc-sleep");
        // every request has read the value and is waiting on its timer: the gate let them all in
        emu.time().awaitPendingTimers(20, Duration.ofSeconds(10));
        emu.time().advance(Duration.ofMillis(20));
        awaitAll(fs);
        assertThat(emu.fetch("http://x/do/PROBE/interleave/get").text()).isEqualTo("1");
    }

    @Test
    void blockConcurrencyWhileHoldsTheGateAcrossSleeps() throws Exception {
        List<Future<Response>> fs = concurrently(5, "http://x/do/PROBE/bcw-sleep/inc-bcw-sleep");
        for (int i = 0; i < 5; i++) {
            // one event inside: one sleep timer (the runtime's own timeouts are not counted)
            emu.time().awaitPendingTimers(1, Duration.ofSeconds(10));
            assertThat(emu.time().pendingTimers()).isEqualTo(1);
            emu.time().advance(Duration.ofMillis(20));
        }
        awaitAll(fs);
        assertThat(emu.fetch("http://x/do/PROBE/bcw-sleep/get").text()).isEqualTo("5");
    }

    @Test
    void racingFirstRequestsCreateOneInstance() throws Exception {
        for (int round = 0; round < 20; round++) {
            String name = "race-" + round;
            awaitAll(concurrently(8, "http://x/do/PROBE/" + name + "/get"));
            assertThat(Probe.CONSTRUCTIONS.get(name).get()).as(name).isEqualTo(1);
        }
    }

    @Test
    void thousandNamesCreateThousandInstances() throws Exception {
        List<Future<Response>> fs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String url = "http://x/do/PROBE/many-" + i + "/inc";
            fs.add(pool.submit(() -> emu.fetch(Request.get(url))));
        }
        awaitAll(fs);
        long created = Probe.CONSTRUCTIONS.keySet().stream()
                .filter(k -> k.startsWith("many-"))
                .count();
        assertThat(created).isEqualTo(1000);
        assertThat(emu.namespace("PROBE")
                        .getByName("many-7")
                        .fetch("http://x/get")
                        .text())
                .isEqualTo("1");
    }
}
