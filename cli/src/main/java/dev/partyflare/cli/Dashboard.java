package dev.partyflare.cli;

import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.Worker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The dev dashboard at {@code /__partyflare} (a page and its assets, no build step, nothing from the
 * network) and the admin API under {@code /__partyflare/api/v1} ({@link AdminApi}). Both answer
 * loopback clients only, unless the token is given; requests that a web page on another site could
 * make (another origin, a host name that is not loopback) are refused. Everything else goes to the
 * project's Worker.
 */
final class Dashboard implements dev.partyflare.emulator.ForwardingWorker {
    private static final Map<String, String> ASSETS = Map.of(
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8",
            "favicon.svg", "image/svg+xml");

    private final String path;
    private final String token;
    private final Supplier<Worker> next;
    private final AdminApi api;
    private final String page;

    Dashboard(String path, String token, Supplier<Worker> next, AdminApi api) {
        this.path = path;
        this.token = token;
        this.next = next;
        this.api = api;
        this.page = resource("index.html");
    }

    /** True for a path the dashboard serves (so the request log leaves it out). */
    static boolean owns(String dashboardPath, String requestPath) {
        return requestPath.equals(dashboardPath) || requestPath.startsWith(dashboardPath + "/");
    }

    /** The project's Worker: RPC to the default entrypoint goes there. */
    @Override
    public Worker target() {
        return next.get();
    }

    /** Cron triggers and scheduled events are the user's Worker's. */
    @Override
    public void scheduled(dev.partyflare.durable.ScheduledController controller, Env env, ExecutionContext ctx)
            throws Exception {
        next.get().scheduled(controller, env, ctx);
    }

    @Override
    public Response fetch(Request request, Env env, ExecutionContext ctx) throws Exception {
        String p = request.path();
        if (!owns(path, p)) {
            return next.get().fetch(request, env, ctx);
        }
        String sub = p.substring(path.length());
        boolean isApi = sub.startsWith("/api/");
        String refused = refusal(request);
        if (refused != null) {
            return isApi ? AdminApi.error(403, refused) : Response.text(refused, 403);
        }
        if (sub.startsWith("/api/v1/") || sub.equals("/api/v1")) {
            return api.serve(sub.substring("/api/v1".length()), request);
        }
        if (isApi) {
            return AdminApi.error(
                    404,
                    "The dashboard's API is versioned: use " + path + "/api/v1 (see " + path + "/api/v1/openapi.json)");
        }
        if (sub.isEmpty() || sub.equals("/")) {
            return Response.builder(200)
                    .header("content-type", "text/html; charset=utf-8")
                    .header("cache-control", "no-cache")
                    .body(page.replace("__BASE__", path))
                    .build();
        }
        if (sub.startsWith("/assets/") && ASSETS.containsKey(sub.substring(8))) {
            String name = sub.substring(8);
            return Response.builder(200)
                    .header("content-type", ASSETS.get(name))
                    .header("cache-control", "no-cache")
                    .body(resource(name))
                    .build();
        }
        return Response.text("Not found", 404);
    }

    /** Why this request may not use the dashboard, or null when it may. */
    private String refusal(Request request) {
        if (token != null && !token.isEmpty()) {
            String given = request.queryParam("token")
                    .orElse(request.header("authorization")
                            .map(a -> a.replaceFirst("^Bearer ", ""))
                            .orElse(""));
            if (given.equals(token)) {
                return null;
            }
        }
        Optional<String> ip = request.header("cf-connecting-ip");
        if (ip.isEmpty()) {
            return null; // in-process callers are local
        }
        if (!isLoopback(ip.get())) {
            return "The partyflare dashboard answers loopback clients only (or pass its token).";
        }
        // a page of another site may make the browser call a local server (or rebind a name to it)
        String host = request.uri().getHost();
        if (host != null && !isLoopbackName(host)) {
            return "The partyflare dashboard answers requests to a loopback host name only (this one was to " + host
                    + "); pass its token to use another name.";
        }
        Optional<String> origin = request.header("origin");
        if (origin.isPresent() && !origin.get().equals(originOf(request))) {
            return "The partyflare dashboard refuses requests from other origins (" + origin.get() + ").";
        }
        return null;
    }

    private static String originOf(Request request) {
        URI u = request.uri();
        return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
    }

    private static boolean isLoopback(String ip) {
        try {
            return InetAddress.getByName(ip).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isLoopbackName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        // a literal address only: a name is not resolved (that is what a rebinding attack relies on)
        if (h.matches("[0-9.]+") || h.contains(":")) {
            return isLoopback(h);
        }
        return false;
    }

    private static String resource(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream("dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard/" + name + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
