package dev.partyflare.pubsub;

import dev.partyflare.durable.Env;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.server.RouteOptions;
import dev.partyflare.server.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Pub/sub across the nodes of a room ({@code partysub}'s {@code createPubSubServer}). Bind {@link
 * PubSubServer} under the configured binding and route with {@link #route(Request, Env)}:
 *
 * <pre>{@code
 * static final PubSub PUBSUB = PubSub.create(PubSubConfig.binding("PubSub").nodes(4)
 *     .location("weur", 1).location("wnam", 3));
 * public Response fetch(Request req, Env env, ExecutionContext ctx) {
 *   return PUBSUB.route(req, env).orElseGet(() -> Response.text("Not found", 404));
 * }
 * }</pre>
 *
 * <p>A client is sent to a node in its own location (from {@code request.cf().country}; locally
 * from the {@code x-partyflare-country} or {@code x-partyflare-location} header, or the {@code
 * country}/{@code location} query parameter), else to a random node.
 */
public final class PubSub {
    private static final Map<String, PubSub> BY_BINDING = new ConcurrentHashMap<>();

    final PubSubConfig config;
    final NodePlan plan;

    private PubSub(PubSubConfig config) {
        this.config = config;
        this.plan = new NodePlan(config);
    }

    /**
     * Validates {@code config} and registers it for its binding.
     *
     * @throws IllegalArgumentException for locations together with a jurisdiction, unknown
     *     locations, and so on
     */
    public static PubSub create(PubSubConfig config) {
        PubSub p = new PubSub(config);
        BY_BINDING.put(config.binding, p);
        return p;
    }

    static Iterable<PubSub> registered() {
        return BY_BINDING.values();
    }

    /** The class to bind: {@link PubSubServer}. */
    public Class<PubSubServer> serverClass() {
        return PubSubServer.class;
    }

    public String binding() {
        return config.binding;
    }

    /** Node ids per location, e.g. {@code {weur=[weur-0], wnam=[wnam-0, wnam-1, wnam-2]}}. */
    public Map<String, List<String>> nodesByLocation() {
        return plan.nodesByLocation;
    }

    /**
     * Routes {@code /parties/<party>/<room>} to a node of the room; empty for other paths or
     * parties.
     */
    public Optional<Response> route(Request request, Env env) {
        String[] parts = request.path().split("/", -1);
        if (parts.length < 4 || !parts[1].equals("parties") || parts[3].isEmpty()) {
            return Optional.empty();
        }
        String party = parts[2];
        if (!party.equals(kebab(config.binding)) && !party.equalsIgnoreCase(config.binding)) {
            return Optional.empty();
        }
        String room = parts[3];
        String location = clientLocation(request);
        List<String> candidates = location == null ? null : plan.nodesByLocation.get(location);
        if (candidates == null) {
            List<String> locations = new ArrayList<>(plan.nodesByLocation.keySet());
            location = locations.get(ThreadLocalRandom.current().nextInt(locations.size()));
            candidates = plan.nodesByLocation.get(location);
        }
        String node = candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
        StringBuilder path = new StringBuilder("/parties/")
                .append(party)
                .append('/')
                .append(room)
                .append('-')
                .append(node);
        for (int i = 4; i < parts.length; i++) {
            path.append('/').append(parts[i]);
        }
        String url = request.uri().getScheme() + "://" + request.uri().getRawAuthority() + path
                + request.query().map(q -> "?" + q).orElse("");
        RouteOptions options = RouteOptions.defaults().locationHint(NodePlan.locationOf(node));
        if (config.jurisdiction != null) {
            options.jurisdiction(config.jurisdiction);
        }
        return Server.partyFetch(request.withUrl(url), env, options);
    }

    static String clientLocation(Request request) {
        String explicit = request.header("x-partyflare-location")
                .or(() -> request.queryParam("location"))
                .orElse(null);
        if (explicit != null && NodePlan.LOCATIONS.contains(explicit)) {
            return explicit;
        }
        Object cfCountry = request.cf().get("country");
        String country = cfCountry instanceof String s
                ? s
                : request.header("x-partyflare-country")
                        .or(() -> request.queryParam("country"))
                        .orElse(null);
        return Countries.locationOf(country == null ? null : country.toUpperCase(Locale.ROOT));
    }

    static String kebab(String s) {
        return dev.partyflare.server.Server.partyName(s); // one definition for routing and partysub
    }
}
