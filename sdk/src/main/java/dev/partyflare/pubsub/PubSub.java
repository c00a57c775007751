package dev.partyflare.pubsub;

import dev.partyflare.durable.DurableObjectNamespace;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.GetOptions;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.server.RouteOptions;
import dev.partyflare.server.Server;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

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
 * country}/{@code location} query parameter), else to a random node. In an autoscaled room ({@link
 * PubSubConfig#autoscale}) the room's coordinator chooses the least-loaded node of that location.
 *
 * <p>{@link #metrics(Env, String)} reports a room's nodes and their load, for an application or a
 * dashboard.
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

    /** The configuration created for {@code binding}, if any. */
    public static Optional<PubSub> forBinding(String binding) {
        return Optional.ofNullable(BY_BINDING.get(binding));
    }

    /** The class to bind: {@link PubSubServer}. */
    public Class<PubSubServer> serverClass() {
        return PubSubServer.class;
    }

    public String binding() {
        return config.binding;
    }

    /**
     * Node ids per location, e.g. {@code {weur=[weur-0], wnam=[wnam-0, wnam-1, wnam-2]}}; empty for an
     * autoscaled configuration, whose nodes differ per room and over time (see {@link #metrics}).
     */
    public Map<String, List<String>> nodesByLocation() {
        return plan.nodesByLocation;
    }

    /** Whether rooms of this configuration grow and shrink with load. */
    public boolean autoscaled() {
        return config.autoscaling != null;
    }

    /**
     * The nodes of {@code room} and their load: for an autoscaled room, as its coordinator knows them
     * (active and draining nodes, connections, deliveries in total and per second); for a room with a
     * fixed number of nodes, asked from each node (which starts a node that was not running).
     * Call it from a Worker, or from an embedding application with {@code emulator.env()}.
     *
     * @param room the room's name as in {@code /parties/<party>/<room>} (still percent-encoded)
     */
    public RoomMetrics metrics(Env env, String room) {
        if (autoscaled()) {
            return rpc(env, RoomCoordinator.nameOf(room), null).roomMetrics();
        }
        List<NodeMetrics> nodes = new ArrayList<>();
        for (String node : plan.allNodes()) {
            nodes.add(rpc(env, room + "-" + node, NodePlan.locationOf(node)).nodeMetrics());
        }
        return new RoomMetrics(room, false, nodes, 0);
    }

    private static final Pattern NODE_OBJECT = Pattern.compile("(.+)-(?:[a-z]+)-[0-9]+");

    /**
     * The room an object of this configuration's binding belongs to, from the object's name (a
     * node's {@code <room>-<location>-<i>} or a coordinator's {@code <room>-coordinator}); empty for
     * other names. With {@link #metrics}, this lets a dashboard go from the objects it lists to
     * their rooms.
     */
    public Optional<String> roomOf(String objectName) {
        if (objectName == null) {
            return Optional.empty();
        }
        if (autoscaled() && objectName.endsWith(RoomCoordinator.SUFFIX)) {
            return Optional.of(objectName.substring(0, objectName.length() - RoomCoordinator.SUFFIX.length()));
        }
        var m = NODE_OBJECT.matcher(objectName);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    DurableObjectNamespace namespace(Env env) {
        DurableObjectNamespace ns = env.namespace(config.binding);
        return config.jurisdiction != null ? ns.jurisdiction(config.jurisdiction) : ns;
    }

    RoomRpc rpc(Env env, String objectName, String locationHint) {
        DurableObjectNamespace ns = namespace(env);
        return ns.get(ns.idFromName(objectName), new GetOptions(locationHint)).rpc(RoomRpc.class);
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
        if (!party.equals(Server.partyName(config.binding)) && !party.equalsIgnoreCase(config.binding)) {
            return Optional.empty();
        }
        String room = parts[3];
        if (autoscaled()) {
            return Optional.of(routeAutoscaled(request, env, parts));
        }
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

    private Response routeAutoscaled(Request request, Env env, String[] parts) {
        String room = parts[3];
        DurableObjectNamespace ns = namespace(env);
        // every header the router passes to nodes is set here, so a client cannot pose as the router
        Request clean = request.toBuilder()
                .header(RoomNode.PLACEMENT_HEADER, "")
                .header(RoomNode.FROM_HEADER, "")
                .header(RoomNode.STABLE_HEADER, "")
                .header(RoomNode.DURABLE_HEADER, "")
                .build();
        if (!request.isWebSocketUpgrade()) {
            // publishes by HTTP are ordered by the coordinator itself
            return ns.get(ns.idFromName(RoomCoordinator.nameOf(room))).fetch(clean);
        }
        String given = request.queryParam("_pk").filter(s -> !s.isEmpty()).orElse(null);
        String id = given != null ? given : randomId();
        boolean ack = config.atLeastOnce && PubSubServer.asksForAck(request);
        String location = clientLocation(request);
        Wire.Placement placement = rpc(env, RoomCoordinator.nameOf(room), null)
                .place(location == null ? NodePlan.ANY : location, id, ack && given != null);
        StringBuilder path = new StringBuilder("/parties/")
                .append(parts[2])
                .append('/')
                .append(room)
                .append('-')
                .append(placement.node());
        for (int i = 4; i < parts.length; i++) {
            path.append('/').append(parts[i]);
        }
        String query = request.query().orElse("");
        if (given == null) {
            query = query.isEmpty() ? "_pk=" + id : query + "&_pk=" + id;
        }
        String url = request.uri().getScheme() + "://" + request.uri().getRawAuthority() + path
                + (query.isEmpty() ? "" : "?" + query);
        Request.Builder b =
                clean.toBuilder().url(url).header(RoomNode.PLACEMENT_HEADER, Long.toString(placement.number()));
        if (placement.from() != null) {
            b.header(RoomNode.FROM_HEADER, placement.from());
        }
        if (given != null) {
            b.header(RoomNode.STABLE_HEADER, "1");
            if (ack) {
                b.header(RoomNode.DURABLE_HEADER, "1");
            }
        }
        RouteOptions options = RouteOptions.defaults().locationHint(NodePlan.locationOf(placement.node()));
        if (config.jurisdiction != null) {
            options.jurisdiction(config.jurisdiction);
        }
        return Server.partyFetch(b.build(), env, options).orElseThrow();
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ID_ALPHABET =
            "useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict".toCharArray();

    private static String randomId() {
        char[] out = new char[21];
        for (int i = 0; i < out.length; i++) {
            out[i] = ID_ALPHABET[RANDOM.nextInt(64)];
        }
        return new String(out);
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
}
