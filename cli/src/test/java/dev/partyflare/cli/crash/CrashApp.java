package dev.partyflare.cli.crash;

import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.Worker;

/** Routes {@code /<w|ws>/<BINDING>/<name>/...} to the ledger object {@code name} of {@code BINDING}. */
public class CrashApp implements Worker {
    @Override
    public Response fetch(Request request, Env env, ExecutionContext ctx) throws Exception {
        String[] parts = request.path().split("/");
        if (parts.length < 4) {
            return Response.text("Not found", 404);
        }
        return env.namespace(parts[2]).getByName(parts[3]).fetch(request);
    }
}
