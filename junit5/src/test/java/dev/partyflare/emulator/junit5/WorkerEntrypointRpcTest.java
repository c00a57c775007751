package dev.partyflare.emulator.junit5;

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
import dev.partyflare.durable.WorkerEntrypoint;
import dev.partyflare.emulator.EmulatorOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * RPC over service bindings to a {@link WorkerEntrypoint} and its named entrypoints, and {@code
 * ctx.props}. Texts and behaviour are workerd's (1.20260426, probed with two Workers under bare
 * {@code workerd serve}; the conformance scenarios {@code services.rpc.*} compare them).
 */
class WorkerEntrypointRpcTest {

    /** What a caller of the auth Worker's default entrypoint may use, typed. */
    public interface AuthApi {
        int add(int a, int b);

        Map<String, Object> decorate(Map<String, Object> o);

        void boom();
    }

    /** The auth Worker's default export. */
    public static final class Auth extends WorkerEntrypoint implements AuthApi {
        private int calls;

        public Auth(ExecutionContext ctx, Env env) {
            super(ctx, env);
        }

        @Override
        public Response fetch(Request request) {
            return Response.text(
                    "auth fetch " + request.path() + " " + env.var("GREETING").orElse("?"));
        }

        @Override
        public int add(int a, int b) {
            return a + b;
        }

        @Override
        public Map<String, Object> decorate(Map<String, Object> o) {
            o.put("seen", true); // a copy: the caller's map is not changed
            return o;
        }

        @Override
        public void boom() {
            throw new IllegalArgumentException("auth rpc boom");
        }

        /** 1 on every call: each call gets a new instance. */
        public int count() {
            return ++calls;
        }

        public Map<String, Object> props() {
            return ctx.props();
        }
    }

    /** The auth Worker's named entrypoint {@code Admin}. */
    public static final class Admin extends WorkerEntrypoint {
        public Admin(ExecutionContext ctx, Env env) {
            super(ctx, env);
        }

        @Override
        public Response fetch(Request request) {
            return Response.text("admin fetch " + request.path(), 202);
        }

        public String whoami(String x) {
            return "admin " + x + " " + env.var("GREETING").orElse("?") + " props=" + ctx.props();
        }
    }

    /** A named entrypoint without a fetch handler. */
    public static final class NoFetch extends WorkerEntrypoint {
        public NoFetch(ExecutionContext ctx, Env env) {
            super(ctx, env);
        }

        public String ping() {
            return "pong";
        }
    }

    /** A Worker that is not a WorkerEntrypoint: it has no RPC methods. */
    public static final class Plain implements Worker {
        @Override
        public Response fetch(Request request, Env env, ExecutionContext ctx) {
            return Response.text("plain");
        }

        public int add(int a, int b) {
            return a + b;
        }
    }

    /** The main Worker: {@code /admin} calls Admin with the props of its binding. */
    public static final class Front implements Worker {
        @Override
        public Response fetch(Request request, Env env, ExecutionContext ctx) {
            return switch (request.path()) {
                case "/admin" -> Response.text(env.service("ADMIN").call(String.class, "whoami", "z"));
                case "/object" -> env.namespace("CALLER").getByName("a").fetch("http://o/");
                default -> Response.text("front " + ctx.props());
            };
        }
    }

    /** An object that calls the auth Worker over RPC inside its event. */
    public static final class Caller extends DurableObject {
        public Caller(DurableObjectState ctx, Env env) {
            super(ctx, env);
        }

        @Override
        public Response fetch(Request request) {
            ctx.storage().put("n", 1L);
            return Response.text("sum " + env.service("AUTH").rpc(AuthApi.class).add(20, 22));
        }
    }

    @Nested
    @PartyflareTest(
            worker = Front.class,
            workerName = "front",
            durableObjects = Caller.class,
            services = {"AUTH=auth", "ADMIN=auth#Admin", "NOFETCH=auth#NoFetch", "PLAIN=plain"},
            workers = {
                @PartyflareTest.OtherWorker(
                        name = "auth",
                        type = Auth.class,
                        entrypoints = {Admin.class, NoFetch.class},
                        vars = "GREETING=hello"),
                @PartyflareTest.OtherWorker(name = "plain", type = Plain.class)
            })
    class FromTheAnnotation {
        @Test
        void aTypedProxyCallsTheDefaultEntrypointWithCopiedArguments(PartyflareEnv env) {
            AuthApi auth = env.env().service("AUTH").rpc(AuthApi.class);
            assertThat(auth.add(2, 40)).isEqualTo(42);
            Map<String, Object> mine = new java.util.LinkedHashMap<>(Map.of("a", 1, "b", List.of("x")));
            assertThat(auth.decorate(mine)).isEqualTo(Map.of("a", 1, "b", List.of("x"), "seen", true));
            assertThat(mine).doesNotContainKey("seen");
        }

        @Test
        void untypedCallsAndANewInstancePerCall(PartyflareEnv env) {
            var auth = env.env().service("AUTH");
            assertThat(auth.call("add", 1, 2)).isEqualTo(3);
            assertThat(auth.call(Integer.class, "count")).isEqualTo(1);
            assertThat(auth.call(Integer.class, "count")).isEqualTo(1);
            assertThat(auth.entrypoint()).isEmpty();
            assertThat(env.env().service("ADMIN").entrypoint()).contains("Admin");
        }

        @Test
        void anExceptionArrivesRemoteWithItsTypeAndMessage(PartyflareEnv env) {
            DurableObjectException e = catchThrowableOfType(
                    DurableObjectException.class,
                    () -> env.env().service("AUTH").rpc(AuthApi.class).boom());
            assertThat(e.getMessage()).isEqualTo("auth rpc boom");
            assertThat(e.errorType()).isEqualTo("java.lang.IllegalArgumentException");
            assertThat(e.remote()).isTrue();
            assertThat(env.uncaughtErrors())
                    .anySatisfy(u -> assertThat(u.error()).hasMessage("auth rpc boom"));
        }

        @Test
        void aMissingMethodGivesWorkerdsText(PartyflareEnv env) {
            for (String binding : List.of("AUTH", "ADMIN", "PLAIN")) {
                assertThatThrownBy(() -> env.env().service(binding).call("noSuchMethod"))
                        .isInstanceOf(DurableObjectException.class)
                        .hasMessage("The RPC receiver does not implement the method \"noSuchMethod\".")
                        .satisfies(t -> assertThat(((DurableObjectException) t).remote())
                                .isTrue());
            }
            // handlers are not RPC methods; a plain Worker's public methods are not either
            assertThatThrownBy(() -> env.env().service("AUTH").call("scheduled", Map.of()))
                    .hasMessage("The RPC receiver does not implement the method \"scheduled\".");
            assertThatThrownBy(() -> env.env().service("PLAIN").call("add", 1, 2))
                    .hasMessage("The RPC receiver does not implement the method \"add\".");
        }

        @Test
        void namedEntrypointsAnswerFetchAndRpc(PartyflareEnv env) {
            var admin = env.env().service("ADMIN");
            Response r = admin.fetch("http://x/a");
            assertThat(r.status()).isEqualTo(202);
            assertThat(r.text()).isEqualTo("admin fetch /a");
            assertThat(admin.call("whoami", "z")).isEqualTo("admin z hello props={}");
            assertThat(env.env().service("AUTH").fetch("http://x/hi").text()).isEqualTo("auth fetch /hi hello");
            assertThat(env.env().service("NOFETCH").call("ping")).isEqualTo("pong");
        }

        @Test
        void fetchToAnEntrypointWithoutFetchRejectsWithWorkerdsText(PartyflareEnv env) {
            assertThatThrownBy(() -> env.env().service("NOFETCH").fetch("http://x/a"))
                    .isInstanceOf(DurableObjectException.class)
                    .hasMessage("Handler does not export a fetch() function.");
        }

        @Test
        void anObjectCallsOverRpcInsideItsEvent(PartyflareEnv env) {
            assertThat(env.fetch("/object").text()).isEqualTo("sum 42");
        }
    }

    @Nested
    @PartyflareTest(
            config = "settings/entrypoints.toml",
            workers =
                    @PartyflareTest.OtherWorker(
                            name = "auth",
                            type = Auth.class,
                            entrypoints = Admin.class,
                            vars = "GREETING=hi"))
    class FromConfig {
        @Test
        void entrypointAndPropsFromTheConfigReachTheTarget(PartyflareEnv env) {
            assertThat(env.fetch("/admin").text()).isEqualTo("admin z hi props={user=ann, level=3}");
            assertThat(env.env().service("ADMIN_PLAIN").call("whoami", "y")).isEqualTo("admin y hi props={}");
            // ctx.props of an HTTP request and of a binding without props: empty, as workerd's {}
            assertThat(env.fetch("/").text()).isEqualTo("front {}");
            assertThat(env.env().service("AUTH").call("props")).isEqualTo(Map.of());
        }
    }

    @Nested
    @PartyflareTest(config = "settings/entrypoint-main.toml")
    class MainFromConfig {
        @Test
        void aWorkerEntrypointAsMainServesHttp(PartyflareEnv env) {
            assertThat(env.fetch("/x").text()).isEqualTo("auth fetch /x from config");
        }
    }

    @Test
    void aBindingToAMissingEntrypointFailsWhenBuilt() {
        assertThatThrownBy(() -> EmulatorOptions.builder()
                        .worker(new Front())
                        .service("ADMIN", "auth", "Root")
                        .worker(EmulatorOptions.NamedWorker.of("auth", Auth.class)
                                .withEntrypoint(Admin.class))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Service binding \"ADMIN\" names the entrypoint \"Root\" of Worker \"auth\","
                        + " which has none of that name; its named entrypoints are [Admin]");
        assertThatThrownBy(() -> WorkerEntrypoint.asWorker(Broken.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a public constructor (ExecutionContext ctx, Env env)");
    }

    /** No (ExecutionContext, Env) constructor. */
    public static final class Broken extends WorkerEntrypoint {
        public Broken() {
            super(null, null);
        }
    }
}
