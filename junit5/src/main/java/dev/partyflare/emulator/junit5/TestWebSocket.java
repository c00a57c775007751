package dev.partyflare.emulator.junit5;

import dev.partyflare.durable.WebSocket;
import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.emulator.client.WsClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client side of a WebSocket in a test, as a browser would hold it: what arrives is queued,
 * and the test takes it with blocking, bounded calls ({@link #nextMessage()}, {@link
 * #pollMessage(Duration)}, {@link #awaitClose()}). Works in-process (the client end of the
 * emulator's {@code WebSocketPair}, no port) and over the network ({@code java.net.http}) alike;
 * get one from {@link TestClient#connect(String)} or {@link PartyflareEnv#connect(String)}.
 *
 * <p>A close frame from the server is answered with the same code, as browsers do, which completes
 * the closing handshake (on workerd the server's {@code webSocketClose} handler then runs).
 */
public final class TestWebSocket implements AutoCloseable {

    /**
     * How the socket closed: a close frame's code and reason ({@code wasClean}), or 1006 when the
     * connection went away without one.
     */
    public record Close(int code, String reason, boolean wasClean) {
        @Override
        public String toString() {
            return code + (reason.isEmpty() ? "" : " \"" + reason + "\"") + (wasClean ? ", clean" : ", not clean");
        }
    }

    private interface Transport {
        void sendText(String text);

        void sendBinary(byte[] bytes);

        /** Sends a close frame; {@code code} 1005 means no status. */
        void sendClose(int code, String reason);

        void abort();
    }

    private final String url;
    private final Duration defaultTimeout;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<WebSocketMessage> inbox = new ArrayDeque<>();
    private final List<String> errors = new ArrayList<>();
    private Transport transport;
    private Close closed;
    private boolean closeSent;
    private int received;

    /** The emulator's clock: waits here let time skip (when automatic skipping is on). */
    private volatile dev.partyflare.emulator.TimeControl time;

    /** Waits of this socket count as the test waiting on the runtime ({@link dev.partyflare.emulator.TimeControl#whileWaiting}). */
    void waitsOn(dev.partyflare.emulator.TimeControl t) {
        this.time = t;
    }

    /** The test's wait on this socket in progress, ended by whatever satisfies it (under {@link #lock}). */
    private Runnable waitEnds;

    private <T> T waiting(java.util.function.Supplier<T> wait) {
        dev.partyflare.emulator.TimeControl t = time;
        if (t == null) {
            return wait.get();
        }
        Runnable done = t.startWaiting();
        lock.lock();
        try {
            waitEnds = done;
        } finally {
            lock.unlock();
        }
        try {
            return wait.get();
        } finally {
            lock.lock();
            try {
                waitEnds = null;
            } finally {
                lock.unlock();
            }
            done.run();
        }
    }

    /** Something arrived: the test's wait ends now, on the delivering thread (under {@link #lock}). */
    private void endWaitLocked() {
        Runnable r = waitEnds;
        if (r != null) {
            waitEnds = null;
            r.run();
        }
    }

    private TestWebSocket(String url, Duration defaultTimeout) {
        this.url = url;
        this.defaultTimeout = defaultTimeout;
    }

    /**
     * Wraps the client end of an in-process WebSocket (the one a 101 {@code Response} carries) and
     * accepts it. Prefer {@link TestClient#connect(String)}.
     */
    public static TestWebSocket of(WebSocket clientEnd, String url, Duration defaultTimeout) {
        TestWebSocket t = new TestWebSocket(url, defaultTimeout);
        t.transport = new Transport() {
            @Override
            public void sendText(String text) {
                clientEnd.send(text);
            }

            @Override
            public void sendBinary(byte[] bytes) {
                clientEnd.send(bytes);
            }

            @Override
            public void sendClose(int code, String reason) {
                if (code == 1005) {
                    clientEnd.close();
                } else {
                    clientEnd.close(code, reason);
                }
            }

            @Override
            public void abort() {
                // nothing to release: the server end is gone with its emulator
            }
        };
        // listeners before accept(): events queued before it are delivered to them
        clientEnd.onMessage(t::received);
        clientEnd.onClose(c -> t.peerClosed(c.code(), c.reason(), c.wasClean()));
        clientEnd.onError(e -> t.error(e.message()));
        clientEnd.accept();
        return t;
    }

    /**
     * Opens a WebSocket over the network to {@code uri} ({@code ws://...}) with the project's raw
     * client ({@link WsClient}), which reports every close frame and the end of the TCP stream as
     * they reach the wire.
     */
    static TestWebSocket connect(URI uri, Map<String, String> headers, Duration timeout) {
        TestWebSocket t = new TestWebSocket(uri.toString(), timeout);
        URI base = URI.create("http://" + uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 80));
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        WsClient c;
        try {
            c = WsClient.connect(base, path, headers).replyToClose(false); // this class answers closes
        } catch (WsClient.Rejected r) {
            throw new AssertionError("Expected a WebSocket upgrade (101) from " + uri + " but got status " + r.status()
                    + ": " + r.body());
        } catch (java.net.SocketTimeoutException e) {
            throw new PartyflareTimeoutError("Timed out waiting for the WebSocket handshake with " + uri + ": " + e);
        } catch (java.io.IOException e) {
            throw new AssertionError("Could not open a WebSocket to " + uri + ": " + e, e);
        }
        t.transport = new Transport() {
            @Override
            public void sendText(String text) {
                io(() -> c.sendText(text), "sending a message");
            }

            @Override
            public void sendBinary(byte[] bytes) {
                io(() -> c.sendBinary(bytes.clone()), "sending a message");
            }

            @Override
            public void sendClose(int code, String reason) {
                io(
                        () -> {
                            if (code == 1005) {
                                c.sendCloseNoCode();
                            } else {
                                c.sendClose(code, reason);
                            }
                        },
                        "closing");
            }

            @Override
            public void abort() {
                c.abort();
            }

            private void io(IoAction a, String what) {
                try {
                    a.run();
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("WebSocket " + uri + ": " + what + " failed: " + e, e);
                }
            }
        };
        Thread.ofVirtual().name("partyflare-test-websocket").start(() -> readLoop(t, c));
        return t;
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws java.io.IOException;
    }

    /** Hands what the wire brings to the test; ends with the TCP stream (which closing the socket ends). */
    private static void readLoop(TestWebSocket t, WsClient c) {
        try {
            while (true) {
                WsClient.Frame f = c.next(Duration.ofMinutes(1));
                if (f == null) {
                    continue; // nothing for a minute: a quiet socket, still open
                }
                switch (f.kind()) {
                    case "text" -> t.received(WebSocketMessage.text(f.text()));
                    case "binary" -> t.received(WebSocketMessage.binary(f.bytes()));
                    case "close" -> t.peerClosed(f.code(), f.reason(), true);
                    default -> { // the TCP stream ended: after a close frame, the end of the handshake
                        t.peerClosed(1006, "", false);
                        c.close();
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            c.close();
        }
    }

    // ---- events from the transport ----

    private void received(WebSocketMessage m) {
        lock.lock();
        try {
            inbox.add(m);
            received++;
            endWaitLocked();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void peerClosed(int code, String reason, boolean wasClean) {
        boolean answer;
        lock.lock();
        try {
            if (closed != null) {
                return;
            }
            closed = new Close(code, reason == null ? "" : reason, wasClean);
            answer = !closeSent && code != 1006 && transport != null;
            closeSent = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (answer && isSendable(code)) {
            try {
                transport.sendClose(code, reason == null ? "" : reason);
            } catch (RuntimeException | AssertionError e) {
                // the peer is gone; nothing to complete
            }
        }
        lock.lock();
        try {
            endWaitLocked(); // after the answer: its close event is counted before the wait ends
        } finally {
            lock.unlock();
        }
    }

    private static boolean isSendable(int code) {
        return code == 1005 || (code >= 1000 && code <= 4999 && code != 1004 && code != 1006 && code != 1015);
    }

    private void error(String message) {
        lock.lock();
        try {
            errors.add(message);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Marks this socket closed because its emulator went away (end of the test). */
    void emulatorClosed() {
        lock.lock();
        try {
            if (closed == null) {
                closed = new Close(1006, "the emulator was closed at the end of the test", false);
                closeSent = true;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        transport.abort();
    }

    // ---- what a test calls ----

    /** The URL this socket was opened with. */
    public String url() {
        return url;
    }

    /** Sends a text message. */
    public void send(String text) {
        checkCanSend();
        transport.sendText(text);
    }

    /** Sends a binary message. */
    public void send(byte[] bytes) {
        checkCanSend();
        transport.sendBinary(bytes);
    }

    private void checkCanSend() {
        lock.lock();
        try {
            if (closeSent) {
                throw new IllegalStateException("Cannot send on WebSocket " + url + ": it is "
                        + (closed != null ? "closed (" + closed + ")" : "closing (this side sent a close frame)"));
            }
        } finally {
            lock.unlock();
        }
    }

    /** The next text message, waiting at most the default timeout. */
    public String nextMessage() {
        return nextMessage(defaultTimeout);
    }

    /**
     * The next text message, waiting at most {@code timeout}.
     *
     * @throws PartyflareTimeoutError when none arrives in time
     * @throws AssertionError when the socket closes first, or the next message is binary
     */
    public String nextMessage(Duration timeout) {
        return text(nextFrame(timeout));
    }

    /** The next binary message, waiting at most the default timeout. */
    public byte[] nextBinary() {
        return nextBinary(defaultTimeout);
    }

    /** The next binary message, waiting at most {@code timeout}. */
    public byte[] nextBinary(Duration timeout) {
        WebSocketMessage m = nextFrame(timeout);
        if (m.isText()) {
            throw new AssertionError(
                    "Expected a binary message on WebSocket " + url + " but got text \"" + m.asText() + "\"");
        }
        return m.asBytes();
    }

    /** The next message of either kind, waiting at most the default timeout. */
    public WebSocketMessage nextFrame() {
        return nextFrame(defaultTimeout);
    }

    /** The next message of either kind, waiting at most {@code timeout}. */
    public WebSocketMessage nextFrame(Duration timeout) {
        Optional<WebSocketMessage> m = poll(timeout);
        if (m.isPresent()) {
            return m.get();
        }
        lock.lock();
        try {
            if (closed != null) {
                throw new AssertionError(
                        "WebSocket " + url + " closed (" + closed + ") while a message was awaited" + summaryLocked());
            }
            throw new PartyflareTimeoutError("Timed out after " + Waits.format(timeout)
                    + " waiting for a message on WebSocket " + url + summaryLocked());
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next text message if one arrives within {@code timeout}, else empty (also when the socket
     * closes first). Use it to check that nothing arrives: {@code
     * assertThat(ws.pollMessage(Duration.ofMillis(100))).isEmpty()}.
     *
     * @throws AssertionError when the next message is binary
     */
    public Optional<String> pollMessage(Duration timeout) {
        return poll(timeout).map(this::text);
    }

    /** The next message of either kind if one arrives within {@code timeout}, else empty. */
    public Optional<WebSocketMessage> pollFrame(Duration timeout) {
        return poll(timeout);
    }

    private Optional<WebSocketMessage> poll(Duration timeout) {
        return waiting(() -> pollInner(timeout));
    }

    private Optional<WebSocketMessage> pollInner(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (inbox.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (closed != null || left <= 0) {
                    return Optional.empty();
                }
                changed.awaitNanos(left);
            }
            return Optional.of(inbox.poll());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a message on WebSocket " + url, e);
        } finally {
            lock.unlock();
        }
    }

    private String text(WebSocketMessage m) {
        if (!m.isText()) {
            throw new AssertionError(
                    "Expected a text message on WebSocket " + url + " but got a binary one (" + m.size() + " bytes)");
        }
        return m.asText();
    }

    /** Messages that arrived and were not taken yet. */
    public int pendingMessages() {
        lock.lock();
        try {
            return inbox.size();
        } finally {
            lock.unlock();
        }
    }

    /** Waits (at most the default timeout) until the socket is closed, and says how. */
    public Close awaitClose() {
        return awaitClose(defaultTimeout);
    }

    /**
     * Waits at most {@code timeout} until the socket is closed (a close frame arrived, or the
     * connection went away), and says how.
     */
    public Close awaitClose(Duration timeout) {
        return waiting(() -> awaitCloseInner(timeout));
    }

    private Close awaitCloseInner(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (closed == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new PartyflareTimeoutError("Timed out after " + Waits.format(timeout)
                            + " waiting for WebSocket " + url + " to close"
                            + (closeSent ? " (this side sent a close frame; the server has not answered it)" : "")
                            + summaryLocked());
                }
                changed.awaitNanos(left);
            }
            return closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for WebSocket " + url + " to close", e);
        } finally {
            lock.unlock();
        }
    }

    /** How the socket closed, or empty while it is open. */
    public Optional<Close> closeInfo() {
        lock.lock();
        try {
            return Optional.ofNullable(closed);
        } finally {
            lock.unlock();
        }
    }

    /** True until either side closed (this side's close counts as soon as it is sent). */
    public boolean isOpen() {
        lock.lock();
        try {
            return closed == null && !closeSent;
        } finally {
            lock.unlock();
        }
    }

    /** Errors reported on this socket (the {@code error} event). */
    public List<String> errors() {
        lock.lock();
        try {
            return List.copyOf(errors);
        } finally {
            lock.unlock();
        }
    }

    /** Closes with 1000 and no reason, without waiting for the answer; does nothing if already closed. */
    @Override
    public void close() {
        close(1000, "");
    }

    /** Sends a close frame with {@code code} and {@code reason}, without waiting for the answer. */
    public void close(int code, String reason) {
        lock.lock();
        try {
            if (closeSent) {
                return;
            }
            closeSent = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        transport.sendClose(code, reason);
    }

    private String summaryLocked() {
        StringBuilder s = new StringBuilder(" (")
                .append(received)
                .append(received == 1 ? " message" : " messages")
                .append(" received before, all taken");
        if (closed == null) {
            s.append("; the socket is ").append(closeSent ? "closing" : "open");
        }
        if (!errors.isEmpty()) {
            s.append("; errors: ").append(errors);
        }
        return s.append(')').toString();
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "TestWebSocket[" + url + ", "
                    + (closed != null ? "closed " + closed : closeSent ? "closing" : "open") + ", " + inbox.size()
                    + " pending]";
        } finally {
            lock.unlock();
        }
    }
}
