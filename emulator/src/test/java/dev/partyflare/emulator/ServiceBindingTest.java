package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.Worker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several Workers in one emulator and service bindings between them. The behaviour on errors is
 * workerd's (1.20260426, two Workers under bare {@code workerd serve}, observed by hand): the
 * target's exception rejects the caller's {@code fetch()} with the same type and message and {@code
 * e.remote === true}; it is not turned into a 500 response.
 */
class ServiceBindingTest {
    @TempDir
    Path dir;

    /** The main Worker: {@code /call/<path>} forwards to AUTH, {@code /catch/<path>} reports errors. */
    public static final class Front implements Worker {
        @Override
        public Response fetch(Request request, Env env, ExecutionContext ctx) {
            String path = request.path();
            if (path.startsWith("/call/")) {
                Response r =
                        env.service("AUTH").fetch(Request.post("http://auth.internal/" + path.substring(6), "payload"));
                return Response.text("front saw " + r.status() + " " + r.text(), 200);
            }
            if (path.startsWith("/catch/")) {
                try {
                    env.service("AUTH").fetch("http://auth.internal/" + path.substring(7));
                    return Response.text("no error");
                } catch (DurableObjectException e) {
                    return Response.text("threw " + e.errorType() + ": " + e.getMessage() + " remote=" + e.remote());
                }
            }
            if (path.startsWith("/object/")) {
                return env.namespace("CALLER").getByName("a").fetch("http://o/" + path.substring(8));
            }
            if (path.equals("/leaf")) {
                return Response.text("front leaf, services " + env.serviceNames());
            }
            return Response.text("front " + path);
        }
    }

    /** The second Worker: echoes what it got, with its own vars; can call back the front. */
    public static final class Auth implements Worker {
        @Override
        public Response fetch(Request request, Env env, ExecutionContext ctx) {
            String path = request.path();
            switch (path) {
                case "/throw" -> throw new IllegalStateException("boom from auth");
                case "/back" -> {
                    return Response.text("auth via "
                            + env.service("FRONT").fetch("http://front/leaf").text());
                }
                case "/null" -> {
                    return null;
                }
                default -> {}
            }
            return Response.builder(201)
                    .header("x-auth", "yes")
                    .body("auth got " + request.method() + " " + request.url() + " " + request.text() + " secret="
                            + env.var("SECRET").orElse("?") + " namespaces=" + env.namespaceNames())
                    .build();
        }
    }

    /** An object that calls AUTH from inside an event. */
    public static final class Caller extends DurableObject {
        public Caller(DurableObjectState ctx, Env env) {
            super(ctx, env);
        }

        @Override
        public Response fetch(Request request) {
            ctx.storage().put("n", 1L);
            Response r = env.service("AUTH").fetch(Request.post("http://auth/from-object", "x"));
            return Response.text("object saw " + r.status() + " " + r.text());
        }
    }

    private static EmulatorOptions.Builder options() {
        return EmulatorOptions.builder()
                .workerName("front")
                .worker(new Front())
                .durableObject("CALLER", Caller.class)
                .service("AUTH", "auth")
                .worker(EmulatorOptions.NamedWorker.of("auth", new Auth())
                        .withVar("SECRET", "s3")
                        .withService("FRONT", "front"))
                .http(false)
                .manualClock(TestEmulators.T0);
    }

    @Test
    void serviceBindingRunsTheOtherWorkersFetchWithItsOwnEnv() {
        try (Emulator emu = Emulator.start(options().build())) {
            Response r = emu.fetch("/call/hello");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text())
                    .isEqualTo("front saw 201 auth got POST http://auth.internal/hello payload secret=s3"
                            + " namespaces=[]");
            // the main Worker's env has the binding; the other's does not see the main Worker's vars
            assertThat(emu.fetch("/leaf").text()).isEqualTo("front leaf, services [AUTH]");
        }
    }

    @Test
    void otherWorkersHaveTheirOwnServiceBindings() {
        try (Emulator emu = Emulator.start(options().build())) {
            assertThat(emu.fetch("/call/back").text()).isEqualTo("front saw 200 auth via front leaf, services [AUTH]");
        }
    }

    @Test
    void anExceptionOfTheTargetRejectsTheCallersFetchAsWorkerdDoes() {
        try (Emulator emu = Emulator.start(options().build())) {
            assertThat(emu.fetch("/catch/throw").text())
                    .isEqualTo("threw java.lang.IllegalStateException: boom from auth remote=true");
            assertThat(emu.fetch("/catch/null").text())
                    .startsWith("threw java.lang.IllegalStateException: The fetch() of Worker \"auth\" returned null");
            // uncaught in the caller, it is the caller's 500
            Response r = emu.fetch("/call/throw");
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.text()).startsWith("java.lang.IllegalStateException: boom from auth");
        }
    }

    @Test
    void aDurableObjectCallsAServiceAsOutboundIo() {
        try (Emulator emu = Emulator.start(options().build())) {
            assertThat(emu.fetch("/object/x").text())
                    .isEqualTo("object saw 201 auth got POST http://auth/from-object x secret=s3 namespaces=[]");
        }
    }

    @Test
    void servedOverHttpTheMainWorkerAnswers() throws Exception {
        try (Emulator emu = Emulator.start(options().http(true).build());
                HttpClient client = HttpClient.newHttpClient()) {
            URI base = emu.url().orElseThrow();
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(base.resolve("/call/over-http"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith("front saw 201 auth got POST http://auth.internal/over-http payload");
        }
    }

    @Test
    void unknownBindingNamesTheOnesThatExist() {
        try (Emulator emu = Emulator.start(options().build())) {
            assertThatThrownBy(() -> emu.env().service("NOPE"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("No service binding named \"NOPE\"")
                    .hasMessageContaining("[AUTH]");
        }
    }

    @Test
    void aBindingToAWorkerThatIsNotHereFailsWhenBuilt() {
        assertThatThrownBy(() -> EmulatorOptions.builder()
                        .worker(new Front())
                        .service("AUTH", "auth")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Service binding \"AUTH\" names the Worker \"auth\", which this emulator does"
                        + " not run; its Workers are [worker]");
        assertThatThrownBy(() -> EmulatorOptions.builder()
                        .worker("a", new Auth())
                        .worker("a", new Auth())
                        .build())
                .hasMessageContaining("Two Workers are named \"a\"");
        assertThatThrownBy(() -> EmulatorOptions.builder()
                        .durableObject("AUTH", Caller.class)
                        .worker("auth", new Auth())
                        .service("AUTH", "auth")
                        .build())
                .hasMessageContaining("Binding \"AUTH\" of Worker \"worker\" is declared twice");
    }

    @Test
    void reloadReplacesTheOtherWorkers() {
        try (Emulator emu = Emulator.start(options().build())) {
            Worker v2 = (req, env, ctx) -> Response.text("auth v2");
            emu.reload(options().worker(EmulatorOptions.NamedWorker.of("auth2", v2)).build().toBuilder()
                    .build());
            assertThat(emu.fetch("/call/x").text()).startsWith("front saw 201 auth got");
            EmulatorOptions replaced = EmulatorOptions.builder()
                    .workerName("front")
                    .worker(new Front())
                    .durableObject("CALLER", Caller.class)
                    .service("AUTH", "auth")
                    .worker("auth", v2)
                    .build();
            emu.reload(replaced);
            assertThat(emu.fetch("/call/x").text()).isEqualTo("front saw 200 auth v2");
        }
    }

    @Test
    void configServicesAreReadWithTheirLines() throws Exception {
        String toml = """
                name = "front"
                main = "dev.partyflare.emulator.ServiceBindingTest$Front"

                [[services]]
                binding = "AUTH"
                service = "auth"

                [[services]]
                binding = "MAIL"
                service = "mailer"
                """;
        Path file = dir.resolve("wrangler.toml");
        Files.writeString(file, toml);
        // a Worker added in code satisfies one binding; the other names its line
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> EmulatorOptions.fromConfig(file)
                        .worker("auth", new Auth())
                        .build());
        assertThat(e.line()).isEqualTo(10);
        assertThat(e.getMessage())
                .startsWith(file + ":10: Service binding \"MAIL\" names the Worker \"mailer\"")
                .contains("its Workers are [front, auth]")
                .contains("hint: Add the Worker");
        EmulatorOptions ok = EmulatorOptions.fromConfig(file)
                .worker("auth", new Auth())
                .worker("mailer", (req, env, ctx) -> Response.text("mail"))
                .http(false)
                .build();
        assertThat(ok.services())
                .extracting(EmulatorOptions.ServiceBindingSpec::binding, EmulatorOptions.ServiceBindingSpec::line)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("AUTH", 6),
                        org.assertj.core.groups.Tuple.tuple("MAIL", 10));
        try (Emulator emu = Emulator.start(ok)) {
            assertThat(emu.env().service("MAIL").fetch("http://m/").text()).isEqualTo("mail");
        }
    }

    @Test
    void malformedServiceEntriesAreRejectedWithTheirLines() throws Exception {
        Path noService = dir.resolve("a.toml");
        Files.writeString(noService, "name = \"x\"\n[[services]]\nbinding = \"AUTH\"\n");
        ConfigException e = catchThrowableOfType(
                ConfigException.class, () -> dev.partyflare.emulator.internal.config.WranglerConfig.load(noService));
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).contains("Service binding \"AUTH\" has no \"service\"");
        Path entrypoint = dir.resolve("b.toml");
        Files.writeString(
                entrypoint,
                "name = \"x\"\n[[services]]\nbinding = \"AUTH\"\nservice = \"auth\"\nentrypoint = \"Admin\"\n"
                        + "props = \"ann\"\n");
        e = catchThrowableOfType(
                ConfigException.class, () -> dev.partyflare.emulator.internal.config.WranglerConfig.load(entrypoint));
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.getMessage()).contains("\"props\" of service binding \"AUTH\" must be a table");
        Files.writeString(
                entrypoint,
                "name = \"x\"\n[[services]]\nbinding = \"AUTH\"\nservice = \"auth\"\nentrypoint = \"Admin\"\n"
                        + "props = { user = \"ann\", n = 1 }\n");
        assertThat(dev.partyflare.emulator.internal.config.WranglerConfig.load(entrypoint)
                        .services())
                .containsExactly(new dev.partyflare.emulator.internal.config.ProjectConfig.ServiceConfig(
                        "AUTH", "auth", "Admin", java.util.Map.of("user", "ann", "n", 1)));
        Path json = dir.resolve("wrangler.json");
        Files.writeString(json, """
                {
                  "name": "x",
                  "services": [
                    { "binding": "auth-x", "service": "auth" }
                  ]
                }
                """);
        e = catchThrowableOfType(
                ConfigException.class, () -> dev.partyflare.emulator.internal.config.WranglerConfig.load(json));
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.getMessage()).contains("Binding name \"auth-x\" is not a valid identifier");
    }
}
