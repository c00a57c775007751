package dev.partyflare.client;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A client of a partyflare server, as JS's {@code partysocket}: connects to {@code
 * ws://host/parties/<party>/<room>?_pk=<id>}, keeps its id across reconnects, reconnects after an
 * unexpected close with a delay that grows ×1.3 (from about 3 s to at most 10 s by default), and
 * queues messages sent while disconnected.
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
    private WebSocket ws;
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
        HTTP.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri(), new Listener())
                .whenComplete((socket, error) -> {
                    if (error != null) {
                        scheduleReconnect();
                        return;
                    }
                    synchronized (this) {
                        if (closedByUser) {
                            socket.abort();
                            return;
                        }
                        ws = socket;
                        attempts++;
                        nextDelay = options.minDelay;
                        while (!queued.isEmpty()) {
                            sendNow(queued.poll());
                        }
                    }
                    options.onOpen.accept(this);
                });
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
            sendNow(message);
        }
    }

    private void sendNow(Object message) {
        if (message instanceof String s) {
            ws.sendText(s, true).join();
        } else {
            ws.sendBinary(ByteBuffer.wrap((byte[]) message), true).join();
        }
    }

    /** Closes for good (no reconnect). */
    @Override
    public void close() {
        WebSocket current;
        synchronized (this) {
            closedByUser = true;
            current = ws;
            ws = null;
        }
        if (current != null) {
            current.sendClose(1000, "")
                    .orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(e -> null)
                    .join();
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

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String s = text.toString();
                text.setLength(0);
                options.onMessage.accept(s);
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                byte[] all = binary.toByteArray();
                binary.reset();
                options.onBinary.accept(all);
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
            options.onClose.accept(new Close(code, reason));
            scheduleReconnect();
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            options.onClose.accept(new Close(1006, String.valueOf(error.getMessage())));
            scheduleReconnect();
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
