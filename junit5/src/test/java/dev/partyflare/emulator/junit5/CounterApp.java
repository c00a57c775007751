package dev.partyflare.emulator.junit5;

import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.Worker;

/** The Worker in front of {@link Counter}: {@code /counter/<name>/<action>}. */
public class CounterApp implements Worker {
    @Override
    public Response fetch(Request request, Env env, ExecutionContext ctx) {
        String[] parts = request.path().split("/");
        if (parts.length >= 3 && parts[1].equals("counter")) {
            return env.namespace("COUNTER").getByName(parts[2]).fetch(request);
        }
        if (request.path().equals("/greeting")) {
            return Response.text(env.var("GREETING").orElse("no greeting"));
        }
        return Response.text("Not found", 404);
    }
}
