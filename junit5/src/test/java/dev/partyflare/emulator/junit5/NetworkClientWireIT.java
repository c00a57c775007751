package dev.partyflare.emulator.junit5;

import static dev.partyflare.emulator.junit5.PartyflareAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.Request;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same client code against the real port and in-process. */
@PartyflareTest(worker = CounterApp.class, durableObjects = Counter.class, http = true)
class NetworkClientWireIT {

    static List<TestClient> both(PartyflareEnv env) {
        return List.of(env.httpClient(), env.client());
    }

    @Test
    void httpRequestsGoThroughThePortOrNot(PartyflareEnv env) {
        assertThat(env.emulator().port()).isPositive();
        assertThat(env.httpClient().isInProcess()).isFalse();
        assertThat(env.httpClient().url("/x")).isEqualTo(env.emulator().url().orElseThrow() + "/x");
        long n = 0;
        for (TestClient c : both(env)) {
            assertThat(c.get("/counter/a/inc")).hasStatus(200).hasBody(Long.toString(++n));
            assertThat(c.get("/nope")).hasStatus(404).hasHeader("content-type", "text/plain;charset=UTF-8");
            assertThat(c.fetch(Request.builder("GET", c.url("/counter/a/get"))
                            .header("x-test", "1")
                            .build()))
                    .hasBody(Long.toString(n));
        }
    }

    @Test
    void webSocketsOverTheNetworkBehaveAsInProcess(PartyflareEnv env) {
        for (TestClient c : both(env)) {
            try (TestWebSocket ws = c.connect("/counter/a/ws")) {
                ws.send("hi");
                assertThat(ws).receives("echo:hi").receivesNothingWithin(Duration.ofMillis(20));
                assertThat(ws.pollMessage(Duration.ofMillis(10))).isEmpty();
            }
            TestWebSocket h = c.connect("/counter/a/hws");
            h.send(new byte[] {7, 8});
            assertThat(h).receivesBinary(new byte[] {7, 8});
            h.send("bye");
            assertThat(h).isClosedWith(4000, "bye");
        }
    }

    @Test
    void aRefusedUpgradeSaysWhatCameBack(PartyflareEnv env) {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> env.httpClient().connect("/nope"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected a WebSocket upgrade (101) from ws://")
                .hasMessageContaining("got status 404");
    }
}
