package dev.partyflare.emulator.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class WireServerTest {
    /**
     * Seen in an AOT training run on a busy machine: a client that connected as soon as the port listened
     * was accepted before the HTTP front end had built its connections' settings, and its connection
     * was dropped with a NullPointerException logged. The listener now sees no connection before start.
     */
    @Test
    void aConnectionMadeBeforeStartIsAcceptedOnlyOnceTheServerStarts() throws Exception {
        AtomicBoolean started = new AtomicBoolean();
        AtomicBoolean openedBeforeStart = new AtomicBoolean();
        CountDownLatch opened = new CountDownLatch(1);
        try (WireServer server = new WireServer("127.0.0.1", 0, 2, 100, connection -> {
                    if (!started.get()) {
                        openedBeforeStart.set(true);
                    }
                    opened.countDown();
                });
                Socket client = new Socket()) {
            client.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000); // the backlog takes it
            // bounded: with the old order the listener ran at once; with the fix it cannot run at all here
            assertThat(opened.await(200, TimeUnit.MILLISECONDS)).isFalse();
            started.set(true);
            server.start();
            assertThat(opened.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(openedBeforeStart).isFalse();
        }
    }
}
