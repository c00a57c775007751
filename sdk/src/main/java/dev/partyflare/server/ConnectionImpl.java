package dev.partyflare.server;

import dev.partyflare.durable.WebSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A connection. On a hibernating server its id, tags, URI and state are read from and written to
 * the socket's attachment ({@code {"__pk": {id, tags, uri}, "__user": state}}, as partyserver keeps
 * them); otherwise they live in this object.
 */
final class ConnectionImpl implements Connection {
    private final WebSocket ws;
    private final boolean hibernating;
    private final String id;
    private final List<String> tags;
    private final String uri;
    private volatile String server;
    private Object state;

    private ConnectionImpl(WebSocket ws, boolean hibernating, String id, List<String> tags, String uri, String server) {
        this.ws = ws;
        this.hibernating = hibernating;
        this.id = id;
        this.tags = List.copyOf(tags);
        this.uri = uri;
        this.server = server;
    }

    /** A new connection; on a hibernating server its bookkeeping goes into the attachment now. */
    static ConnectionImpl create(
            WebSocket ws, boolean hibernating, String id, List<String> tags, String uri, String server) {
        ConnectionImpl c = new ConnectionImpl(ws, hibernating, id, tags, uri, server);
        if (hibernating) {
            c.writeAttachment(null);
        }
        return c;
    }

    /** The connection of a hibernatable socket accepted by partyflare, or null for a foreign one. */
    @SuppressWarnings("unchecked")
    static ConnectionImpl rehydrate(WebSocket ws, String server) {
        Object a;
        try {
            a = ws.deserializeAttachment();
        } catch (RuntimeException e) {
            return null;
        }
        if (!(a instanceof Map<?, ?> m)
                || !(m.get("__pk") instanceof Map<?, ?> pk)
                || !(pk.get("id") instanceof String id)) {
            return null;
        }
        List<String> tags = pk.get("tags") instanceof List<?> l ? (List<String>) l : List.of(id);
        String uri = pk.get("uri") instanceof String u ? u : null;
        return new ConnectionImpl(ws, true, id, tags, uri, server);
    }

    private void writeAttachment(Object userState) {
        Map<String, Object> pk = new LinkedHashMap<>();
        pk.put("id", id);
        pk.put("tags", tags);
        if (uri != null) {
            pk.put("uri", uri);
        }
        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("__pk", pk);
        attachment.put("__user", userState);
        ws.serializeAttachment(attachment);
    }

    void server(String name) {
        this.server = name;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public List<String> tags() {
        return tags;
    }

    @Override
    public String server() {
        return server;
    }

    @Override
    public String uri() {
        return uri;
    }

    @Override
    public Object state() {
        if (!hibernating) {
            return state;
        }
        Object a = ws.deserializeAttachment();
        return a instanceof Map<?, ?> m ? m.get("__user") : null;
    }

    @Override
    public <T> T state(Class<T> type) {
        Object s = state();
        if (s == null || type.isInstance(s)) {
            return type.cast(s);
        }
        return dev.partyflare.durable.Response.json(s).json(type); // convert through JSON
    }

    @Override
    public <T> T setState(T newState) {
        if (hibernating) {
            writeAttachment(newState);
        } else {
            state = newState;
        }
        return newState;
    }

    @Override
    public Object setState(UnaryOperator<Object> update) {
        return setState(update.apply(state()));
    }

    @Override
    public void send(String message) {
        ws.send(message);
    }

    @Override
    public void send(byte[] message) {
        ws.send(message);
    }

    @Override
    public void close() {
        ws.close();
    }

    @Override
    public void close(int code, String reason) {
        ws.close(code, reason);
    }

    @Override
    public int readyState() {
        return ws.readyState();
    }

    @Override
    public WebSocket socket() {
        return ws;
    }

    @Override
    public String toString() {
        return "Connection[" + id + " in " + server + "]";
    }
}
