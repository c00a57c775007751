package dev.partyflare.cli.bench;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.durable.Worker;
import dev.partyflare.emulator.EmulatorOptions;
import dev.partyflare.pubsub.PubSub;
import dev.partyflare.pubsub.PubSubConfig;
import dev.partyflare.pubsub.PubSubServer;
import dev.partyflare.server.Connection;
import dev.partyflare.server.PartyOptions;
import dev.partyflare.server.Server;
import java.util.List;

/**
 * The benchmark's fixtures, with the same wire contract as a JS Worker would have: {@code
 * /parties/room/<r>} and {@code /parties/hib-room/<r>} (a message starting with {@code e:} is echoed
 * to its sender, any other is broadcast to everyone else), {@code /plain/<r>} (an object answering
 * "ok"), {@code /store/<r>} (a put and a get per request), {@code /parties/bus/<r>} (pub/sub).
 */
public final class BenchApp implements Worker {
    static final PubSub BUS = PubSub.create(PubSubConfig.binding("Bus").nodes(10));

    public static EmulatorOptions.Builder options() {
        return EmulatorOptions.builder()
                .workerName("partyflare-bench")
                .worker(new BenchApp())
                .durableObject("Room", Room.class)
                .durableObject("HibRoom", HibRoom.class)
                .durableObject("Plain", Plain.class)
                .durableObject("Store", Store.class)
                .durableObject("Bus", PubSubServer.class);
    }

    @Override
    public Response fetch(Request request, Env env, ExecutionContext ctx) {
        String path = request.path();
        if (path.startsWith("/plain/")) {
            return env.namespace("Plain").getByName(path.substring(7)).fetch(request);
        }
        if (path.startsWith("/store/")) {
            return env.namespace("Store").getByName(path.substring(7)).fetch(request);
        }
        if (path.startsWith("/parties/bus/")) {
            return BUS.route(request, env).orElseGet(() -> Response.text("Not found", 404));
        }
        return Server.partyFetch(request, env).orElseGet(() -> Response.text("Not found", 404));
    }

    /** Echo or broadcast, non-hibernating. */
    public static class Room extends Server {
        public Room(DurableObjectState ctx, Env env) {
            super(ctx, env);
        }

        @Override
        public void onMessage(Connection from, WebSocketMessage message) {
            String text = message.asText();
            if (text.startsWith("e:")) {
                from.send(message);
            } else {
                broadcast(message, List.of(from.id()));
            }
        }
    }

    /** The same, hibernating. */
    @PartyOptions(hibernate = true)
    public static class HibRoom extends Room {
        public HibRoom(DurableObjectState ctx, Env env) {
            super(ctx, env);
        }
    }

    /** Answers "ok". */
    public static class Plain extends DurableObject {
        public Plain(DurableObjectState ctx, Env env) {
            super(ctx, env);
        }

        @Override
        public Response fetch(Request request) {
            return Response.text("ok");
        }
    }

    /** A put and a get per request, durable before the reply. */
    public static class Store extends DurableObject {
        public Store(DurableObjectState ctx, Env env) {
            super(ctx, env);
        }

        @Override
        public Response fetch(Request request) {
            long n = ctx.storage().get("n", Long.class).orElse(0L) + 1;
            ctx.storage().put("n", n);
            return Response.text(Long.toString(n));
        }
    }
}
