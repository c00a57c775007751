package dev.partyflare.cli;

import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocket;
import dev.partyflare.durable.WebSocketPair;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.Subscription;
import dev.partyflare.emulator.TimelineEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dashboard's push channel ({@code /api/v1/live}, a WebSocket): timeline events, requests and the
 * server's own events as they happen. Listeners only queue (they run on the threads that serve the
 * project); a virtual thread sends what queued, in batches, every 100 ms.
 */
final class LiveChannel {
    /** Items kept for a slow client; past this the oldest go and the client is told to reload. */
    static final int MAX_QUEUED = 20_000;

    private final WebSocket socket;
    private final ConcurrentLinkedQueue<Object[]> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean dropped;
    private volatile Runnable stop = () -> {};

    private LiveChannel(WebSocket socket) {
        this.socket = socket;
    }

    static Response open(Emulator emulator, RequestJournal journal, EventLog log) {
        WebSocketPair pair = new WebSocketPair();
        WebSocket server = pair.server();
        server.accept();
        LiveChannel channel = new LiveChannel(server);
        Subscription timeline = emulator.subscribeTimeline(e -> channel.offer("timeline", e));
        Runnable requests = journal.subscribe(r -> channel.offer("requests", r));
        Runnable server_ = log.subscribe(e -> channel.offer("log", e));
        Runnable stop = () -> {
            if (channel.closed.compareAndSet(false, true)) {
                timeline.close();
                requests.run();
                server_.run();
            }
        };
        channel.stop = stop;
        server.onMessage(m -> {}); // the client only listens
        server.onClose(c -> {
            stop.run();
            try {
                server.close(1000, "");
            } catch (RuntimeException e) {
                // already closed
            }
        });
        server.onError(e -> stop.run());
        Thread.ofVirtual().name("partyflare-dashboard-live").start(channel::pump);
        channel.send(Map.of("type", "hello", "time", System.currentTimeMillis()));
        return Response.webSocket(pair.client());
    }

    private void offer(String kind, Object item) {
        if (queued.incrementAndGet() > MAX_QUEUED) {
            if (queue.poll() != null) {
                queued.decrementAndGet();
            }
            dropped = true;
        }
        queue.add(new Object[] {kind, item});
    }

    private void pump() {
        try {
            while (!closed.get()) {
                Thread.sleep(100);
                if (queue.isEmpty() && !dropped) {
                    continue;
                }
                List<Object> timeline = new ArrayList<>();
                List<Object> requests = new ArrayList<>();
                List<Object> log = new ArrayList<>();
                Object[] item;
                while ((item = queue.poll()) != null) {
                    queued.decrementAndGet();
                    switch ((String) item[0]) {
                        case "timeline" -> timeline.add(AdminApi.eventJson((TimelineEvent) item[1]));
                        case "requests" -> requests.add(item[1]);
                        default -> log.add(item[1]);
                    }
                }
                Map<String, Object> batch = new LinkedHashMap<>();
                batch.put("type", "batch");
                batch.put("timeline", timeline);
                batch.put("requests", requests);
                batch.put("log", log);
                if (dropped) {
                    dropped = false;
                    batch.put("dropped", true); // the client missed some: it reloads what it shows
                }
                send(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(Map<String, Object> message) {
        try {
            socket.send(AdminApi.toJsonText(message));
        } catch (RuntimeException e) {
            stop.run(); // the client went away
        }
    }
}
