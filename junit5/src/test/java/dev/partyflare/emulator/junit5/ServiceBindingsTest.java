package dev.partyflare.emulator.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.Worker;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Several Workers and service bindings through the harness: from a config and from the annotation. */
class ServiceBindingsTest {

    /** Forwards {@code /users/...} to USERS, turning its errors into a 502. */
    public static final class Gateway implements Worker {
        @Override
        public Response fetch(Request request, Env env, ExecutionContext ctx) {
            if (!request.path().startsWith("/users/")) {
                return Response.text("gateway", 404);
            }
            try {
                return env.service("USERS")
                        .fetch(Request.get("http://users" + request.path().substring(6)));
            } catch (DurableObjectException e) {
                return Response.text("users failed: " + e.getMessage(), 502);
            }
        }
    }

    /** Answers with its own var; {@code /fail} throws. */
    public static final class Users implements Worker {
        @Override
        public Response fetch(Request request, Env env, ExecutionContext ctx) {
            if (request.path().equals("/fail")) {
                throw new IllegalStateException("users is down");
            }
            return Response.text(
                    env.var("REGION").orElse("none") + " user " + request.path().substring(1));
        }
    }

    @Nested
    @PartyflareTest(
            config = "settings/services.toml",
            workers = @PartyflareTest.OtherWorker(name = "users", type = Users.class, vars = "REGION=eu"))
    class FromConfig {
        @Test
        void theBindingReachesTheOtherWorker(PartyflareEnv env) {
            assertThat(env.fetch("/users/ada").text()).isEqualTo("eu user ada");
            assertThat(env.env().serviceNames()).containsExactly("USERS");
        }

        @Test
        void errorsOfTheTargetReachTheCallerAndAreRecorded(PartyflareEnv env) {
            Response r = env.fetch("/users/fail");
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.text()).isEqualTo("users failed: users is down");
            assertThat(env.uncaughtErrors())
                    .anySatisfy(e -> assertThat(e.error()).hasMessage("users is down"));
        }
    }

    @Nested
    @PartyflareTest(
            worker = Gateway.class,
            workerName = "gateway",
            services = "USERS=users",
            workers = @PartyflareTest.OtherWorker(name = "users", type = Users.class))
    class FromTheAnnotation {
        @Test
        void testsCallTheBindingDirectly(PartyflareEnv env) {
            assertThat(env.env().service("USERS").fetch("http://users/bob").text())
                    .isEqualTo("none user bob");
            assertThat(env.fetch("/users/carl").text()).isEqualTo("none user carl");
        }
    }
}
