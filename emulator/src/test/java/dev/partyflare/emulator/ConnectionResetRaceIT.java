package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that resets its connection while its object is sending to it: the write on the I/O
 * thread fails and closes the connection (holding Undertow's channel lock) at the moment the
 * object's event sends the next frame (holding the socket's own lock). Neither may wait for the
 * other: a lock-order deadlock here used to freeze the I/O thread, and with it every connection it
 * served, until the process was killed (found by the conformance suite under CPU load).
 */
class ConnectionResetRaceIT {
    static Emulator emu;

    @BeforeAll
    static void start() {
        emu = Emulator.start(TestEmulators.probe().build());
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    @Test
    void resetsDuringSendsNeverFreezeTheServer() throws Exception {
        for (int round = 0; round < 150; round++) {
            try (Socket s = new Socket("127.0.0.1", emu.port())) {
                s.setReceiveBufferSize(4 * 1024);
                s.setSoTimeout(10_000);
                BackpressureIT.upgrade(s, "/do/PROBE/reset-race-" + (round % 8) + "/ws");
                // 400 frames of 4 KiB: the object is still sending when the connection goes away
                s.getOutputStream()
                        .write(FuzzIT.frame(true, 0, 1, "flood:400:4096".getBytes(StandardCharsets.UTF_8), -1));
                s.getInputStream().readNBytes(1 + (round * 997) % 60_000); // vary the moment of the reset
                s.setSoLinger(true, 0); // close with RST: the server's next write fails
            } catch (IOException e) {
                // the server may drop first; what matters is that it keeps serving
            }
            if (round % 10 == 9) {
                assertServes(round);
            }
        }
        assertServes(150);
    }

    /** A request and a WebSocket echo both answer within 10 s (each I/O thread gets a connection). */
    private static void assertServes(int round) throws Exception {
        for (int i = 0; i < 4; i++) {
            CompletableFuture<String> echo = CompletableFuture.supplyAsync(() -> {
                try (WsClient c = WsClient.connect("ws://127.0.0.1:" + emu.port() + "/do/PROBE/reset-check/ws")) {
                    c.send("ping");
                    return c.nextText();
                } catch (Exception e) {
                    return e.toString();
                }
            });
            assertThat(echo.get(10, TimeUnit.SECONDS))
                    .as("echo after round " + round)
                    .isEqualTo("ping");
        }
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> r = http.send(
                java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create("http://127.0.0.1:" + emu.port() + "/do/PROBE/reset-check/inc"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }
}
