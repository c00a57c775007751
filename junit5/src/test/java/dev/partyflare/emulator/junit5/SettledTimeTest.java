package dev.partyflare.emulator.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.emulator.ObjectInfo;
import dev.partyflare.emulator.TimeControl;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Settled time: advance runs what becomes due and returns when the runtime is idle. The wait timeout
 * is long because scripts/with-cpu-hogs.sh runs this class on a starved machine: it bounds a hang,
 * it is not what the tests measure.
 */
@PartyflareTest(
        waitTimeoutMillis = 30_000,
        worker = LedgerApp.class,
        bindings = {
            @PartyflareTest.Binding(name = "COUNTER", type = Counter.class),
            @PartyflareTest.Binding(name = "LEDGER", type = Ledger.class)
        })
class SettledTimeTest {

    private static String state(PartyflareEnv env, DurableObjectStub stub) {
        return env.objectInfo(stub).map(ObjectInfo::state).orElse("gone");
    }

    /**
     * The race of issue 19, as the user wrote the test: read a reply, advance 10 s, expect the object
     * hibernated. Before settled time it was still live in 2-10 of 20 rounds (the reply's event was
     * still finishing when the clock moved, so its idle countdown restarted from the advanced clock).
     */
    @RepeatedTest(200)
    void anObjectIdleTenSecondsAfterItsReplyHasHibernated(PartyflareEnv env, TimeControl time) {
        DurableObjectStub a = env.stub("COUNTER", "a");
        try (TestWebSocket ws = env.connect("/counter/a/hws")) {
            ws.send("x");
            assertThat(ws.nextMessage()).isEqualTo("echo:x");
            time.advance(Duration.ofSeconds(10));
            assertThat(state(env, a)).isEqualTo("hibernated");
        }
    }

    @Test
    void theCountdownStartsWhenTheEventEndedNotEarlierNorLater(PartyflareEnv env, TimeControl time) {
        DurableObjectStub a = env.stub("COUNTER", "a");
        try (TestWebSocket ws = env.connect("/counter/a/hws")) {
            ws.send("x");
            ws.nextMessage();
            time.advance(Duration.ofMillis(9_999));
            assertThat(state(env, a)).isEqualTo("live");
            time.advance(Duration.ofMillis(1));
            assertThat(state(env, a)).isEqualTo("hibernated");
        }
    }

    @Test
    void whatAnAdvanceStartsHasRunWhenItReturns(PartyflareEnv env, TimeControl time) {
        DurableObjectStub a = env.stub("COUNTER", "a");
        env.fetch("/counter/a/alarm?in=60000");
        env.fetch("/counter/a/timer");
        time.advance(Duration.ofMinutes(1)); // no await, no polling afterwards
        assertThat(env.storage(a).get("alarms", Long.class)).contains(1L);
        assertThat(env.storage(a).get("timer", String.class)).contains("fired");
    }

    @Test
    void advanceToNextTimerMovesToTheEarliestAndRunsIt(PartyflareEnv env, TimeControl time) throws Exception {
        Instant t0 = time.now();
        CompletableFuture<String> napping =
                CompletableFuture.supplyAsync(() -> env.fetch("/ledger/a/nap").text());
        time.awaitPendingTimers(1, Duration.ofSeconds(5));
        assertThat(time.nextTimer()).contains(t0.plus(Duration.ofMinutes(5)));
        assertThat(time.advanceToNextTimer()).contains(t0.plus(Duration.ofMinutes(5)));
        assertThat(napping.get(5, TimeUnit.SECONDS)).isEqualTo("rested");
    }

    @Test
    void nothingPendingLeavesTheClockAlone(PartyflareEnv env, TimeControl time) {
        Instant t0 = time.now();
        assertThat(time.advanceToNextTimer()).isEmpty();
        assertThat(time.now()).isEqualTo(t0);
    }

    @Test
    void awaitIdleWaitsForSocketEventsTheTestDidNotWaitFor(PartyflareEnv env) {
        DurableObjectStub a = env.stub("COUNTER", "a");
        try (TestWebSocket ws = env.connect("/counter/a/ws")) {
            for (int i = 0; i < 20; i++) {
                ws.send("inc");
            }
            env.awaitIdle(); // no reply read: the events still end before this returns
            assertThat(env.storage(a).get("n", Long.class)).contains(20L);
        }
    }

    @Test
    void awaitHibernatedSaysWhatToDoOnTheManualClock(PartyflareEnv env, TimeControl time) {
        DurableObjectStub a = env.stub("COUNTER", "a");
        try (TestWebSocket ws = env.connect("/counter/a/hws")) {
            ws.send("x");
            ws.nextMessage();
            assertThatThrownBy(() -> env.awaitHibernated(a))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("COUNTER object \"a\"")
                    .hasMessageContaining("advance the clock by 10 s");
            time.advance(Duration.ofSeconds(10));
            env.awaitHibernated(a);
        }
    }

    @Nested
    @PartyflareTest(worker = LedgerApp.class, durableObjects = Counter.class, waitTimeoutMillis = 300)
    class WorkThatDoesNotSettle {
        @Test
        void advanceFailsNamingTheWorkInFlight(PartyflareEnv env, TimeControl time) throws Exception {
            DurableObjectStub a = env.stub("COUNTER", "a");
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch inside = new CountDownLatch(1);
            Thread t = Thread.ofVirtual()
                    .start(() -> env.emulator().runInDurableObject(a, (Counter c, DurableObjectState ctx) -> {
                        inside.countDown();
                        return release.await(10, TimeUnit.SECONDS);
                    }));
            try {
                assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
                assertThatThrownBy(() -> time.advance(Duration.ofSeconds(1)))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("did not settle within 300 ms")
                        .hasMessageContaining("COUNTER \"a\"");
            } finally {
                release.countDown();
                t.join(5_000);
            }
        }
    }
}
