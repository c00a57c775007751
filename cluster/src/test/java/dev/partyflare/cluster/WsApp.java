package dev.partyflare.cluster;

import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.Worker;

/** The Worker of {@link ClusterWebSocketIT}: {@code /room/<name>} and {@code /std/<name>} go to that {@link ChatRoom}. */
public class WsApp implements Worker {
    @Override
    public Response fetch(Request request, Env env, ExecutionContext ctx) {
        String path = request.path();
        for (String prefix : new String[] {"/room/", "/std/", "/count/", "/echo/"}) {
            if (path.startsWith(prefix)) {
                String binding = prefix.equals("/count/") ? "COUNTER" : "ROOM";
                return env.namespace(binding)
                        .getByName(path.substring(prefix.length()))
                        .fetch(request);
            }
        }
        return Response.text("Not found", 404);
    }
}
