package dev.partyflare.server;

import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Headers;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.Worker;
import java.util.Map;

/** Routes /parties/... with options chosen by path, as the partyserver test worker does. */
public class PartyWorker implements Worker {
    @Override
    public Response fetch(Request request, Env env, ExecutionContext ctx) {
        RouteOptions options = RouteOptions.defaults();
        String q = request.query().orElse("");
        if (q.contains("cors=1")) {
            options.cors(true);
        }
        if (q.contains("cors=custom")) {
            options.cors(Headers.of("access-control-allow-origin", "https://example.com"));
        }
        if (q.contains("deny=1")) {
            options.onBeforeConnect((req, lobby) ->
                    Interception.respond(Response.text("denied " + lobby.className() + "/" + lobby.name(), 403)));
            options.onBeforeRequest((req, lobby) -> Interception.respond(Response.text("denied", 403)));
        }
        if (q.contains("rewrite=1")) {
            options.onBeforeRequest((req, lobby) -> Interception.with(
                    req.toBuilder().method("POST").body("rewritten").build()));
        }
        if (q.contains("props=1")) {
            options.props(Map.of("slow", true, "who", "üser"));
        }
        return Server.partyFetch(request, env, options).orElseGet(() -> Response.text("Not found", 404));
    }
}
