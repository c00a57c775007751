package dev.partyflare.emulator.internal.http;

import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocket;
import dev.partyflare.emulator.internal.runtime.DurableRuntime;
import dev.partyflare.emulator.internal.websocket.WebSocketEnd;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.extensions.PerMessageDeflateHandshake;
import io.undertow.websockets.spi.WebSocketHttpExchange;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.xnio.Options;

/**
 * Serves a {@link DurableRuntime} over HTTP and WebSockets with Undertow. The I/O threads only
 * read requests and move frames; every request runs on its own virtual thread.
 */
public final class HttpFrontend implements AutoCloseable {
    private static final AttachmentKey<WebSocketEnd> CLIENT_END = AttachmentKey.create(WebSocketEnd.class);
    private static final Set<String> SKIPPED_RESPONSE_HEADERS =
            Set.of("content-length", "transfer-encoding", "connection", "upgrade", "sec-websocket-accept");
    static final String NOT_AN_UPGRADE =
            "Worker tried to return a WebSocket in a response to a request which did not contain the"
                    + " header \"Upgrade: websocket\".";

    private static final byte[] NO_BODY = new byte[0];

    private final DurableRuntime runtime;
    private final Listener listener;
    private final long maxWebSocketMessageBytes;
    private final long maxSendQueueBytes;
    private final long maxBufferedRequestBytes;
    /** Request body bytes held by requests in flight (read, or waiting for their reply). */
    private final java.util.concurrent.atomic.AtomicLong bufferedBodyBytes =
            new java.util.concurrent.atomic.AtomicLong();

    private final long maxRequestBodyBytes;
    private final java.util.concurrent.Executor requests =
            dev.partyflare.emulator.internal.exec.EventThreads.executor("partyflare-request");
    private final WebSocketProtocolHandshakeHandler handshake;
    private final Undertow server;
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
        this.maxRequestBodyBytes = maxRequestBodyBytes;
        this.maxBufferedRequestBytes = maxBufferedRequestBytes;
        this.handshake = new WebSocketProtocolHandshakeHandler(this::onWebSocketConnect, exchange -> {
            WebSocketEnd client = exchange.getAttachment(CLIENT_END);
            if (client != null) {
                client.networkDropped();
            }
            sendText(exchange, 400, "Bad Request: invalid WebSocket upgrade request");
        });
        this.handshake.addExtension(new PerMessageDeflateHandshake(false, 6));
        this.server = Undertow.builder()
                .addHttpListener(port, host)
                .setIoThreads(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .setWorkerThreads(4)
                // Replies are written from virtual threads: Undertow's per-thread buffer caches would give
                // every event thread its own cache (a finalizable ThreadLocalData, a scan of all of them,
                // and a freshly zeroed direct buffer); one shared pool (up to 1,024 buffers, 16 MiB) recycles them.
                .setByteBufferPool(new io.undertow.server.DefaultByteBufferPool(true, 16 * 1024 - 20, 1024, 0))
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 128 * 1024)
                .setServerOption(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
                .setSocketOption(Options.REUSE_ADDRESSES, true)
                // past this many open connections new ones wait in the accept backlog (instead of accept
                // failing with "too many open files" once the process's descriptors run out)
                .setSocketOption(Options.CONNECTION_HIGH_WATER, connectionLimit())
                .setSocketOption(Options.CONNECTION_LOW_WATER, connectionLimit() * 9 / 10)
                .setHandler(this::handle)
                .build();
        this.server.start();
        this.port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
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

    private void handle(HttpServerExchange exchange) {
        long start = System.nanoTime();
        long declared;
        try {
            declared = exchange.getRequestContentLength();
        } catch (NumberFormatException e) {
            sendText(exchange, 400, "Bad Request: invalid Content-Length");
            log(exchange, start);
            return;
        }
        if (declared > maxRequestBodyBytes) {
            tooLarge(exchange, start);
            return;
        }
        if (declared == 0 || (declared < 0 && !exchange.getRequestHeaders().contains(Headers.TRANSFER_ENCODING))) {
            exchange.dispatch(requests, () -> serve(exchange, NO_BODY, start)); // no body to read
            return;
        }
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream(0);
        boolean[] answered = {false};
        long[] held = {0}; // body bytes this request counts against the shared budget, until its exchange ends
        exchange.addExchangeCompleteListener((ex, next) -> {
            bufferedBodyBytes.addAndGet(-held[0]);
            held[0] = 0;
            next.proceed();
        });
        exchange.getRequestReceiver()
                .receivePartialBytes(
                        (ex, chunk, last) -> {
                            if (answered[0]) {
                                return; // the rest of a body already refused
                            }
                            if (body.size() + (long) chunk.length > maxRequestBodyBytes) {
                                answered[0] = true;
                                body.reset();
                                tooLarge(ex, start);
                                return;
                            }
                            long total = bufferedBodyBytes.addAndGet(chunk.length);
                            held[0] += chunk.length;
                            if (total > maxBufferedRequestBytes) {
                                answered[0] = true;
                                body.reset();
                                ex.setPersistent(false);
                                sendText(
                                        ex,
                                        503,
                                        "Service Unavailable: the requests in flight already hold "
                                                + (total - chunk.length)
                                                + " bytes of request bodies (limit " + maxBufferedRequestBytes
                                                + "); try again later");
                                log(ex, start);
                                return;
                            }
                            body.write(chunk, 0, chunk.length);
                            if (last) {
                                byte[] bytes = body.toByteArray();
                                ex.dispatch(requests, () -> serve(ex, bytes, start));
                            }
                        },
                        (ex, error) -> {
                            sendText(ex, 400, "Bad Request: " + error.getMessage());
                            log(ex, start);
                        });
    }

    private void tooLarge(HttpServerExchange ex, long start) {
        ex.setPersistent(false);
        sendText(ex, 413, "Payload Too Large: the request body is larger than " + maxRequestBodyBytes + " bytes");
        log(ex, start);
    }

    private static boolean isTooBig(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof RequestTooBigException
                    || (t.getMessage() != null && t.getMessage().contains("UT000020"))) {
                return true;
            }
        }
        return false;
    }

    private void serve(HttpServerExchange ex, byte[] body, long start) {
        Request request;
        try {
            request = toRequest(ex, body);
        } catch (IllegalArgumentException e) {
            sendText(ex, 400, "Bad Request: " + e.getMessage());
            log(ex, start);
            return;
        }
        Response response = runtime.fetch(request);
        if (response.webSocket().isPresent()) {
            upgrade(ex, request, response);
        } else {
            write(ex, request, response);
        }
        log(ex, start);
    }

    private void log(HttpServerExchange ex, long start) {
        if (listener != null) {
            listener.request(
                    ex.getRequestMethod().toString(),
                    ex.getRequestURI(),
                    ex.getStatusCode(),
                    System.nanoTime() - start);
        }
    }

    private static Request toRequest(HttpServerExchange ex, byte[] body) {
        StringBuilder url = new StringBuilder();
        url.append(ex.getRequestScheme())
                .append("://")
                .append(ex.getHostAndPort())
                .append(ex.getRequestURI());
        String q = ex.getQueryString();
        if (q != null && !q.isEmpty()) {
            url.append('?').append(q);
        }
        Request.Builder b = Request.builder(ex.getRequestMethod().toString(), url.toString());
        // as Cloudflare does: the client's address (the dev dashboard answers loopback clients only)
        if (ex.getSourceAddress() != null && ex.getSourceAddress().getAddress() != null) {
            b.header("cf-connecting-ip", ex.getSourceAddress().getAddress().getHostAddress());
        }
        for (HeaderValues values : ex.getRequestHeaders()) {
            String name = values.getHeaderName().toString();
            for (String v : values) {
                b.addHeader(name, v);
            }
        }
        return b.body(body).build();
    }

    private static void write(HttpServerExchange ex, Request request, Response response) {
        ex.setStatusCode(response.status());
        if (!response.statusText().isEmpty()) {
            ex.setReasonPhrase(response.statusText());
        }
        copyHeaders(ex, response);
        byte[] body = response.bytes();
        if (request.method().equals("HEAD") || response.status() == 204 || response.status() == 304) {
            ex.endExchange();
            return;
        }
        ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
        ex.getResponseSender().send(ByteBuffer.wrap(body));
    }

    private static void copyHeaders(HttpServerExchange ex, Response response) {
        response.headers().asMap().forEach((name, values) -> {
            if (!SKIPPED_RESPONSE_HEADERS.contains(name)) {
                ex.getResponseHeaders().addAll(new HttpString(name), values);
            }
        });
    }

    private void upgrade(HttpServerExchange ex, Request request, Response response) {
        WebSocket ws = response.webSocket().orElseThrow();
        if (!request.isWebSocketUpgrade()) {
            sendText(ex, 500, NOT_AN_UPGRADE);
            return;
        }
        if (!(ws instanceof WebSocketEnd client) || client.isAccepted()) {
            sendText(
                    ex,
                    500,
                    "The 101 response must carry the client end of a WebSocketPair that was not accepted:"
                            + " keep pair.server(), return pair.client().");
            return;
        }
        client.url(request.url());
        copyHeaders(ex, response);
        ex.putAttachment(CLIENT_END, client);
        try {
            handshake.handleRequest(ex);
        } catch (Exception e) {
            client.networkDropped();
            sendText(ex, 500, "WebSocket upgrade failed: " + e.getMessage());
        }
    }

    private void onWebSocketConnect(WebSocketHttpExchange wex, WebSocketChannel channel) {
        WebSocketEnd client = wex.getAttachment(CLIENT_END);
        String path = wex.getRequestURI();
        if (listener != null) {
            listener.webSocketOpened(path);
        }
        new UndertowWebSocketBridge(channel, client, maxWebSocketMessageBytes, maxSendQueueBytes, () -> {
                    if (listener != null) {
                        listener.webSocketClosed(path);
                    }
                })
                .start();
    }

    private static void sendText(HttpServerExchange ex, int status, String text) {
        if (ex.isResponseStarted()) {
            ex.endExchange();
            return;
        }
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain;charset=UTF-8");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, bytes.length);
        ex.getResponseSender().send(ByteBuffer.wrap(bytes));
    }

    /**
     * Stops the server. Undertow waits for its I/O threads, which code that spins on one (a class
     * without preemption polls) can hold for ever: after {@link #STOP_WAIT} it is left behind
     * (daemon threads) with a warning, so that closing never hangs.
     */
    @Override
    public void close() {
        Thread stopper =
                Thread.ofPlatform().daemon().name("partyflare-http-stop").start(server::stop);
        try {
            if (!stopper.join(STOP_WAIT)) {
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
