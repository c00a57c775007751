package dev.partyflare.server;

import dev.partyflare.durable.AlarmInvocationInfo;
import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Json;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocket;
import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.durable.WebSocketPair;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * A room: a Durable Object with connection hooks ({@code partyflare}'s {@code Server}). Override
 * the hooks you need; {@link #onStart()} runs once per instance (also after waking from
 * hibernation) before any other hook, with every other event held back until it is done.
 *
 * <pre>{@code
 * public class Chat extends Server {
 *   public Chat(DurableObjectState ctx, Env env) { super(ctx, env); }
 *   @Override public void onMessage(Connection from, WebSocketMessage message) {
 *     broadcast(message, List.of(from.id()));
 *   }
 * }
 * }</pre>
 *
 * <p>Route requests with {@link #partyFetch(Request, Env)}: {@code /parties/:party/:room} reaches
 * the room named {@code :room} of the binding named {@code :party} (case-insensitively, or in its
 * kebab-case form). Enable hibernation with {@link PartyOptions @PartyOptions(hibernate = true)}.
 */
public abstract class Server extends DurableObject {
    static final String NAME_KEY = "__ps_name";
    static final String ROOM_HEADER = "x-partykit-room";
    static final String NAMESPACE_HEADER = "x-partykit-namespace";
    static final String PROPS_HEADER = "x-partykit-props";
    private static final System.Logger LOG = System.getLogger("dev.partyflare.server");

    private final boolean hibernate;
    private final Map<String, ConnectionImpl> live = new LinkedHashMap<>(); // non-hibernating only
    private final Map<WebSocket, ConnectionImpl> wrappers = new WeakHashMap<>(); // hibernating only
    private String name;
    private Map<String, Object> props;
    private boolean started;

    protected Server(DurableObjectState ctx, Env env) {
        super(ctx, env);
        PartyOptions options = getClass().getAnnotation(PartyOptions.class);
        this.hibernate = options != null && options.hibernate();
    }

    // ---- hooks ----

    /** Runs once per instance before any other hook (also after waking from hibernation). */
    public void onStart() throws Exception {}

    /** A client connected. */
    public void onConnect(Connection connection, ConnectionContext context) throws Exception {}

    /** A message from a client. An exception here goes to {@link #onError} and the socket stays open. */
    public void onMessage(Connection connection, WebSocketMessage message) throws Exception {}

    /**
     * A client closed (or went away: 1006). The server answers the client's close frame with the
     * same code and reason afterwards, unless this hook closed the connection already.
     */
    public void onClose(Connection connection, int code, String reason, boolean wasClean) throws Exception {}

    /** An error on a connection (including exceptions thrown by {@link #onMessage}). */
    public void onError(Connection connection, Throwable error) throws Exception {
        LOG.log(
                System.Logger.Level.WARNING,
                "Error on connection " + connection.id() + " in " + getClass().getSimpleName() + ":" + safeName()
                        + "; override onError to handle it",
                error);
    }

    /** An HTTP request routed to this server. */
    public Response onRequest(Request request) throws Exception {
        return Response.text("Not implemented", 404);
    }

    /** Tags for a new connection (at most 9 besides the connection id). */
    public List<String> getConnectionTags(Connection connection, ConnectionContext context) throws Exception {
        return List.of();
    }

    /** The alarm set with {@code ctx.storage().setAlarm(...)} came due. */
    public void onAlarm() throws Exception {}

    // ---- what a server can do ----

    /**
     * This server's name (its room): from {@code idFromName}, or the {@code __ps_name} record kept
     * in storage, so it is known after hibernation and in alarms.
     */
    public final String name() {
        String n = safeName();
        if (n == null) {
            throw new IllegalStateException("Attempting to read name() on "
                    + getClass().getSimpleName() + ", but the id has no name and no "
                    + NAME_KEY + " record is stored. Address servers with idFromName()/getByName(), partyFetch or"
                    + " getServerByName().");
        }
        return n;
    }

    private String safeName() {
        Optional<String> idName = ctx.id().name();
        return idName.orElse(name);
    }

    /** The props given to {@link #partyFetch} or {@link #getServerByName}, or an empty map. */
    public final Map<String, Object> props() {
        return props == null ? Map.of() : props;
    }

    /** Sends {@code message} to every open connection. */
    public final void broadcast(String message) {
        broadcast(WebSocketMessage.text(message), List.of());
    }

    /** Sends {@code message} to every open connection except those with the given ids. */
    public final void broadcast(String message, Collection<String> without) {
        broadcast(WebSocketMessage.text(message), without);
    }

    public final void broadcast(byte[] message, Collection<String> without) {
        broadcast(WebSocketMessage.binary(message), without);
    }

    public final void broadcast(WebSocketMessage message, Collection<String> without) {
        // a copy (the caller may change its collection), but no hash set for the usual one or two ids
        Collection<String> skip = without == null || without.isEmpty()
                ? List.of()
                : without.size() <= 4 ? List.copyOf(without) : Set.copyOf(without);
        for (Connection c : getConnections()) {
            if (!skip.contains(c.id())) {
                try {
                    c.send(message);
                } catch (RuntimeException e) {
                    try {
                        c.close(1011, "Unexpected error");
                    } catch (RuntimeException ignored) {
                        // already closed
                    }
                }
            }
        }
    }

    /** The open connections. */
    public final List<Connection> getConnections() {
        return getConnections(null);
    }

    /** The open connections with {@code tag}. */
    public final List<Connection> getConnections(String tag) {
        List<Connection> out = new ArrayList<>();
        if (hibernate) {
            for (WebSocket ws : ctx.getWebSockets(tag)) {
                if (ws.readyState() == WebSocket.OPEN) {
                    ConnectionImpl c = wrap(ws);
                    if (c != null) {
                        out.add(c);
                    }
                }
            }
        } else {
            for (ConnectionImpl c : live.values()) {
                if (c.readyState() == WebSocket.OPEN && (tag == null || c.tags().contains(tag))) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    /** The connection with {@code id}, if it is open. */
    public final Optional<Connection> getConnection(String id) {
        if (!hibernate) {
            return Optional.ofNullable(live.get(id));
        }
        List<Connection> matching = new ArrayList<>();
        for (WebSocket ws : ctx.getWebSockets(id)) {
            ConnectionImpl c = wrap(ws);
            if (c != null && c.id().equals(id)) {
                matching.add(c);
            }
        }
        if (matching.size() > 1) {
            throw new IllegalStateException("More than one connection found for id " + id
                    + ". Did you mean to use getConnections(tag) instead?");
        }
        return matching.stream().findFirst();
    }

    private ConnectionImpl wrap(WebSocket ws) {
        ConnectionImpl c = wrappers.get(ws);
        if (c == null) {
            c = ConnectionImpl.rehydrate(ws, safeName());
            if (c != null) {
                wrappers.put(ws, c);
            }
        }
        return c;
    }

    /**
     * Gives this server its name (and props) and runs {@link #onStart()}; called over RPC by {@link
     * #getServerByName}. A server reached through {@code idFromName} already knows its name.
     */
    public void setName(String newName, Map<String, Object> newProps) throws Exception {
        if (newName == null || newName.isEmpty()) {
            throw new IllegalArgumentException("A name is required.");
        }
        Optional<String> idName = ctx.id().name();
        if (idName.isPresent() && !idName.get().equals(newName)) {
            throw new IllegalStateException("This server's Durable Object id was created for name \"" + idName.get()
                    + "\", cannot setName to \"" + newName + "\".");
        }
        if (name != null && !name.equals(newName)) {
            throw new IllegalStateException(
                    "This server already has a name: " + name + ", attempting to set to: " + newName);
        }
        if (newProps != null) {
            props = newProps;
        }
        if (name == null && idName.isEmpty()) {
            ctx.storage().put(NAME_KEY, newName);
            name = newName;
        }
        ensureStarted();
    }

    // ---- the Durable Object handlers ----

    @Override
    public final Response fetch(Request request) {
        try {
            request.header(PROPS_HEADER).ifPresent(h -> props = decodeProps(h));
            if (ctx.id().name().isEmpty() && name == null) {
                request.header(ROOM_HEADER).ifPresent(r -> name = r);
            }
            ensureStarted();
            if (safeName() == null) {
                throw new IllegalStateException(
                        "Cannot determine the name for " + getClass().getSimpleName()
                                + ": the id has no name, no " + NAME_KEY + " record is stored and no " + ROOM_HEADER
                                + " header was sent. Address servers with idFromName()/getByName(), partyFetch or getServerByName().");
            }
            if (!request.isWebSocketUpgrade()) {
                return onRequest(request);
            }
            return connect(request);
        } catch (Exception e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Error in " + getClass().getSimpleName() + ":" + safeName() + " fetch",
                    e);
            if (request.isWebSocketUpgrade()) {
                WebSocketPair pair = new WebSocketPair();
                pair.server().accept();
                pair.server().send("Error: " + e.getMessage());
                pair.server().close(1011, "Uncaught exception during session setup");
                return Response.webSocket(pair.client());
            }
            return Response.text(stackOf(e), 500);
        }
    }

    private Response connect(Request request) throws Exception {
        WebSocketPair pair = new WebSocketPair();
        String id = request.queryParam("_pk").filter(s -> !s.isEmpty()).orElseGet(NanoId::next);
        ConnectionContext context = new ConnectionContext(request);
        // a provisional connection lets getConnectionTags see id, uri and server, as in partyserver
        ConnectionImpl provisional =
                ConnectionImpl.create(pair.server(), false, id, List.of(id), request.url(), safeName());
        List<String> tags = prepareTags(id, getConnectionTags(provisional, context));
        ConnectionImpl connection;
        if (hibernate) {
            ctx.acceptWebSocket(pair.server(), tags);
            connection = ConnectionImpl.create(pair.server(), true, id, tags, request.url(), safeName());
            wrappers.put(pair.server(), connection);
        } else {
            pair.server().accept();
            connection = ConnectionImpl.create(pair.server(), false, id, tags, request.url(), safeName());
            live.put(id, connection);
            attachListeners(connection);
        }
        onConnect(connection, context);
        return Response.webSocket(pair.client());
    }

    static List<String> prepareTags(String id, List<String> userTags) {
        List<String> tags = new ArrayList<>();
        tags.add(id);
        for (String t : userTags == null ? List.<String>of() : userTags) {
            if (t == null) {
                throw new IllegalArgumentException("A connection tag must be a string. Received: null");
            }
            if (!t.equals(id)) {
                tags.add(t);
            }
        }
        if (tags.size() > 10) {
            throw new IllegalArgumentException("A connection can only have 10 tags, including the default id tag.");
        }
        for (String t : tags) {
            if (t.isEmpty()) {
                throw new IllegalArgumentException("A connection tag must not be an empty string.");
            }
            if (t.length() > 256) {
                throw new IllegalArgumentException("A connection tag must not exceed 256 characters");
            }
        }
        return tags;
    }

    private void attachListeners(ConnectionImpl connection) {
        WebSocket ws = connection.socket();
        ws.onMessage(message -> {
            try {
                onMessage(connection, message);
            } catch (Exception e) {
                reportError(connection, e);
            }
        });
        ws.onClose(event -> {
            live.remove(connection.id(), connection);
            try {
                onClose(connection, event.code(), event.reason(), event.wasClean());
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "onClose error", e);
            } finally {
                closeQuietly(ws, event.code(), event.reason());
            }
        });
        ws.onError(event -> {
            live.remove(connection.id(), connection);
            reportError(connection, event.error());
        });
    }

    private void reportError(Connection connection, Throwable error) {
        try {
            onError(connection, error);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "onError error", e);
        }
    }

    /** Completes a close handshake the peer started, unless it sent no real close frame. */
    private static void closeQuietly(WebSocket ws, int code, String reason) {
        if (code == 1005 || code == 1006 || code == 1015) {
            return;
        }
        try {
            ws.close(code, reason);
        } catch (RuntimeException e) {
            // already closed, or a reason too long: nothing to complete
        }
    }

    @Override
    public final void webSocketMessage(WebSocket ws, WebSocketMessage message) throws Exception {
        ConnectionImpl c = wrap(ws);
        if (c == null) {
            return; // a socket accepted outside partyflare
        }
        ensureStarted();
        c.server(safeName());
        try {
            onMessage(c, message);
        } catch (Exception e) {
            reportError(c, e);
        }
    }

    @Override
    public final void webSocketClose(WebSocket ws, int code, String reason, boolean wasClean) throws Exception {
        ConnectionImpl c = wrap(ws);
        if (c == null) {
            return;
        }
        try {
            ensureStarted();
            c.server(safeName());
            onClose(c, code, reason, wasClean);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "onClose error", e);
        } finally {
            closeQuietly(ws, code, reason);
        }
    }

    @Override
    public final void webSocketError(WebSocket ws, Throwable error) throws Exception {
        ConnectionImpl c = wrap(ws);
        if (c == null || ws.readyState() != WebSocket.OPEN && isTeardown(error)) {
            return;
        }
        ensureStarted();
        c.server(safeName());
        reportError(c, error);
    }

    private static boolean isTeardown(Throwable error) {
        String m = error == null || error.getMessage() == null ? "" : error.getMessage();
        return m.contains("Network connection lost") || m.contains("disconnected");
    }

    @Override
    public final void alarm(AlarmInvocationInfo info) throws Exception {
        ensureStarted();
        onAlarm();
    }

    private void ensureStarted() throws Exception {
        if (started) {
            return;
        }
        Optional<String> idName = ctx.id().name();
        if (idName.isPresent()) {
            if (name == null) {
                String stored = ctx.storage().get(NAME_KEY, String.class).orElse(null);
                if (!idName.get().equals(stored)) {
                    ctx.storage().put(NAME_KEY, idName.get());
                }
                name = idName.get();
            }
        } else if (name == null) {
            name = ctx.storage().get(NAME_KEY, String.class).orElse(null);
        }
        Exception[] failure = new Exception[1];
        ctx.blockConcurrencyWhile(() -> {
            try {
                onStart();
                started = true;
            } catch (Exception e) {
                failure[0] = e; // not rethrown inside: a throwing blockConcurrencyWhile would reset the object
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    private static String stackOf(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> decodeProps(String header) {
        String trimmed = header.trim();
        String json = trimmed.startsWith("{")
                ? trimmed
                : new String(Base64.getDecoder().decode(trimmed), java.nio.charset.StandardCharsets.UTF_8);
        return Json.parse(json, Map.class);
    }

    static String encodeProps(Map<String, Object> props) {
        return Base64.getEncoder()
                .encodeToString(Json.stringify(props).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    // ---- routing ----

    /**
     * The party a binding is routed as in {@code /parties/:party/:room}: partyserver's {@code
     * camelCaseToKebabCase} of the binding's name ({@code ChatRoom} → {@code chat-room}, {@code
     * MY_ROOM} → {@code my-room}). Routing (and partysub's) also accepts the binding's name itself
     * in any case.
     */
    public static String partyName(String binding) {
        return Router.kebabCase(binding);
    }

    /**
     * Routes {@code /parties/:party/:room[/...]} to the room's server: empty for other paths (and paths
     * without a room), 400 {@code Invalid request} for an unknown party.
     */
    public static Optional<Response> partyFetch(Request request, Env env) {
        return Router.route(request, env, RouteOptions.defaults());
    }

    public static Optional<Response> partyFetch(Request request, Env env, RouteOptions options) {
        return Router.route(request, env, options);
    }

    /**
     * A stub of the server named {@code name}, after it has started ({@link #onStart()} ran), so
     * RPC calls on it see an initialized server.
     */
    public static dev.partyflare.durable.DurableObjectStub getServerByName(
            dev.partyflare.durable.DurableObjectNamespace namespace, String name) {
        return getServerByName(namespace, name, null, null);
    }

    public static dev.partyflare.durable.DurableObjectStub getServerByName(
            dev.partyflare.durable.DurableObjectNamespace namespace,
            String name,
            String locationHint,
            Map<String, Object> props) {
        dev.partyflare.durable.DurableObjectStub stub =
                namespace.get(namespace.idFromName(name), new dev.partyflare.durable.GetOptions(locationHint));
        stub.call(Void.class, "setName", name, props);
        return stub;
    }
}
