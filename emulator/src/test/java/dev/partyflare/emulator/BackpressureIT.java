package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.WebSocket;
import dev.partyflare.fixtures.Probe;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A WebSocket client that stops reading: the bytes waiting for it are bounded (here 4 MiB); past the
 * bound its connection is dropped, the object sees why, and the rest of the server keeps serving.
 */
class BackpressureIT {
    static final long LIMIT = 4L * 1024 * 1024;
    static Emulator emu;

    @BeforeAll
    static void start() {
        emu = Emulator.start(
                TestEmulators.probe().maxWebSocketSendQueueBytes(LIMIT).build());
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    @Test
    void aClientThatDoesNotReadIsDroppedAtTheBoundAndTheServerKeepsServing() throws Exception {
        try (Socket s = new Socket("127.0.0.1", emu.port())) {
            s.setReceiveBufferSize(16 * 1024);
            s.setSoTimeout(30_000);
            InputStream in = upgrade(s, "/do/PROBE/ws-flood/ws");
            // 256 MiB asked for, never read: without a bound the server would hold all of it
            s.getOutputStream()
                    .write(FuzzIT.frame(true, 0, 1, "flood:256:1048576".getBytes(StandardCharsets.UTF_8), -1));

            WebSocket.ErrorEvent err = Probe.errorOf("ws-flood").get(30, TimeUnit.SECONDS);
            assertThat(err.message())
                    .contains("WebSocket send queue full")
                    .contains("client that is not reading (limit " + LIMIT + ")");
            assertThat(Probe.closeOf("ws-flood")).isNotDone(); // an error ends it, as other network failures

            // the connection is gone: what the client can still read is bounded by the limit plus socket buffers
            long read = 0;
            byte[] buf = new byte[64 * 1024];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                read += n;
            }
            assertThat(read).isLessThan(LIMIT + 8L * 1024 * 1024);
        }
        try (WsClient c = WsClient.connect("ws://127.0.0.1:" + emu.port() + "/do/PROBE/ws-after-flood/ws")) {
            c.send("still here");
            assertThat(c.nextText()).isEqualTo("still here");
        }
    }

    @Test
    void writtenBytesLeaveTheQueueSoAReaderGetsFarMoreThanTheBound() throws Exception {
        try (WsClient c = WsClient.connect("ws://127.0.0.1:" + emu.port() + "/do/PROBE/ws-reader/ws")) {
            for (int burst = 0; burst < 8; burst++) { // 8 bursts of 2 MiB: 16 MiB in all, four times the bound
                c.send("flood:8:262144");
                for (int i = 0; i < 8; i++) {
                    assertThat(((WsClient.Binary) c.next()).bytes()).hasSize(262144);
                }
                assertThat(c.nextText()).isEqualTo("flood done");
            }
        }
    }

    /**
     * The other direction: a client that sends faster than its object handles messages is read no
     * faster than the object keeps up (TCP pushes back), instead of the server queueing every
     * message in memory; nothing is lost or reordered once the object catches up.
     */
    @Test
    void aClientThatFloodsAnObjectThatIsBehindIsReadOnlyAsFastAsTheObjectKeepsUp() throws Exception {
        int total = 50_000; // 1 KiB each: 50 MiB, far more than the socket buffers hold
        java.util.concurrent.CountDownLatch hold = Probe.holdOf("ws-slow");
        try (Socket s = new Socket("127.0.0.1", emu.port())) {
            s.setSendBufferSize(64 * 1024);
            s.setSoTimeout(30_000);
            upgrade(s, "/do/PROBE/ws-slow/ws");
            s.getOutputStream().write(FuzzIT.frame(true, 0, 1, "hold".getBytes(StandardCharsets.UTF_8), -1));

            java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
            byte[] padding = new byte[1024 - 12];
            java.util.Arrays.fill(padding, (byte) 'x');
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    for (int i = 0; i < total; i++) {
                        byte[] payload = ("n:" + i + ":" + new String(padding, StandardCharsets.US_ASCII))
                                .getBytes(StandardCharsets.US_ASCII);
                        s.getOutputStream().write(FuzzIT.frame(true, 0, 1, payload, -1));
                        written.incrementAndGet();
                    }
                } catch (java.io.IOException e) {
                    // reported by the assertions below
                }
            });

            // while the object is held, the writer stalls: the server stopped reading this connection
            int stalledAt = awaitNoProgress(written);
            assertThat(stalledAt)
                    .as("messages written before the client was pushed back")
                    .isLessThan(total / 2);
            assertThat(Probe.receivedOf("ws-slow").get()).isZero();

            hold.countDown();
            writer.join(java.time.Duration.ofSeconds(60));
            assertThat(written.get()).isEqualTo(total);
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            while (Probe.receivedOf("ws-slow").get() < total && System.nanoTime() < deadline) {
                Thread.sleep(10); // the object works through the backlog in real time
            }
            assertThat(Probe.receivedOf("ws-slow").get()).isEqualTo(total);
        }
        assertThat(emu.fetch("http://x/do/PROBE/after-flood/inc").text()).isEqualTo("1");
    }

    /** Sends the WebSocket handshake on {@code s} and reads the 101 answer; returns the socket's input. */
    static InputStream upgrade(Socket s, String path) throws java.io.IOException {
        s.getOutputStream().write(FuzzIT.handshake(path));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.read());
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
        return in;
    }

    /** Waits until {@code counter} has not moved for 300 ms (at most 30 s); returns its value. */
    private static int awaitNoProgress(java.util.concurrent.atomic.AtomicInteger counter) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            int now = counter.get();
            if (now == last) {
                return now;
            }
            last = now;
            Thread.sleep(300); // watching the client's progress, not waiting for the runtime
        }
        return counter.get();
    }
}
