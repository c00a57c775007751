package dev.partyflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.cli.demo.DemoApp;
import dev.partyflare.durable.DurableObjectNamespace;
import dev.partyflare.emulator.Emulator;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soak: the demo's mixed workload (chat rooms with hibernation, pub/sub, durable counters, code
 * reloads) for {@code partyflare.soak.seconds} (30 in CI; {@code -Dpartyflare.soak.seconds=3600}
 * for the long run), checking every round that nothing was lost and at the end that heap, threads
 * and file descriptors stayed flat. The curve is printed.
 */
class SoakIT {
    static final int SECONDS = Integer.getInteger("partyflare.soak.seconds", 30);
    static final int ROOMS = 4;
    static final int SOCKETS_PER_ROOM = 5;
    static final int MESSAGES = 3;
    static final int SUBSCRIBERS = 8;
    static final int COUNTERS = 4;

    // the client's own threads are fixed, so the thread count measures the server
    final java.util.concurrent.ExecutorService clientThreads = java.util.concurrent.Executors.newFixedThreadPool(2);
    final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(clientThreads)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /** A client socket counting the messages that carry a marker. */
    final class Client implements WebSocket.Listener {
        final WebSocket ws;
        final String marker;
        final AtomicInteger seen = new AtomicInteger();
        final StringBuilder partial = new StringBuilder();

        Client(String url, String marker) {
            this.marker = marker;
            this.ws = http.newWebSocketBuilder()
                    .buildAsync(URI.create(url), this)
                    .orTimeout(20, TimeUnit.SECONDS)
                    .join();
        }

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                if (partial.indexOf(marker) >= 0) {
                    seen.incrementAndGet();
                }
                partial.setLength(0);
            }
            w.request(1);
            return null;
        }

        void close() {
            ws.sendClose(1000, "bye")
                    .orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(e -> null)
                    .join();
        }
    }

    @Test
    void mixedWorkloadLosesNothingAndStaysFlat(@TempDir Path state) throws Exception {
        try (Emulator emu = Emulator.start(DemoApp.options().persistTo(state).build())) {
            String base = "127.0.0.1:" + emu.port();
            DurableObjectNamespace chat = emu.namespace("ChatRoom");
            // one resident socket per room for the whole run: it sees every round through hibernations
            List<Client> resident = new ArrayList<>();
            for (int r = 0; r < ROOMS; r++) {
                resident.add(
                        new Client("ws://" + base + "/parties/chat-room/soak-" + r + "?name=resident", "\"text\":\"r"));
            }
            long[] expectedCounts = new long[COUNTERS];
            int residentExpected = 0;
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(SECONDS);
            Sample warm = null;
            List<Sample> curve = new ArrayList<>();
            int round = 0;
            while ((System.nanoTime() < end || round < 3) && round < 100_000) {
                String tag = "\"r" + round + "-";
                // chat: fresh sockets join each room, everyone sends, everyone sees every message
                List<List<Client>> rooms = new ArrayList<>();
                for (int r = 0; r < ROOMS; r++) {
                    List<Client> room = new ArrayList<>();
                    for (int s = 0; s < SOCKETS_PER_ROOM; s++) {
                        room.add(new Client(
                                "ws://" + base + "/parties/chat-room/soak-" + r + "?name=s" + s, "\"text\":" + tag));
                    }
                    rooms.add(room);
                }
                for (List<Client> room : rooms) {
                    for (Client c : room) {
                        for (int m = 0; m < MESSAGES; m++) {
                            c.ws.sendText("r" + round + "-" + m, true).join();
                        }
                    }
                }
                int perSocket = SOCKETS_PER_ROOM * MESSAGES;
                residentExpected += perSocket;
                int re = residentExpected;
                for (List<Client> room : rooms) {
                    for (Client c : room) {
                        await(() -> c.seen.get() >= perSocket, "chat messages of round", c.seen::get, perSocket);
                    }
                }
                for (Client c : resident) {
                    await(() -> c.seen.get() >= re, "resident socket messages", c.seen::get, re);
                }
                rooms.forEach(room -> room.forEach(Client::close));

                // pub/sub: every subscriber gets every publication of the round, whichever node it is on
                List<Client> subs = new ArrayList<>();
                for (int s = 0; s < SUBSCRIBERS; s++) {
                    subs.add(new Client("ws://" + base + "/parties/board/soak?topics=t", "\"data\":" + tag));
                }
                Client publisher = new Client("ws://" + base + "/parties/board/soak?topics=none", "-");
                for (int m = 0; m < MESSAGES; m++) {
                    publisher
                            .ws
                            .sendText("{\"topic\":\"t\",\"data\":\"r" + round + "-" + m + "\"}", true)
                            .join();
                }
                for (Client c : subs) {
                    await(() -> c.seen.get() >= MESSAGES, "pub/sub deliveries", c.seen::get, MESSAGES);
                }
                subs.forEach(Client::close);
                publisher.close();

                // storage: durable counters, every acknowledged increment counted
                for (int k = 0; k < COUNTERS; k++) {
                    for (int i = 0; i < 5; i++) {
                        HttpResponse<String> r = http.send(
                                HttpRequest.newBuilder(URI.create("http://" + base + "/api/counters/soak-" + k))
                                        .POST(HttpRequest.BodyPublishers.noBody())
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        assertThat(r.statusCode()).isEqualTo(200);
                        expectedCounts[k]++;
                    }
                }

                // lifecycle: rooms hibernate (the resident sockets stay), and now and then the code reloads
                for (int r = 0; r < ROOMS; r++) {
                    try {
                        emu.hibernate(chat.getByName("soak-" + r));
                    } catch (IllegalStateException e) {
                        // a close still being handled: it hibernates next round
                    }
                }
                if (round % 10 == 9) {
                    emu.reload(DemoApp.options().persistTo(state).build());
                }
                round++;
                if (round == 3) {
                    warm = Sample.take(0);
                    curve.add(warm);
                } else if (round > 3 && curve.getLast().elapsedSeconds + 5 <= (System.nanoTime() - start) / 1e9) {
                    curve.add(Sample.take((System.nanoTime() - start) / 1e9));
                }
            }
            for (int k = 0; k < COUNTERS; k++) {
                String body = http.send(
                                HttpRequest.newBuilder(URI.create("http://" + base + "/api/counters/soak-" + k))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                assertThat(body).contains("\"count\":" + expectedCounts[k]);
            }
            resident.forEach(Client::close);
            clientThreads.shutdown();
            Sample last = Sample.take((System.nanoTime() - start) / 1e9);
            curve.add(last);
            System.out.printf("soak: %d rounds in %d s%n", round, SECONDS);
            curve.forEach(s -> System.out.println("soak: " + s));
            assertThat(warm).isNotNull();
            assertThat(last.heapMiB).as("heap after GC (MiB)").isLessThan(warm.heapMiB * 1.5 + 24);
            assertThat(last.threads).as("threads").isLessThanOrEqualTo(warm.threads + 16);
            if (warm.fds >= 0) {
                assertThat(last.fds).as("open file descriptors").isLessThanOrEqualTo(warm.fds + 32);
            }
        }
    }

    record Sample(double elapsedSeconds, double heapMiB, int threads, long fds) {
        static Sample take(double elapsed) throws InterruptedException {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(50); // the collector's own pace, not the runtime's
            }
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long fds;
            try (var s = Files.list(Path.of("/proc/self/fd"))) {
                fds = s.count();
            } catch (java.io.IOException e) {
                fds = -1;
            }
            return new Sample(elapsed, used / 1048576.0, Thread.activeCount(), fds);
        }

        @Override
        public String toString() {
            return String.format(
                    "t=%5.1fs heap %.1f MiB, %d platform threads, %d fds", elapsedSeconds, heapMiB, threads, fds);
        }
    }

    static void await(BooleanSupplier done, String what, java.util.function.IntSupplier got, int want)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": got " + got.getAsInt() + " of " + want + " within 20 s");
            }
            Thread.sleep(2); // waiting for the client to receive over the network, not for the runtime
        }
    }
}
