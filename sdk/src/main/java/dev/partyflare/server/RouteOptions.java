package dev.partyflare.server;

import dev.partyflare.durable.Headers;
import dev.partyflare.durable.Request;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Options of {@link Server#partyFetch}: the URL prefix ({@code parties}), a location hint or
 * jurisdiction for new servers, hooks that run before a connection or request reaches the server,
 * CORS headers, and props handed to {@link Server#onStart()}.
 */
public final class RouteOptions {
    /** Default CORS headers of {@code cors: true}. */
    public static final Headers DEFAULT_CORS = Headers.of(
            "access-control-allow-origin", "*",
            "access-control-allow-methods", "GET, POST, HEAD, OPTIONS",
            "access-control-allow-headers", "*",
            "access-control-max-age", "86400");

    String prefix = "parties";
    String locationHint;
    String jurisdiction;
    Headers cors;
    Map<String, Object> props;
    BiFunction<Request, Lobby, Interception> onBeforeConnect;
    BiFunction<Request, Lobby, Interception> onBeforeRequest;

    public static RouteOptions defaults() {
        return new RouteOptions();
    }

    /** The path prefix before {@code /:party/:room} (default {@code parties}; may contain {@code /}). */
    public RouteOptions prefix(String p) {
        String trimmed = p == null ? "" : p.replaceAll("^/+|/+$", "");
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("The routing prefix must not be empty");
        }
        this.prefix = trimmed;
        return this;
    }

    public RouteOptions locationHint(String hint) {
        this.locationHint = hint;
        return this;
    }

    public RouteOptions jurisdiction(String j) {
        this.jurisdiction = j;
        return this;
    }

    /** Permissive CORS headers on responses and OPTIONS preflights of matched routes. */
    public RouteOptions cors(boolean enabled) {
        this.cors = enabled ? DEFAULT_CORS : null;
        return this;
    }

    /** These CORS headers on responses and OPTIONS preflights of matched routes. */
    public RouteOptions cors(Headers headers) {
        this.cors = headers;
        return this;
    }

    /** Values handed to {@link Server#onStart()} (available as {@link Server#props()}). */
    public RouteOptions props(Map<String, Object> p) {
        this.props = p;
        return this;
    }

    public RouteOptions onBeforeConnect(BiFunction<Request, Lobby, Interception> hook) {
        this.onBeforeConnect = hook;
        return this;
    }

    public RouteOptions onBeforeRequest(BiFunction<Request, Lobby, Interception> hook) {
        this.onBeforeRequest = hook;
        return this;
    }
}
