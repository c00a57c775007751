package dev.partyflare.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.client.PartySocket;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The seed README's example, served over a real port and used with the Java PartySocket. */
class MyServerIT {
    @Test
    void everyMessageReachesEveryOtherConnection() throws Exception {
        try (Emulator emu = Emulator.start(EmulatorOptions.builder()
                .workerName("my-app")
                .worker(new MyApp())
                .durableObject("MyServer", MyServer.class)
                .build())) {
            String host = "127.0.0.1:" + emu.port();
            BlockingQueue<String> a = new LinkedBlockingQueue<>();
            BlockingQueue<String> b = new LinkedBlockingQueue<>();
            BlockingQueue<String> c = new LinkedBlockingQueue<>();
            try (PartySocket sa = PartySocket.builder(host)
                            .party("my-server")
                            .room("lobby")
                            .onMessage(a::add)
                            .connect();
                    PartySocket sb = PartySocket.builder(host)
                            .party("my-server")
                            .room("lobby")
                            .onMessage(b::add)
                            .connect();
                    PartySocket sc = PartySocket.builder(host)
                            .party("myserver")
                            .room("other-room")
                            .onMessage(c::add)
                            .connect()) {
                awaitOpen(sa);
                awaitOpen(sb);
                awaitOpen(sc);
                sa.send("hello from a");
                assertThat(b.poll(10, TimeUnit.SECONDS)).isEqualTo("hello from a");
                assertThat(a.poll(200, TimeUnit.MILLISECONDS)).isNull(); // not to the sender
                assertThat(c.poll(50, TimeUnit.MILLISECONDS)).isNull(); // not to another room
                var r = PartySocket.fetch(
                        host, "my-server", "lobby", HttpRequest.newBuilder().GET());
                assertThat(r.statusCode()).isEqualTo(404); // MyServer does not override onRequest
                assertThat(r.body()).isEqualTo("Not implemented");
            }
        }
    }

    @Test
    void theIdIsStableAcrossReconnects() throws Exception {
        try (Emulator emu = Emulator.start(EmulatorOptions.builder()
                .workerName("my-app")
                .worker(new MyApp())
                .durableObject("MyServer", MyServer.class)
                .build())) {
            String host = "127.0.0.1:" + emu.port();
            try (PartySocket s = PartySocket.builder(host)
                    .party("my-server")
                    .room("r")
                    .reconnect(Duration.ofMillis(50), Duration.ofMillis(200), 1.3)
                    .connect()) {
                awaitOpen(s);
                String id = s.id();
                assertThat(s.uri().toString()).contains("_pk=" + id);
                // the server goes away: the socket reconnects with the same id
                emu.evict(emu.namespace("MyServer").getByName("r"), true);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (s.connections() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(s.connections()).isGreaterThanOrEqualTo(2);
                assertThat(s.id()).isEqualTo(id);
            }
        }
    }

    static void awaitOpen(PartySocket s) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.connections() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("PartySocket did not open within 10 s: " + s.uri());
            }
            Thread.sleep(5);
        }
    }
}
