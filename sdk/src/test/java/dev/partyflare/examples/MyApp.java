package dev.partyflare.examples;

import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.Worker;
import dev.partyflare.server.Server;

/** The README example's Worker: party routing, else 404. */
public class MyApp implements Worker {
    @Override
    public Response fetch(Request request, Env env, ExecutionContext ctx) {
        return Server.partyFetch(request, env).orElseGet(() -> Response.text("Not Found", 404));
    }
}
