package dev.partyflare.emulator.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.Worker;
import dev.partyflare.durable.WorkerEntrypoint;
import org.junit.jupiter.api.Test;

/**
 * {@code workerConfigs}: a second Worker loaded from its own wrangler config (workers/rooms.toml),
 * reached through a service binding and a {@code script_name} Durable Object binding of the main
 * Worker, with its own vars.
 */
@PartyflareTest(
        worker = OtherWorkerConfigsTest.Front.class,
        services = "ROOMS=rooms",
        bindings =
                @PartyflareTest.Binding(name = "ROOM", type = OtherWorkerConfigsTest.Room.class, scriptName = "rooms"),
        workerConfigs = "workers/rooms.toml")
class OtherWorkerConfigsTest {

    public static final class Room extends DurableObject {
        public Room(DurableObjectState ctx, Env env) {
            super(ctx, env);
        }

        public String incr() {
            long n = ctx.storage().get("n", Long.class).orElse(0L) + 1;
            ctx.storage().put("n", n);
            return n + " " + env.var("GREETING").orElse("no greeting");
        }
    }

    public static final class Rooms extends WorkerEntrypoint {
        public Rooms(ExecutionContext ctx, Env env) {
            super(ctx, env);
        }

        public String hello(String who) {
            return env.var("GREETING").orElse("?") + ", " + who;
        }
    }

    public static final class Front implements Worker {
        @Override
        public Response fetch(Request request, Env env, ExecutionContext ctx) {
            if (request.path().equals("/room")) {
                return Response.text(env.namespace("ROOM").getByName("a").call(String.class, "incr"));
            }
            return Response.text(env.service("ROOMS").call(String.class, "hello", "ann"));
        }
    }

    @Test
    void theConfiguredWorkerAnswersThroughItsServiceBinding(PartyflareEnv env) {
        assertThat(env.fetch("/").text()).isEqualTo("hi from rooms, ann");
    }

    @Test
    void itsClassRunsWithItsOwnEnvThroughScriptName(PartyflareEnv env) {
        assertThat(env.fetch("/room").text()).isEqualTo("1 hi from rooms");
        assertThat(env.fetch("/room").text()).isEqualTo("2 hi from rooms");
    }
}
