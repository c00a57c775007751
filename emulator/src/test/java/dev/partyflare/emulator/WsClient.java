package dev.partyflare.emulator;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client that records what it receives, for wire tests: events on a queue, built on the
 * project's one raw client ({@link dev.partyflare.emulator.client.WsClient}, which reports every
 * close frame and FIN as it reaches the wire). As java.net.http's client with a listener that does
 * not answer closes, it does not reply to a close frame by itself.
 */
final class WsClient implements AutoCloseable {
    sealed interface Event {}

    record Text(String text) implements Event {}

    record Binary(byte[] bytes) implements Event {}

    record Closed(int code, String reason) implements Event {}

    record Failed(Throwable error) implements Event {}

    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    /** The connection, for what a test does beyond sending messages (close frames, aborting). */
    final Wire ws;

    private WsClient(dev.partyflare.emulator.client.WsClient client) {
        this.ws = new Wire(client);
        Thread.ofVirtual().name("ws-client-reader").start(this::read);
    }

    static WsClient connect(String url) {
        URI u = URI.create(url);
        String path = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        try {
            dev.partyflare.emulator.client.WsClient client = dev.partyflare.emulator.client.WsClient.connect(
                            URI.create("http://" + u.getHost() + ":" + u.getPort()), path)
                    .replyToClose(false);
            return new WsClient(client);
        } catch (IOException e) {
            throw new IllegalStateException("WebSocket connection to " + url + " failed: " + e.getMessage(), e);
        }
    }

    /** Sends frames on the connection; each write is a whole frame (masked, as a client must). */
    static final class Wire {
        private final dev.partyflare.emulator.client.WsClient client;
        private volatile boolean aborted;

        Wire(dev.partyflare.emulator.client.WsClient client) {
            this.client = client;
        }

        private void write(int opcode, byte[] payload) throws IOException {
            client.sendFrame(opcode, payload);
        }

        /** Writes on another thread, as a test may send more than the server will read. */
        private CompletableFuture<Void> writeAsync(int opcode, byte[] payload) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    write(opcode, payload);
                    done.complete(null);
                } catch (IOException e) {
                    done.completeExceptionally(e);
                }
            });
            return done;
        }

        CompletableFuture<Void> sendText(String text) {
            return writeAsync(1, text.getBytes(StandardCharsets.UTF_8));
        }

        CompletableFuture<Void> sendBinary(ByteBuffer data, boolean last) {
            if (!last) {
                throw new UnsupportedOperationException("fragmented messages are not needed by the tests");
            }
            byte[] b = new byte[data.remaining()];
            data.get(b);
            return writeAsync(2, b);
        }

        CompletableFuture<Void> sendClose(int code, String reason) {
            byte[] r = reason.getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[2 + r.length];
            payload[0] = (byte) (code >> 8);
            payload[1] = (byte) code;
            System.arraycopy(r, 0, payload, 2, r.length);
            return writeAsync(8, payload);
        }

        /** Drops the connection without a close frame. */
        void abort() {
            aborted = true;
            client.close(); // a FIN without a close frame
        }
    }

    private void read() {
        try {
            while (true) {
                dev.partyflare.emulator.client.WsClient.Frame f = ws.client.next(Duration.ofDays(1));
                if (f == null) {
                    continue;
                }
                switch (f.kind()) {
                    case "text" -> events.add(new Text(f.text()));
                    case "binary" -> events.add(new Binary(f.bytes()));
                    case "close" -> {
                        events.add(new Closed(f.code(), f.reason()));
                        return;
                    }
                    default -> { // eof: the connection ended without a close frame
                        if (!ws.aborted) { // not this client's own abort
                            events.add(new Failed(new IOException("the connection ended without a close frame")));
                        }
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void send(String text) {
        ws.sendText(text).join();
    }

    void send(byte[] bytes) {
        ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    Event next() throws InterruptedException {
        Event e = events.poll(20, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("No WebSocket event within 20 s");
        }
        return e;
    }

    String nextText() throws InterruptedException {
        Event e = next();
        if (e instanceof Text t) {
            return t.text();
        }
        throw new AssertionError("Expected a text message, got " + e);
    }

    /** Nothing arrives within {@code millis} real milliseconds. */
    Event poll(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        ws.abort();
    }
}
