package dev.partyflare.emulator.junit5;

import static dev.partyflare.emulator.junit5.PartyflareAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.emulator.TimeControl;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Every call that waits gives up after the wait timeout and says what it waited for. */
@PartyflareTest(worker = CounterApp.class, durableObjects = Counter.class, waitTimeoutMillis = 300)
class WaitsAndTimeoutsTest {

    @Test
    void aMessageThatNeverComes(PartyflareEnv env) {
        TestWebSocket ws = env.connect("/counter/a/ws");
        ws.send("hi");
        assertThat(ws.nextMessage()).isEqualTo("echo:hi");
        assertThatThrownBy(() -> ws.nextMessage(Duration.ofMillis(50)))
                .isInstanceOf(PartyflareTimeoutError.class)
                .hasMessage("Timed out after 50 ms waiting for a message on WebSocket http://localhost/counter/a/ws"
                        + " (1 message received before, all taken; the socket is open)");
        assertThatThrownBy(() -> ws.awaitClose(Duration.ofMillis(20)))
                .isInstanceOf(PartyflareTimeoutError.class)
                .hasMessageStartingWith(
                        "Timed out after 20 ms waiting for WebSocket http://localhost/counter/a/ws to close");
        assertThatThrownBy(() -> assertThat(ws).receives("x")).isInstanceOf(PartyflareTimeoutError.class);
    }

    @Test
    void aMessageAwaitedOnAClosedSocket(PartyflareEnv env) {
        TestWebSocket ws = env.connect("/counter/a/hws");
        ws.send("bye");
        assertThatThrownBy(ws::nextMessage)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("closed (4000 \"bye\", clean) while a message was awaited");
        assertThat(ws.closeInfo()).contains(new TestWebSocket.Close(4000, "bye", true));
        assertThatThrownBy(() -> ws.send("more")).hasMessageContaining("it is closed (4000 \"bye\", clean)");
    }

    @Test
    void binaryAndTextAreKeptApart(PartyflareEnv env) {
        TestWebSocket ws = env.connect("/counter/a/hws");
        ws.send(new byte[] {1, 2, 3});
        assertThatThrownBy(ws::nextMessage).hasMessageContaining("got a binary one (3 bytes)");
        ws.send(new byte[] {4});
        assertThat(ws).receivesBinary(new byte[] {4});
    }

    @Test
    void aConnectionThatIsRefused(PartyflareEnv env) {
        assertThatThrownBy(() -> env.connect("/counter/a/get"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected a WebSocket upgrade (101) from GET http://localhost/counter/a/get")
                .hasMessageContaining("but got 200 OK: 0");
    }

    @Test
    void anObjectThatHoldsItsInputGateDoesNotHangTheTest(PartyflareEnv env, TimeControl time) {
        DurableObjectStub a = env.stub(Counter.class, "a");
        CompletableFuture<?> stuck = CompletableFuture.runAsync(() -> env.fetch("/counter/a/stuck"));
        time.awaitPendingTimers(1, Duration.ofSeconds(5));

        assertThatThrownBy(() -> env.runInDurableObject(a, (Counter c, DurableObjectState ctx) -> c.count()))
                .isInstanceOf(PartyflareTimeoutError.class)
                .hasMessageStartingWith("runInDurableObject on COUNTER object \"a\" (id " + a.id()
                        + ") did not finish within 300 ms; COUNTER object \"a\"")
                .hasMessageContaining("event(s) in flight");
        assertThatThrownBy(() -> env.fetch("/counter/a/get"))
                .isInstanceOf(PartyflareTimeoutError.class)
                .hasMessageStartingWith("GET http://localhost/counter/a/get did not finish within 300 ms; objects:"
                        + " COUNTER \"a\" live");
        assertThatThrownBy(stuck::join).hasCauseInstanceOf(PartyflareTimeoutError.class);
        // the end of the test closes the emulator with the event still blocked: nothing hangs
    }

    @Test
    void awaitSaysWhatItWaitedFor(PartyflareEnv env) {
        env.fetch("/counter/a/inc");
        assertThatThrownBy(() -> env.await("the moon to turn blue", Duration.ofMillis(30), () -> false))
                .isInstanceOf(PartyflareTimeoutError.class)
                .hasMessage("Timed out after 30 ms waiting for the moon to turn blue; objects: COUNTER \"a\" live");
    }

    @Test
    void anAssertionFailureOnAResponseShowsTheBody(PartyflareEnv env) {
        assertThatThrownBy(() -> assertThat(env.fetch("/counter/a/boom")).hasStatus(200))
                .hasMessageContaining("Expected status 200 but got 500 Internal Server Error with body:");
    }

    @Test
    void theEnvironmentRefusesWorkAfterItsTest(PartyflareEnv env) {
        env.close();
        assertThatThrownBy(() -> env.fetch("/counter/a/inc"))
                .hasMessageContaining("This partyflare test environment is closed");
    }
}
