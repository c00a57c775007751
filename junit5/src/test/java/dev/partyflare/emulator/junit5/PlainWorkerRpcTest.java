package dev.partyflare.emulator.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.Worker;
import org.junit.jupiter.api.Test;

/**
 * RPC to a plain Worker (not a WorkerEntrypoint), as workerd calls the functions of {@code export
 * default {...}}: exactly one argument, then env and ctx (probed on workerd 1.20260426; the
 * conformance scenario services.rpc.plain-worker compares it over the wire).
 */
@PartyflareTest(
        worker = PlainWorkerRpcTest.Front.class,
        services = "PLAIN=plain",
        workers =
                @PartyflareTest.OtherWorker(name = "plain", type = PlainWorkerRpcTest.Plain.class, vars = "WHO=plain"))
class PlainWorkerRpcTest {

    public static final class Plain implements Worker {
        @Override
        public Response fetch(Request request, Env env, ExecutionContext ctx) {
            return Response.text("plain");
        }

        public String greet(String name, Env env, ExecutionContext ctx) {
            return "hello " + name + " from " + env.var("WHO").orElse("?");
        }

        public int twice(int n) {
            return 2 * n;
        }
    }

    public static final class Front implements Worker {
        @Override
        public Response fetch(Request request, Env env, ExecutionContext ctx) {
            return Response.text("front");
        }
    }

    @Test
    void aFunctionTakesOneArgumentThenEnvAndCtx(PartyflareEnv env) {
        assertThat(env.env().service("PLAIN").call(String.class, "greet", "ann"))
                .isEqualTo("hello ann from plain");
        assertThat(env.env().service("PLAIN").call(Integer.class, "twice", 21)).isEqualTo(42);
    }

    @Test
    void anotherArgumentCountIsRefusedWithWorkerdsText(PartyflareEnv env) {
        DurableObjectException e = catchThrowableOfType(
                DurableObjectException.class, () -> env.env().service("PLAIN").call(String.class, "greet", "a", "b"));
        assertThat(e.getMessage())
                .startsWith("Attempted to call RPC function \"greet\" with the wrong number of arguments.");
        assertThat(e.remote()).isTrue();
        assertThat(catchThrowableOfType(
                                DurableObjectException.class,
                                () -> env.env().service("PLAIN").call("nope", 1))
                        .getMessage())
                .isEqualTo("The RPC receiver does not implement the method \"nope\".");
    }
}
