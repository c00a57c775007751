package dev.partyflare.cluster;

import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.Worker;

/**
 * The Worker: {@code /count/<name>} increments the counter of that name; {@code
 * /remind/<name>?at=<epoch ms>} sets the alarm of that {@link Reminder}.
 */
public class ClusterApp implements Worker {
    @Override
    public Response fetch(Request request, Env env, ExecutionContext ctx) {
        if (request.path().startsWith("/count/")) {
            String name = request.path().substring("/count/".length());
            return env.namespace("COUNTER").getByName(name).fetch(request);
        }
        if (request.path().startsWith("/remind/")) {
            String name = request.path().substring("/remind/".length());
            return env.namespace("REMINDER").getByName(name).fetch(request);
        }
        return Response.text("Not found", 404);
    }
}
