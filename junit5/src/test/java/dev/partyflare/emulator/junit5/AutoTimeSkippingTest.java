package dev.partyflare.emulator.junit5;

import static dev.partyflare.emulator.junit5.PartyflareAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.emulator.TimeControl;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Automatic time skipping: time jumps to the next timer while the test waits and the runtime is quiet. */
@PartyflareTest(
        worker = LedgerApp.class,
        bindings = {
            @PartyflareTest.Binding(name = "COUNTER", type = Counter.class),
            @PartyflareTest.Binding(name = "LEDGER", type = Ledger.class)
        },
        autoTimeSkipping = true)
class AutoTimeSkippingTest {

    @Test
    void aThirtyDayRetentionAlarmRunsInMillisecondsWithoutAdvance(PartyflareEnv env, TimeControl time) {
        Instant t0 = time.now();
        long realStart = System.nanoTime();
        DurableObjectStub doc = env.stub("LEDGER", "doc");
        assertThat(env.fetch("/ledger/doc/retain")).hasBody("retained");
        env.await("the retention to end", () -> !env.storage(doc).containsKey("doc"));
        assertThat(time.now()).isAfterOrEqualTo(t0.plus(Duration.ofDays(30)));
        assertThat(Duration.ofNanos(System.nanoTime() - realStart)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aRequestThatSleepsReturnsWhileTheTestWaitsForIt(PartyflareEnv env, TimeControl time) {
        Instant t0 = time.now();
        assertThat(env.fetch("/ledger/a/nap")).hasBody("rested");
        assertThat(time.now()).isEqualTo(t0.plus(Duration.ofMinutes(5)));
    }

    @Test
    void awaitHibernatedSkipsToTheIdleCountdown(PartyflareEnv env, TimeControl time) {
        DurableObjectStub a = env.stub("COUNTER", "a");
        try (TestWebSocket ws = env.connect("/counter/a/hws")) {
            Instant t0 = time.now();
            ws.send("x");
            assertThat(ws.nextMessage()).isEqualTo("echo:x");
            env.awaitHibernated(a);
            assertThat(time.now()).isEqualTo(t0.plus(Duration.ofSeconds(10)));
        }
    }

    @Test
    void timeDoesNotSkipWhileTheTestRunsItsOwnCode(PartyflareEnv env, TimeControl time) {
        Instant t0 = time.now();
        env.fetch("/counter/a/alarm?in=60000"); // the reply arrives before anything is due
        env.storage(env.stub("COUNTER", "a")).keys(); // inspection does not skip either
        assertThat(time.now()).isEqualTo(t0);
        assertThat(time.nextTimer()).isPresent();
    }

    @Test
    void slowStorageHoldsTheReplyUntilTimeSkipsPastIt(PartyflareEnv env, TimeControl time) {
        DurableObjectStub a = env.stub("LEDGER", "a");
        env.faults(a).slowStorage(Duration.ofMillis(250));
        Instant t0 = time.now();
        assertThat(env.fetch("/ledger/a/put?v=1")).hasBody("stored");
        assertThat(time.now()).isAfterOrEqualTo(t0.plusMillis(250));
    }
}
