package dev.partyflare.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client that records what it receives, for wire tests. It speaks the protocol on a
 * plain socket ({@link RawWebSocket}) with a reader thread, so an event is exactly what reached the
 * wire: java.net.http's client, used before, sometimes never reported the server's FIN under load
 * (seen with its socket left in CLOSE_WAIT for 20 s), which made tests flaky. As that client with a
 * listener that does not answer closes, it does not reply to a close frame by itself.
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

    private WsClient(RawWebSocket socket) {
        this.ws = new Wire(socket);
        Thread.ofVirtual().name("ws-client-reader").start(this::read);
    }

    static WsClient connect(String url) {
        URI u = URI.create(url);
        String path = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        try {
            RawWebSocket socket = RawWebSocket.connect(u.getPort(), path);
            socket.noReadTimeout();
            return new WsClient(socket);
        } catch (IOException e) {
            throw new IllegalStateException("WebSocket connection to " + url + " failed: " + e.getMessage(), e);
        }
    }

    /** Sends frames on the connection; each write is a whole frame (masked, as a client must). */
    static final class Wire {
        private final RawWebSocket socket;

        Wire(RawWebSocket socket) {
            this.socket = socket;
        }

        private synchronized void write(int opcode, byte[] payload) throws IOException {
            OutputStream out = socket.output();
            out.write(FuzzIT.frame(true, 0, opcode, payload, -1));
            out.flush();
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
            try {
                socket.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    private void read() {
        ByteArrayOutputStream fragments = new ByteArrayOutputStream();
        int fragmentedOpcode = 0;
        try {
            while (true) {
                RawWebSocket.Frame f = socket().next();
                if (f == null) {
                    if (!socket().isClosed()) { // not this client's own abort
                        events.add(new Failed(new IOException("the connection ended without a close frame")));
                    }
                    return;
                }
                switch (f.opcode()) {
                    case 0 -> fragments.writeBytes(f.payload());
                    case 1, 2 -> {
                        fragmentedOpcode = f.opcode();
                        fragments.reset();
                        fragments.writeBytes(f.payload());
                    }
                    case 8 -> {
                        byte[] p = f.payload();
                        int code = p.length >= 2 ? ((p[0] & 0xff) << 8) | (p[1] & 0xff) : 1005;
                        String reason = p.length > 2 ? new String(p, 2, p.length - 2, StandardCharsets.UTF_8) : "";
                        events.add(new Closed(code, reason));
                        return;
                    }
                    case 9 -> ws.write(10, f.payload()); // pong
                    default -> {}
                }
                if (f.fin() && (f.opcode() == 0 || f.opcode() == 1 || f.opcode() == 2)) {
                    byte[] whole = fragments.toByteArray();
                    events.add(
                            fragmentedOpcode == 1
                                    ? new Text(new String(whole, StandardCharsets.UTF_8))
                                    : new Binary(whole));
                    fragments.reset();
                }
            }
        } catch (IOException e) {
            if (!socket().isClosed()) {
                events.add(new Failed(e));
            }
        }
    }

    private RawWebSocket socket() {
        return ws.socket;
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
