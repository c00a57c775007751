package dev.partyflare.client;

import dev.partyflare.emulator.client.WsClient;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A client of a partyflare server, as JS's {@code partysocket}: connects to {@code
 * ws://host/parties/<party>/<room>?_pk=<id>}, keeps its id across reconnects, reconnects after an
 * unexpected close with a delay that grows ×1.3 (from about 3 s to at most 10 s by default), and
 * queues messages sent while disconnected.
 *
 * <p>It runs on partyflare's raw WebSocket client ({@link WsClient}), which reads its socket on a
 * thread of its own and reports every close frame, and the end of the connection without one as
 * 1006, as they reach the wire (java.net.http's client sometimes missed a server's FIN under load,
 * leaving a socket that never reconnects).
 */
public final class PartySocket implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Builder options;
    private final String id;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "partysocket");
        t.setDaemon(true);
        return t;
    });
    private final ArrayDeque<Object> queued = new ArrayDeque<>();
    private WsClient ws;
    /** Completed when the reader of the current connection has seen its end. */
    private java.util.concurrent.CompletableFuture<Void> ended =
            java.util.concurrent.CompletableFuture.completedFuture(null);

    private boolean closedByUser;
    private int attempts;
    private Duration nextDelay;

    private PartySocket(Builder b) {
        this.options = b;
        this.id = b.id != null ? b.id : randomId();
        this.nextDelay = b.minDelay;
    }

    public static Builder builder(String host) {
        return new Builder(host);
    }

    /** The connection id ({@code _pk}), stable across reconnects. */
    public String id() {
        return id;
    }

    /** How many times this socket (re)connected. */
    public synchronized int connections() {
        return attempts;
    }

    /** The WebSocket URL. */
    public URI uri() {
        return URI.create((options.secure ? "wss://" : "ws://") + options.host + path() + "?" + query(true));
    }

    private String path() {
        String p = "/" + options.prefix + "/" + enc(options.party) + "/" + enc(options.room);
        return options.path == null ? p : p + "/" + options.path.replaceAll("^/+", "");
    }

    private String query(boolean withId) {
        StringBuilder q = new StringBuilder();
        if (withId) {
            q.append("_pk=").append(enc(id));
        }
        options.query.forEach((k, v) -> {
            if (!q.isEmpty()) {
                q.append('&');
            }
            q.append(enc(k)).append('=').append(enc(v));
        });
        return q.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String randomId() {
        String alphabet = "useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 21; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(64)));
        }
        return sb.toString();
    }

    private void open() {
        Thread.ofVirtual().name("partysocket-" + id).start(this::connectAndRead);
    }

    /** Connects, then delivers what arrives until the connection ends; then a reconnect is scheduled. */
    private void connectAndRead() {
        WsClient socket;
        try {
            URI u = uri();
            socket = WsClient.connect(u, u.getRawPath() + "?" + u.getRawQuery());
        } catch (IOException | RuntimeException e) {
            scheduleReconnect();
            return;
        }
        synchronized (this) {
            if (closedByUser) {
                socket.abort();
                return;
            }
            ws = socket;
            ended = new java.util.concurrent.CompletableFuture<>();
            attempts++;
            nextDelay = options.minDelay;
            try {
                while (!queued.isEmpty()) {
                    sendNow(queued.peek());
                    queued.poll();
                }
            } catch (IOException e) {
                // the reader below sees the connection end and reconnects; the rest stays queued
            }
        }
        java.util.concurrent.CompletableFuture<Void> done;
        synchronized (this) {
            done = ended;
        }
        options.onOpen.accept(this);
        try {
            while (true) {
                WsClient.Frame f = socket.next(Duration.ofDays(1));
                if (f == null) {
                    continue;
                }
                switch (f.kind()) {
                    case "text" -> options.onMessage.accept(f.text());
                    case "binary" -> options.onBinary.accept(f.bytes());
                    case "close", "eof" -> {
                        socket.close();
                        options.onClose.accept(new Close(f.code(), f.reason() == null ? "" : f.reason()));
                        scheduleReconnect(); // nothing when closed by the user
                        return;
                    }
                    default -> {} // pongs
                }
            }
        } catch (InterruptedException e) {
            socket.abort();
        } finally {
            done.complete(null);
        }
    }

    private synchronized void scheduleReconnect() {
        if (closedByUser) {
            return;
        }
        ws = null;
        Duration delay = nextDelay;
        long grown = (long) (nextDelay.toMillis() * options.growFactor);
        nextDelay = Duration.ofMillis(Math.min(grown, options.maxDelay.toMillis()));
        scheduler.schedule(this::open, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The delay before the next reconnect attempt. */
    public synchronized Duration nextReconnectDelay() {
        return nextDelay;
    }

    public void send(String text) {
        sendOrQueue(text);
    }

    public void send(byte[] bytes) {
        sendOrQueue(bytes.clone());
    }

    private synchronized void sendOrQueue(Object message) {
        if (closedByUser) {
            throw new IllegalStateException("This PartySocket was closed");
        }
        if (ws == null) {
            queued.add(message);
        } else {
            try {
                sendNow(message);
            } catch (IOException e) {
                queued.add(message); // the connection is ending: sent again after the reconnect
            }
        }
    }

    private void sendNow(Object message) throws IOException {
        if (message instanceof String s) {
            ws.sendText(s);
        } else {
            ws.sendBinary((byte[]) message);
        }
    }

    /** Closes for good (no reconnect). */
    @Override
    public void close() {
        WsClient current;
        java.util.concurrent.CompletableFuture<Void> done;
        synchronized (this) {
            closedByUser = true;
            current = ws;
            done = ended;
            ws = null;
        }
        if (current != null) {
            try {
                current.sendClose(1000, "");
                done.get(5, TimeUnit.SECONDS); // the server's answering close, seen by the reader
            } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // gone or not answering: closed below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            current.close(); // the reader sees the end and stops
        }
        scheduler.shutdownNow();
    }

    /** {@code PartySocket.fetch}: an HTTP request to the same room (without {@code _pk}). */
    public static HttpResponse<String> fetch(String host, String party, String room, HttpRequest.Builder request) {
        try {
            URI uri = URI.create("http://" + host + "/parties/" + enc(party) + "/" + enc(room));
            return HTTP.send(request.uri(uri).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A close as the client saw it. */
    public record Close(int code, String reason) {}

    /** Builder of a {@link PartySocket}. */
    public static final class Builder {
        private final String host;
        private String party = "main";
        private String room = "default";
        private String prefix = "parties";
        private String path;
        private String id;
        private boolean secure;
        private final Map<String, String> query = new LinkedHashMap<>();
        private Duration minDelay = Duration.ofMillis(3000);
        private Duration maxDelay = Duration.ofSeconds(10);
        private double growFactor = 1.3;
        private Consumer<String> onMessage = m -> {};
        private Consumer<byte[]> onBinary = m -> {};
        private Consumer<PartySocket> onOpen = s -> {};
        private Consumer<Close> onClose = c -> {};

        private Builder(String host) {
            this.host = host;
        }

        public Builder party(String p) {
            this.party = p;
            return this;
        }

        public Builder room(String r) {
            this.room = r;
            return this;
        }

        public Builder prefix(String p) {
            this.prefix = p;
            return this;
        }

        public Builder path(String p) {
            this.path = p;
            return this;
        }

        /** A fixed connection id (default: a random nanoid, kept across reconnects). */
        public Builder id(String i) {
            this.id = i;
            return this;
        }

        public Builder secure(boolean s) {
            this.secure = s;
            return this;
        }

        public Builder query(String key, String value) {
            query.put(key, value);
            return this;
        }

        /** Reconnect delays: start at {@code min}, grow by {@code factor}, cap at {@code max}. */
        public Builder reconnect(Duration min, Duration max, double factor) {
            this.minDelay = min;
            this.maxDelay = max;
            this.growFactor = factor;
            return this;
        }

        public Builder onMessage(Consumer<String> l) {
            this.onMessage = l;
            return this;
        }

        public Builder onBinary(Consumer<byte[]> l) {
            this.onBinary = l;
            return this;
        }

        public Builder onOpen(Consumer<PartySocket> l) {
            this.onOpen = l;
            return this;
        }

        public Builder onClose(Consumer<Close> l) {
            this.onClose = l;
            return this;
        }

        /** Connects (asynchronously; messages sent before the socket opens are queued). */
        public PartySocket connect() {
            PartySocket s = new PartySocket(this);
            s.open();
            return s;
        }
    }
}
