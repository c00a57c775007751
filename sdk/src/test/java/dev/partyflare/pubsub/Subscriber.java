package dev.partyflare.pubsub;

import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocket;
import dev.partyflare.emulator.Emulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process pub/sub client (no socket): connects through the emulator's Worker with a stable
 * {@code _pk}, records what it receives, and, as a client following the protocol does, reconnects
 * to the same URL at once when the server closes its connection (a move) and, with {@code ack},
 * acknowledges every message and drops the ids it has already seen.
 */
final class Subscriber {
    private static final int MAX_CONNECT_ATTEMPTS = 20;

    /** What a subscriber received: the message's data, its id (0 without ack) and topic. */
    record Got(String topic, String data, long id) {}

    final String id;
    final String path;
    final boolean ack;
    final boolean followMoves;
    private volatile Emulator emu;
    private volatile WebSocket ws;
    private final List<Got> received = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    final AtomicInteger moves = new AtomicInteger();
    final AtomicInteger connects = new AtomicInteger();
    private long lastId;
    private volatile boolean leaving;
    private volatile boolean disconnected;

    /**
     * @param path {@code /parties/<party>/<room>?topics=...} without {@code _pk}
     * @param followMoves reconnect at once when the server closes the connection; false: stay away
     *     until {@link #reconnect()}
     */
    Subscriber(Emulator emu, String path, String id, boolean ack, boolean followMoves) {
        this.emu = emu;
        this.path = path;
        this.id = id;
        this.ack = ack;
        this.followMoves = followMoves;
        connect();
    }

    private String url() {
        return "http://localhost" + path + (path.contains("?") ? "&" : "?") + "_pk=" + id + (ack ? "&ack=1" : "");
    }

    private void connect() {
        RuntimeException last = null;
        for (int attempt = 0; attempt < MAX_CONNECT_ATTEMPTS; attempt++) {
            try {
                Response r = emu.fetch(Request.builder("GET", url())
                        .header("upgrade", "websocket")
                        .build());
                if (r.status() != 101) {
                    throw new IllegalStateException(r.status() + " " + r.text());
                }
                WebSocket socket = r.webSocket().orElseThrow();
                ws = socket;
                disconnected = false;
                socket.onMessage(m -> onMessage(socket, m.asText()));
                socket.onClose(e -> onClose(socket));
                socket.accept();
                connects.incrementAndGet();
                return;
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new IllegalStateException("Subscriber " + id + " could not connect", last);
    }

    private void onMessage(WebSocket socket, String text) {
        Map<?, ?> m = dev.partyflare.durable.Json.parse(text, Map.class);
        if (m.containsKey("__move")) {
            moves.incrementAndGet();
            return;
        }
        if (m.containsKey("error")) {
            synchronized (this) {
                errors.add(String.valueOf(m.get("error")));
            }
            return;
        }
        long messageId = m.get("id") instanceof Number n ? n.longValue() : 0;
        synchronized (this) {
            if (ack) {
                if (messageId <= lastId) {
                    sendQuietly(socket, "{\"__ack\":" + messageId + "}");
                    return; // delivered again (reconnect, restart): seen already
                }
                lastId = messageId;
            }
            received.add(new Got(String.valueOf(m.get("topic")), String.valueOf(m.get("data")), messageId));
            seen.add(String.valueOf(m.get("data")));
        }
        if (ack) {
            sendQuietly(socket, "{\"__ack\":" + messageId + "}");
        }
    }

    private static void sendQuietly(WebSocket socket, String text) {
        try {
            socket.send(text);
        } catch (IllegalStateException e) {
            // closed meanwhile (it left, or was moved): the message stays unacknowledged
        }
    }

    private void onClose(WebSocket socket) {
        if (socket != ws) {
            return;
        }
        disconnected = true;
        if (leaving || !followMoves) {
            return;
        }
        try {
            connect();
        } catch (RuntimeException e) {
            // the emulator stopped (a restart in a test): the test reconnects
        }
    }

    void publish(String topic, String data) {
        ws.send("{\"topic\":\"" + topic + "\",\"data\":\"" + data + "\"}");
    }

    void send(String text) {
        ws.send(text);
    }

    /** Leaves for good (closes its connection). */
    void leave() {
        leaving = true;
        ws.close(1000, "bye");
    }

    /** Connects again (after a restart of the emulator, or a plain client coming back). */
    void reconnect(Emulator emulator) {
        this.emu = emulator;
        connect();
    }

    void reconnect() {
        connect();
    }

    boolean isDisconnected() {
        return disconnected;
    }

    synchronized List<Got> received() {
        return new ArrayList<>(received);
    }

    /** Whether a message with this data has arrived (without copying what it received). */
    boolean has(String data) {
        return seen.contains(data);
    }

    synchronized List<String> data() {
        return received.stream().map(Got::data).toList();
    }

    synchronized int count() {
        return received.size();
    }

    synchronized List<String> errors() {
        return new ArrayList<>(errors);
    }

    @Override
    public String toString() {
        return "Subscriber " + id + " (" + count() + " received, " + moves + " moves, " + connects + " connects)";
    }
}
