package dev.partyflare.emulator.internal.http;

import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocket;
import dev.partyflare.emulator.internal.exec.Abandonment;
import dev.partyflare.emulator.internal.runtime.DurableRuntime;
import dev.partyflare.emulator.internal.runtime.ErrorResponses;
import dev.partyflare.emulator.internal.websocket.WebSocketEnd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves a {@link DurableRuntime} over HTTP/1.1 and WebSockets, with workerd's behaviour on the
 * wire: its request parsing and its answers to malformed requests ({@link HttpHead}, {@link
 * RequestBody}), its response heads ({@link HttpWire}), its WebSocket handshake ({@link
 * WebSocketHandshake}) and frame rules ({@link FrameDecoder}). The I/O threads (XNIO, see {@link
 * WireServer}) only read requests and move frames; every request runs on its own virtual thread,
 * scheduled on the I/O thread that read it.
 */
public final class HttpFrontend implements AutoCloseable {
    static final String NOT_AN_UPGRADE =
            "Worker tried to return a WebSocket in a response to a request which did not contain the"
                    + " header \"Upgrade: websocket\".";

    private final DurableRuntime runtime;
    private final Listener listener;
    private final long maxWebSocketMessageBytes;
    private final long maxSendQueueBytes;
    private final WireServer server;
    private final int port;

    /** Observes traffic, e.g. for the dev server's request log. */
    public interface Listener {
        void request(String method, String path, int status, long nanos);

        default void webSocketOpened(String path) {}

        default void webSocketClosed(String path) {}
    }

    public HttpFrontend(
            DurableRuntime runtime,
            String host,
            int port,
            long maxRequestBodyBytes,
            long maxBufferedRequestBytes,
            long maxWebSocketMessageBytes,
            long maxSendQueueBytes,
            Listener listener) {
        this.runtime = runtime;
        this.maxSendQueueBytes = maxSendQueueBytes;
        this.listener = listener;
        this.maxWebSocketMessageBytes = maxWebSocketMessageBytes;
        // what every connection uses names the server, so it is made between the socket's bind and the
        // first accept: a client that connects as soon as the port listens (a readiness poll) is served
        HttpConnection.Settings[] settings = new HttpConnection.Settings[1];
        try {
            this.server = new WireServer(
                    host,
                    port,
                    Math.max(2, Runtime.getRuntime().availableProcessors()),
                    connectionLimit(),
                    connection -> {
                        HttpConnection c = new HttpConnection(connection, settings[0], queuedWrites);
                        connection.getIoThread().execute(c::start);
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        settings[0] = new HttpConnection.Settings(
                this::serve,
                dev.partyflare.emulator.internal.exec.EventThreads.executor("partyflare-request"),
                maxRequestBodyBytes,
                maxBufferedRequestBytes,
                new AtomicLong(),
                server);
        server.start();
        this.port = server.port();
    }

    public int port() {
        return port;
    }

    /** Open connections at most: nine tenths of the process's file descriptors (50,000 if unknown). */
    static int connectionLimit() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long fds = unix.getMaxFileDescriptorCount();
            if (fds > 0) {
                return (int) Math.max(64, Math.min(Integer.MAX_VALUE, fds * 9 / 10));
            }
        }
        return 50_000;
    }

    // ---- a request (on its virtual thread)

    private void serve(HttpConnection c, HttpHead.Request head, byte[] body, long start) {
        String path = pathOf(head.target());
        String host = head.header("host");
        if (host == null || host.isEmpty()) {
            c.respond(false, ByteBuffer.wrap(HttpWire.NO_HOST)); // workerd's own answer; not the Worker's
            log(head.method(), path, 400, start);
            return;
        }
        Request request;
        try {
            request = toRequest(c, head, host, body);
        } catch (IllegalArgumentException e) {
            // workerd cannot make a URL (a target that is not a path, a bad Host) or headers of it: its 500
            c.respond(true, ByteBuffer.wrap(HttpWire.INTERNAL_ERROR));
            log(head.method(), path, 500, start);
            return;
        }
        // the request's Worker and the objects it calls run on this thread; should one of them spin where
        // the watchdog cannot stop it, the client still gets the answer the Worker would have given
        java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
        Response response;
        Abandonment.Watch watch = Abandonment.watch(reason -> {
            if (answered.compareAndSet(false, true)) {
                // (the watchdog has reported the stuck thread, with its stack)
                int abandoned = write(c, head, ErrorResponses.internalError(reason), true);
                log(head.method(), path, abandoned, start);
            }
        });
        try {
            response = runtime.fetch(request);
        } finally {
            watch.close();
        }
        if (!answered.compareAndSet(false, true)) {
            return; // answered for it while it was stuck
        }
        int status;
        if (response.webSocket().isPresent()) {
            status = upgrade(c, head, request, response);
        } else {
            status = write(c, head, response);
        }
        log(head.method(), path, status, start);
    }

    private static String pathOf(String target) {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    private void log(String method, String path, int status, long start) {
        if (listener != null) {
            listener.request(method, path, status, System.nanoTime() - start);
        }
    }

    private static Request toRequest(HttpConnection c, HttpHead.Request head, String host, byte[] body) {
        Request.Builder b = Request.builder(head.method(), "http://" + host + RequestTarget.normalize(head.target()));
        // as Cloudflare does: the client's address (the dev dashboard answers loopback clients only)
        String ip = c.peerIp();
        if (ip != null) {
            b.header("cf-connecting-ip", ip);
        }
        List<String> names = head.names();
        List<String> values = head.values();
        for (int i = 0; i < names.size(); i++) {
            b.addHeader(names.get(i), values.get(i));
        }
        return b.body(body).build();
    }

    /** Writes a Worker's response as workerd does; returns its status. */
    private static int write(HttpConnection c, HttpHead.Request head, Response response) {
        return write(c, head, response, false);
    }

    /**
     * Writes a response; {@code abandoned}: for a request whose thread is stuck (perhaps holding this
     * connection's I/O thread), written from the calling thread and the connection closed after it.
     */
    private static int write(HttpConnection c, HttpHead.Request head, Response response, boolean abandoned) {
        int status = response.status();
        String text = response.statusText().isEmpty() ? HttpWire.statusText(status) : response.statusText();
        boolean noBody = head.method().equals("HEAD") || status == 204 || status == 205 || status == 304;
        byte[] body = noBody ? HttpConnection.NO_BODY : response.bytes();
        // the head writes these in the table's order and spelling; lower case, so no lower-casing per response
        Map<String, String> own;
        if (noBody) {
            own = abandoned ? Map.of("connection", "close") : Map.of();
        } else {
            String length = Integer.toString(body.length);
            own = abandoned
                    ? Map.of("connection", "close", "content-length", length)
                    : Map.of("content-length", length);
        }
        ByteBuffer headBytes = HttpWire.head(status, text, own, response.headers());
        ByteBuffer[] buffers =
                body.length == 0 ? new ByteBuffer[] {headBytes} : new ByteBuffer[] {headBytes, ByteBuffer.wrap(body)};
        if (abandoned) {
            c.respondNow(buffers);
        } else {
            c.respond(false, buffers);
        }
        return status;
    }

    /** Plain-text answers of the emulator's own (limits), as a complete response. */
    static byte[] plainText(int status, String text, boolean close) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + HttpWire.statusText(status) + "\r\n"
                + (close ? "Connection: close\r\n" : "")
                + "Content-Length: " + body.length + "\r\nContent-Type: text/plain;charset=UTF-8\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = java.util.Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /**
     * Completes a WebSocket handshake as workerd's {@code acceptWebSocket} does, or refuses it with
     * its answer; returns the status sent.
     */
    private int upgrade(HttpConnection c, HttpHead.Request head, Request request, Response response) {
        WebSocket ws = response.webSocket().orElseThrow();
        if (!request.isWebSocketUpgrade()) {
            c.respond(false, ByteBuffer.wrap(plainText(500, NOT_AN_UPGRADE, false)));
            return 500;
        }
        if (!(ws instanceof WebSocketEnd client) || client.isAccepted()) {
            c.respond(
                    false,
                    ByteBuffer.wrap(plainText(
                            500,
                            "The 101 response must carry the client end of a WebSocketPair that was not accepted:"
                                    + " keep pair.server(), return pair.client().",
                            false)));
            return 500;
        }
        if (!head.method().equals("GET")) {
            client.networkDropped(); // kj: "WebSocket must be initiated with a GET request."
            c.respond(true, ByteBuffer.wrap(HttpWire.INTERNAL_ERROR));
            return 500;
        }
        if (!"13".equals(head.header("sec-websocket-version"))) {
            client.networkDropped();
            c.respond(
                    true,
                    ByteBuffer.wrap(HttpWire.refusal(new HttpHead.Refusal(
                            400, "Bad Request", "The requested WebSocket version is not supported."))));
            return 400;
        }
        String key = head.header("sec-websocket-key");
        if (key == null) {
            client.networkDropped();
            c.respond(
                    true,
                    ByteBuffer.wrap(
                            HttpWire.refusal(new HttpHead.Refusal(400, "Bad Request", "Missing Sec-WebSocket-Key"))));
            return 400;
        }
        WebSocketHandshake.Deflate deflate = WebSocketHandshake.negotiate(head.header("sec-websocket-extensions"));
        // lower case, as the head looks them up; it writes them in the table's order and spelling
        Map<String, String> own = new LinkedHashMap<>();
        own.put("connection", "Upgrade");
        own.put("upgrade", "websocket");
        own.put("sec-websocket-accept", WebSocketHandshake.accept(key));
        if (deflate != null) {
            own.put("sec-websocket-extensions", deflate.response());
        }
        ByteBuffer answer = HttpWire.head(101, "Switching Protocols", own, response.headers());

        client.url(request.url());
        String path = pathOf(head.target());
        if (listener != null) {
            listener.webSocketOpened(path);
        }
        WebSocketConnection socket =
                new WebSocketConnection(c, client, deflate, maxWebSocketMessageBytes, maxSendQueueBytes, () -> {
                    if (listener != null) {
                        listener.webSocketClosed(path);
                    }
                });
        c.upgrade(answer, socket::start);
        socket.adopt();
        return 101;
    }

    /** Sends queued on this server's connections and not written yet. */
    private final java.util.concurrent.atomic.AtomicInteger queuedWrites =
            new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Waits (at most {@code timeout}) until everything queued on this server's connections is written
     * (or failed): e.g. the close frames of a shutdown, before the connections are closed. False on
     * timeout.
     */
    public boolean awaitWritten(java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (queuedWrites.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            // the I/O threads write; this only watches their progress (bounded, real time)
            java.util.concurrent.locks.LockSupport.parkNanos(200_000L);
        }
        return true;
    }

    /**
     * Stops the server. The I/O threads are waited for, which code that spins on one (a class
     * without preemption polls) can hold for ever: after {@link #STOP_WAIT} they are left behind
     * with a warning, so that closing never hangs.
     */
    @Override
    public void close() {
        try {
            if (!server.stop(STOP_WAIT.toMillis())) {
                System.getLogger("dev.partyflare.http")
                        .log(
                                System.Logger.Level.WARNING,
                                "The HTTP server on port " + port + " did not stop within " + STOP_WAIT.toSeconds()
                                        + " s: an I/O thread is still busy (code that spins without preemption"
                                        + " polls?); leaving it behind");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final java.time.Duration STOP_WAIT = java.time.Duration.ofSeconds(5);
}
