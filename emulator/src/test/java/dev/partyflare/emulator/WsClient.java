package dev.partyflare.emulator;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client (java.net.http) that records what it receives, for wire tests. */
final class WsClient implements AutoCloseable {
    sealed interface Event {}

    record Text(String text) implements Event {}

    record Binary(byte[] bytes) implements Event {}

    record Closed(int code, String reason) implements Event {}

    record Failed(Throwable error) implements Event {}

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final WebSocket ws;

    private WsClient(WebSocket ws) {
        this.ws = ws;
    }

    static WsClient connect(String url) {
        WsClient[] holder = new WsClient[1];
        BlockingQueue<Event> q = new LinkedBlockingQueue<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            final StringBuilder text = new StringBuilder();
            final ByteArrayOutputStream bin = new ByteArrayOutputStream();

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    q.add(new Text(text.toString()));
                    text.setLength(0);
                }
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                bin.writeBytes(b);
                if (last) {
                    q.add(new Binary(bin.toByteArray()));
                    bin.reset();
                }
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                q.add(new Closed(code, reason));
                return new CompletableFuture<>(); // do not answer the close automatically
            }

            @Override
            public void onError(WebSocket w, Throwable error) {
                q.add(new Failed(error));
            }
        };
        WebSocket ws = HTTP.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(url), listener)
                .join();
        WsClient c = new WsClient(ws);
        holder[0] = c;
        // move events recorded by the listener into the client's queue
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    c.events.add(q.take());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return c;
    }

    void send(String text) {
        ws.sendText(text, true).join();
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
