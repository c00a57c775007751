package dev.partyflare.cli.demo;

import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.Worker;
import dev.partyflare.emulator.EmulatorOptions;
import dev.partyflare.pubsub.PubSub;
import dev.partyflare.pubsub.PubSubConfig;
import dev.partyflare.pubsub.PubSubServer;
import dev.partyflare.server.Server;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The demo served by {@code partyflare dev} when a directory has no wrangler config: a chat room
 * on partyflare ({@code /parties/chat-room/<room>}), a live board on partysub ({@code
 * /parties/board/<room>}, 4 nodes in two locations) and a hit counter on a raw Durable Object,
 * behind one web page; chat messages pass through a second Worker, {@code moderation} ({@link
 * Moderation}), over the service binding {@code MODERATION}.
 */
public final class DemoApp implements Worker {
    static final PubSub BOARD = PubSub.create(
            PubSubConfig.binding("Board").nodes(4).location("weur", 1).location("wnam", 1));

    private final String page = resource("index.html");

    /** The demo's emulator options. */
    public static EmulatorOptions.Builder options() {
        return EmulatorOptions.builder()
                .workerName("partyflare-demo")
                .worker(new DemoApp())
                .durableObject("ChatRoom", ChatRoom.class)
                .durableObject("Board", PubSubServer.class)
                .durableObject("COUNTERS", Counter.class)
                .worker(EmulatorOptions.NamedWorker.of("moderation", Moderation.class))
                .service("MODERATION", "moderation");
    }

    @Override
    public Response fetch(Request request, Env env, ExecutionContext ctx) {
        String path = request.path();
        if (path.equals("/") || path.equals("/index.html")) {
            return Response.html(page);
        }
        if (path.startsWith("/parties/board/")) {
            return BOARD.route(request, env).orElseGet(() -> Response.text("Not found", 404));
        }
        if (path.startsWith("/parties/")) {
            return Server.partyFetch(request, env).orElseGet(() -> Response.text("Not found", 404));
        }
        String[] parts = path.split("/");
        if (parts.length == 4 && parts[1].equals("api") && parts[2].equals("counters")) {
            return env.namespace("COUNTERS").getByName(parts[3]).fetch(request);
        }
        return Response.text("Not found", 404);
    }

    private static String resource(String name) {
        try (InputStream in = DemoApp.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("demo resource " + name + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
