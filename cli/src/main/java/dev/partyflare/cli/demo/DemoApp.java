package dev.partyflare.cli.demo;

import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.Worker;
import dev.partyflare.emulator.EmulatorOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The demo served by {@code partyflare dev} when a directory has no wrangler config: a chat room
 * (one Durable Object per room, WebSockets) and a hit counter, behind a small web page.
 */
public final class DemoApp implements Worker {
    private final String page = resource("index.html");

    /** The demo's emulator options. */
    public static EmulatorOptions.Builder options() {
        return EmulatorOptions.builder()
                .workerName("partyflare-demo")
                .worker(new DemoApp())
                .durableObject("ROOMS", ChatRoom.class)
                .durableObject("COUNTERS", Counter.class);
    }

    @Override
    public Response fetch(Request request, Env env, ExecutionContext ctx) {
        String path = request.path();
        if (path.equals("/")) {
            return Response.html(page);
        }
        String[] parts = path.split("/");
        // /api/rooms/<room>/ws and /api/counters/<name>
        if (parts.length == 5 && parts[1].equals("api") && parts[2].equals("rooms") && parts[4].equals("ws")) {
            return env.namespace("ROOMS").getByName(parts[3]).fetch(request);
        }
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
