package dev.partyflare.emulator.junit5;

import static dev.partyflare.emulator.junit5.PartyflareAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.emulator.TimeControl;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Faults, each with Cloudflare's text. */
@PartyflareTest(
        worker = LedgerApp.class,
        bindings = {
            @PartyflareTest.Binding(name = "COUNTER", type = Counter.class),
            @PartyflareTest.Binding(name = "LEDGER", type = Ledger.class)
        })
class FaultsTest {

    @Test
    void aFailedCommitResetsTheObjectAndLosesTheWrite(PartyflareEnv env) {
        DurableObjectStub a = env.stub("LEDGER", "a");
        assertThat(a.call(Long.class, "add", 1)).isEqualTo(1L);
        env.faults(a).failNextCommits(1);
        DurableObjectException e =
                catchThrowableOfType(DurableObjectException.class, () -> a.call(Long.class, "add", 1));
        assertThat(e).hasMessage("Internal error in Durable Object storage write caused object to be reset.");
        assertThat(e.durableObjectReset()).isTrue();
        assertThat(a.call(Long.class, "add", 1)).isEqualTo(2L); // the failed write is gone, the next one works
        assertThat(env.timeline(a))
                .anySatisfy(t -> assertThat(t.kind().wireName()).isEqualTo("reset"));
    }

    @Test
    void anOverloadedObjectRefusesCallsWithCloudflaresError(PartyflareEnv env) {
        DurableObjectStub a = env.stub("LEDGER", "a");
        env.faults(a).overloaded(2);
        for (int i = 0; i < 2; i++) {
            DurableObjectException e =
                    catchThrowableOfType(DurableObjectException.class, () -> a.call(Long.class, "add", 1));
            assertThat(e).hasMessage("Durable Object is overloaded. Too many requests queued.");
            assertThat(e.overloaded()).isTrue();
            assertThat(e.retryable()).isFalse();
        }
        assertThat(a.call(Long.class, "add", 1)).isEqualTo(1L); // refused calls never ran
        assertThat(env.fetch("/ledger/a/put?v=x")).hasStatus(200);
        env.faults(a).overloadedUntilCleared();
        assertThat(env.fetch("/ledger/a/put?v=y")).hasStatus(500).hasBodyContaining("overloaded");
        env.faults(a).clear();
        assertThat(env.fetch("/ledger/a/put?v=z")).hasStatus(200);
    }

    @Test
    void slowStorageHoldsTheReplyBehindTheWriteOnTheRuntimeClock(PartyflareEnv env, TimeControl time) throws Exception {
        DurableObjectStub a = env.stub("LEDGER", "a");
        env.faults(a).slowStorage(Duration.ofMillis(200));
        CompletableFuture<String> put = CompletableFuture.supplyAsync(
                () -> env.fetch("/ledger/a/put?v=1").text());
        time.awaitPendingTimers(1, Duration.ofSeconds(5)); // the commit waits on the clock
        time.advance(Duration.ofMillis(199));
        assertThat(put).isNotDone(); // settled: the commit still waits, so does the reply
        time.advance(Duration.ofMillis(1));
        assertThat(put.get(5, TimeUnit.SECONDS)).isEqualTo("stored");
    }

    @Test
    void resetDropsEverySocketAsAbortWould(PartyflareEnv env) {
        DurableObjectStub a = env.stub("LEDGER", "a");
        try (TestWebSocket ws = env.connect("/ledger/a/hws")) {
            ws.send("hi");
            assertThat(ws.nextMessage()).isEqualTo("got:hi");
            env.faults(a).reset("deploy");
            assertThat(ws.awaitClose().code()).isEqualTo(1006);
            assertThat(env.timeline(a))
                    .last()
                    .satisfies(t -> assertThat(t.summary()).contains("deploy"));
        }
    }

    @Test
    void droppedSocketsCloseWith1006OnBothSides(PartyflareEnv env) {
        DurableObjectStub a = env.stub("LEDGER", "a");
        try (TestWebSocket ws = env.connect("/ledger/a/hws")) {
            ws.send("hi");
            ws.nextMessage();
            env.faults(a).dropSockets();
            TestWebSocket.Close c = ws.awaitClose();
            assertThat(c.code()).isEqualTo(1006);
            assertThat(c.wasClean()).isFalse();
            env.awaitIdle();
            assertThat(env.storage(a).get("closed", String.class))
                    .contains("1006 WebSocket disconnected without sending Close frame. false");
        }
    }
}
