package dev.partyflare.server;

import dev.partyflare.durable.DurableObjectNamespace;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.GetOptions;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code /parties/:party/:room} routing to Durable Object bindings. */
final class Router {
    private Router() {}

    static Optional<Response> route(Request request, Env env, RouteOptions options) {
        List<String> parts = new ArrayList<>();
        for (String p : request.path().split("/")) {
            if (!p.isEmpty()) {
                parts.add(p);
            }
        }
        String[] prefix = options.prefix.split("/");
        if (parts.size() < prefix.length + 2) {
            return Optional.empty();
        }
        for (int i = 0; i < prefix.length; i++) {
            if (!parts.get(i).equals(prefix[i])) {
                return Optional.empty();
            }
        }
        String party = parts.get(prefix.length);
        String room = parts.get(prefix.length + 1);
        String binding = bindingFor(party, env);
        if (binding == null) {
            return Optional.of(Response.text("Invalid request", 400));
        }
        boolean webSocket = request.isWebSocketUpgrade();
        if (request.method().equals("OPTIONS") && options.cors != null) {
            return Optional.of(Response.builder(200).headers(options.cors).build());
        }
        DurableObjectNamespace ns = env.namespace(binding);
        if (options.jurisdiction != null) {
            ns = ns.jurisdiction(options.jurisdiction);
        }
        Request req = request.toBuilder()
                .header(Server.NAMESPACE_HEADER, party)
                .header(Server.ROOM_HEADER, room)
                .build();
        Lobby lobby = new Lobby(party, binding, room);
        java.util.function.BiFunction<Request, Lobby, Interception> hook =
                webSocket ? options.onBeforeConnect : options.onBeforeRequest;
        if (hook != null) {
            Interception decision = hook.apply(req, lobby);
            if (decision instanceof Interception.Respond r) {
                return Optional.of(webSocket ? r.response() : withCors(r.response(), options));
            }
            if (decision instanceof Interception.Replace r) {
                req = r.request();
            }
        }
        if (options.props != null) {
            req = req.withHeader(Server.PROPS_HEADER, Server.encodeProps(options.props));
        }
        Response response = ns.get(ns.idFromName(room), new GetOptions(options.locationHint))
                .fetch(req);
        return Optional.of(webSocket ? response : withCors(response, options));
    }

    private static Response withCors(Response r, RouteOptions options) {
        if (options.cors == null || r.webSocket().isPresent()) {
            return r;
        }
        Response.Builder b = r.toBuilder();
        options.cors.asMap().forEach((k, v) -> b.header(k, String.join(", ", v)));
        return b.build();
    }

    /** The binding that {@code party} names: exactly, case-insensitively, or as its kebab-case form. */
    static String bindingFor(String party, Env env) {
        for (String b : env.namespaceNames()) {
            if (b.equals(party)) {
                return b;
            }
        }
        for (String b : env.namespaceNames()) {
            if (b.equalsIgnoreCase(party) || kebabCase(b).equals(party)) {
                return b;
            }
        }
        return null;
    }

    /**
     * partyserver's camelCaseToKebabCase ({@code ChatHib} → {@code chat-hib}, {@code MY_ROOM} →
     * {@code my-room}); the one definition behind {@link Server#partyName} and partysub's routing.
     */
    static String kebabCase(String s) {
        if (s.equals(s.toUpperCase(Locale.ROOT)) && !s.equals(s.toLowerCase(Locale.ROOT))) {
            return s.toLowerCase(Locale.ROOT).replace('_', '-');
        }
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('-').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        String k = out.toString();
        if (k.startsWith("-")) {
            k = k.substring(1);
        }
        k = k.replace('_', '-');
        return k.endsWith("-") ? k.substring(0, k.length() - 1) : k;
    }
}
