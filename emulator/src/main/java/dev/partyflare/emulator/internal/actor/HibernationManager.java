package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.durable.WebSocketRequestResponsePair;
import dev.partyflare.emulator.internal.websocket.HibernationTarget;
import dev.partyflare.emulator.internal.websocket.WebSocketEnd;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps every object's hibernatable WebSockets (workerd's {@code HibernationManager}): they belong
 * to the runtime, not to an instance, so they stay connected while the object hibernates, and
 * their events wake it (a new instance) when they arrive.
 */
public final class HibernationManager {
    static final int MAX_TAGS = 10;
    static final int MAX_TAG_BYTES = 256;
    static final int MAX_SOCKETS = 32_768;
    static final long MAX_EVENT_TIMEOUT = 604_800_000L;

    private final ActorNamespace namespace;
    private final Map<String, Sockets> byObject = new ConcurrentHashMap<>();

    HibernationManager(ActorNamespace namespace) {
        this.namespace = namespace;
    }

    /** The hibernatable sockets of one object, created on first use. */
    Sockets of(DurableObjectId id) {
        return byObject.computeIfAbsent(id.toString(), k -> new Sockets(id));
    }

    /** The sockets of an object, or null when it has none. */
    Sockets existing(DurableObjectId id) {
        return byObject.get(id.toString());
    }

    Map<String, Sockets> all() {
        return byObject;
    }

    /** Total open hibernatable sockets (for inspection). */
    public int openSockets() {
        int n = 0;
        for (Sockets s : byObject.values()) {
            n += s.sockets.size();
        }
        return n;
    }

    static List<String> validateTags(List<String> tags) {
        if (tags == null) {
            throw new IllegalArgumentException("acceptWebSocket() takes a list of tags, not null");
        }
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (String t : tags) {
            if (t == null) {
                throw new IllegalArgumentException("A WebSocket tag must be a string, not null");
            }
            unique.add(t);
        }
        if (unique.size() > MAX_TAGS) {
            throw new IllegalArgumentException("a Hibernatable WebSocket cannot have more than 10 tags");
        }
        for (String t : unique) {
            if (t.getBytes(StandardCharsets.UTF_8).length > MAX_TAG_BYTES) {
                throw new IllegalArgumentException("\"" + t + "\" is longer than the max tag length (256 characters).");
            }
        }
        return List.copyOf(unique);
    }

    /** One object's hibernatable sockets, and the settings that live with them. */
    final class Sockets implements HibernationTarget {
        private final DurableObjectId id;
        private final List<WebSocketEnd> sockets = new CopyOnWriteArrayList<>();
        /** Ended sockets whose network connection stays open until the object hibernates (as workerd). */
        private final java.util.Set<WebSocketEnd> lingering = ConcurrentHashMap.newKeySet();

        private volatile WebSocketRequestResponsePair autoResponse;
        private volatile long eventTimeoutMillis;
        private final Timeline.Log log;

        Sockets(DurableObjectId id) {
            this.id = id;
            this.log = namespace.services().timeline().log(namespace, id);
        }

        DurableObjectId id() {
            return id;
        }

        private Timeline timeline() {
            return namespace.services().timeline();
        }

        @Override
        public boolean closeReasonByteLimit() {
            return namespace.services().webSocketCloseReasonByteLimit();
        }

        @Override
        public int backlog() {
            Actor a = namespace.liveActor(id);
            return a == null ? 0 : a.gate().queued();
        }

        @Override
        public dev.partyflare.emulator.internal.exec.OutputGate outputGate() {
            Actor a = namespace.liveActor(id);
            return a == null ? null : a.outputGate();
        }

        void accept(WebSocketEnd ws, List<String> tags) {
            List<String> valid = validateTags(tags);
            if (sockets.size() >= MAX_SOCKETS) {
                throw new IllegalStateException(
                        "only 32768 websockets can be accepted on a single Durable Object instance");
            }
            ws.acceptHibernatable(this, valid, namespace.services().attachmentLimit());
            sockets.add(ws);
            timeline()
                    .record(
                            log,
                            dev.partyflare.emulator.TimelineEvent.Kind.SOCKET_OPEN,
                            "hibernatable",
                            String.join("\u0000", valid),
                            ws.id(),
                            0);
        }

        List<WebSocketEnd> open(String tag) {
            List<WebSocketEnd> out = new ArrayList<>();
            for (WebSocketEnd ws : sockets) {
                if (!ws.isClosedForEvents() && (tag == null || ws.tags().contains(tag))) {
                    out.add(ws);
                }
            }
            return out;
        }

        int size() {
            return sockets.size();
        }

        void setAutoResponse(WebSocketRequestResponsePair pair) {
            autoResponse = pair;
        }

        WebSocketRequestResponsePair autoResponse() {
            return autoResponse;
        }

        void eventTimeout(long millis) {
            if (millis < 0 || millis > MAX_EVENT_TIMEOUT) {
                throw new IllegalArgumentException("Event timeout should not exceed 604800000 ms.");
            }
            eventTimeoutMillis = millis;
        }

        long eventTimeout() {
            return eventTimeoutMillis;
        }

        /**
         * The object hibernated (or was evicted): network connections kept open after their socket
         * ended (a protocol error, a client's close the code did not answer) are closed now.
         */
        void hibernated() {
            for (WebSocketEnd ws : sockets) {
                if (ws.isClosedForEvents()) {
                    ws.objectHibernated();
                }
            }
            for (WebSocketEnd ws : lingering) {
                ws.objectHibernated();
            }
            lingering.clear();
        }

        /** Drops every socket without a close frame (the object was reset). */
        void dropAll() {
            for (WebSocketEnd ws : sockets) {
                ws.drop();
            }
            sockets.clear();
            for (WebSocketEnd ws : lingering) {
                ws.objectHibernated();
            }
            lingering.clear();
            byObject.remove(id.toString(), this);
        }

        @Override
        public void message(WebSocketEnd ws, WebSocketMessage message) {
            timeline().socketMessage(log, ws.id(), message);
            Journal journal = namespace.services().journal();
            if (journal != null) {
                journal.message(namespace, id, ws.id(), message);
            }
            namespace.dispatchToInstance(
                    id, "webSocketMessage", obj -> obj.webSocketMessage(ws, message), eventTimeoutMillis);
        }

        @Override
        public void close(WebSocketEnd ws, int code, String reason, boolean wasClean) {
            timeline().socketClose(log, ws.id(), code, reason, wasClean);
            namespace.dispatchToInstance(
                    id, "webSocketClose", obj -> obj.webSocketClose(ws, code, reason, wasClean), eventTimeoutMillis);
        }

        @Override
        public void error(WebSocketEnd ws, String message) {
            timeline().socketError(log, ws.id(), message);
            namespace.dispatchToInstance(
                    id,
                    "webSocketError",
                    obj -> obj.webSocketError(ws, new java.io.IOException(message)),
                    eventTimeoutMillis);
        }

        @Override
        public String autoResponseFor(String request) {
            WebSocketRequestResponsePair p = autoResponse;
            return p != null && p.request().equals(request) ? p.response() : null;
        }

        @Override
        public long now() {
            return namespace.services().clock().millis();
        }

        @Override
        public void closed(WebSocketEnd ws) {
            sockets.remove(ws);
            if (ws.networkOpen()) {
                if (lingering.size() >= 64) {
                    lingering.removeIf(w -> !w.networkOpen()); // an object that never hibernates
                }
                lingering.add(ws);
            }
        }
    }
}
