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
import dev.partyflare.pubsub.Autoscaling;
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
 * "ok"), {@code /store/<r>} (a put and a get per request), {@code /parties/bus/<r>} (pub/sub, 10
 * nodes), {@code /parties/bus-fixed/<r>} (pub/sub, 3 nodes) and {@code /parties/bus-auto/<r>} (pub/sub,
 * autoscaled: 500 connections per node, 1 to 10 nodes), and {@code /bus-metrics/<party>/<r>} (a pub/sub
 * room's nodes and connections as JSON, partyflare only).
 */
public final class BenchApp implements Worker {
    static final PubSub BUS = PubSub.create(PubSubConfig.binding("Bus").nodes(10));
    static final PubSub BUS_FIXED =
            PubSub.create(PubSubConfig.binding("BusFixed").nodes(3));
    /** Nodes added by connections only (no deliveries/s target), so a room's size decides its nodes. */
    static final PubSub BUS_AUTO = PubSub.create(PubSubConfig.binding("BusAuto")
            .autoscale(Autoscaling.targetPerNode(500, 0).nodes(1, 10)));

    public static EmulatorOptions.Builder options() {
        return EmulatorOptions.builder()
                .workerName("partyflare-bench")
                .worker(new BenchApp())
                .durableObject("Room", Room.class)
                .durableObject("HibRoom", HibRoom.class)
                .durableObject("Plain", Plain.class)
                .durableObject("Store", Store.class)
                .durableObject("Bus", PubSubServer.class)
                .durableObject("BusFixed", FixedBus.class)
                .durableObject("BusAuto", AutoBus.class);
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
        for (PubSub bus : List.of(BUS, BUS_FIXED, BUS_AUTO)) {
            String party = Server.partyName(bus.binding());
            if (path.startsWith("/parties/" + party + "/")) {
                return bus.route(request, env).orElseGet(() -> Response.text("Not found", 404));
            }
            if (path.startsWith("/bus-metrics/" + party + "/")) {
                var m = bus.metrics(env, path.substring(("/bus-metrics/" + party + "/").length()));
                return Response.json(java.util.Map.of(
                        "nodes", m.nodes().size(),
                        "activeNodes", m.activeNodes().size(),
                        "connections", m.connections()));
            }
        }
        return Server.partyFetch(request, env).orElseGet(() -> Response.text("Not found", 404));
    }

    /**
     * The 3-node room's server: a class of its own, as objects of one class share their ids (as in
     * workerd), so each partysub configuration needs its own class to find its objects.
     */
    public static class FixedBus extends PubSubServer {
        public FixedBus(DurableObjectState ctx, Env env) {
            super(ctx, env);
        }
    }

    /** The autoscaled room's server. */
    public static class AutoBus extends PubSubServer {
        public AutoBus(DurableObjectState ctx, Env env) {
            super(ctx, env);
        }
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
