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
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import dev.partyflare.emulator.ForwardingWorker;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ctx.exports}: loopback bindings to the Worker's own entrypoints and classes, from a Worker
 * event, from an object and in another Worker. As on workerd 1.20260426 (compatibility date
 * 2026-04-01): the keys are {@code default}, the named entrypoints and the classes; {@code
 * ctx.exports.Room} reaches the same objects as the Worker's binding; {@code
 * ctx.exports.Local({props})} passes props.
 */
@PartyflareTest(
        worker = WorkerExportsTest.Home.class,
        workerName = "home",
        entrypoints = WorkerExportsTest.Local.class,
        durableObjects = WorkerExportsTest.Counter.class,
        services = "AWAY=away",
        workers =
                @PartyflareTest.OtherWorker(
                        name = "away",
                        type = WorkerExportsTest.Away.class,
                        durableObjects = WorkerExportsTest.Counter.class))
class WorkerExportsTest {

    /** The main Worker. */
    public static final class Home extends WorkerEntrypoint {
        public Home(ExecutionContext ctx, Env env) {
            super(ctx, env);
        }

        @Override
        public Response fetch(Request request) {
            var exports = ctx.exports();
            return switch (request.path()) {
                case "/names" -> Response.text(exports.names().toString());
                case "/local" ->
                    Response.text(exports.entrypoint("Local").call(String.class, "hi")
                            + " | "
                            + exports.entrypoint("Local", Map.of("a", 1)).call(String.class, "hi")
                            + " | "
                            + exports.entrypoint("Local").fetch("http://x/").text());
                case "/counter" -> {
                    long n = exports.namespace("Counter").getByName("c").call(Long.class, "incr");
                    long viaBinding = env.namespace("COUNTER").getByName("c").call(Long.class, "incr");
                    yield Response.text(n + " " + viaBinding);
                }
                case "/missing" -> {
                    StringBuilder out = new StringBuilder();
                    try {
                        exports.entrypoint("Nope");
                    } catch (IllegalArgumentException e) {
                        out.append(e.getMessage()).append('\n');
                    }
                    try {
                        exports.namespace("Local");
                    } catch (IllegalArgumentException e) {
                        out.append(e.getMessage());
                    }
                    yield Response.text(out.toString());
                }
                case "/from-object" ->
                    Response.text(env.namespace("COUNTER").getByName("c").call(String.class, "viaExports"));
                default -> Response.text("home", 404);
            };
        }

        public String self() {
            return "home default";
        }
    }

    /** A named entrypoint of the main Worker. */
    public static final class Local extends WorkerEntrypoint {
        public Local(ExecutionContext ctx, Env env) {
            super(ctx, env);
        }

        @Override
        public Response fetch(Request request) {
            return Response.text("local fetch " + ctx.props());
        }

        public String hi() {
            return "local hi " + ctx.props();
        }
    }

    /** A class both Workers define, each its own. */
    public static final class Counter extends DurableObject {
        public Counter(DurableObjectState ctx, Env env) {
            super(ctx, env);
        }

        public long incr() {
            long n = ctx.storage().get("n", Long.class).orElse(0L) + 1;
            ctx.storage().put("n", n);
            return n;
        }

        public String viaExports() {
            return ctx.exports().names() + " "
                    + ctx.exports().entrypoint("default").call(String.class, "self");
        }
    }

    /** Another Worker: its exports are its own. */
    public static final class Away extends WorkerEntrypoint {
        public Away(ExecutionContext ctx, Env env) {
            super(ctx, env);
        }

        public String names() {
            return ctx.exports().names().toString();
        }

        public long counter() {
            return ctx.exports().namespace("Counter").getByName("c").call(Long.class, "incr");
        }

        public String self() {
            return "away default";
        }

        public String viaObject() {
            return env.namespace("COUNTER").getByName("c").call(String.class, "viaExports");
        }
    }

    @Test
    void theExportsAreTheDefaultTheNamedEntrypointsAndTheClasses(PartyflareEnv env) {
        assertThat(env.fetch("/names").text()).isEqualTo("[default, Local, Counter]");
        assertThat(env.env().service("AWAY").call("names")).isEqualTo("[default, Counter]");
    }

    @Test
    void entrypointsAnswerFetchAndRpcWithTheGivenProps(PartyflareEnv env) {
        assertThat(env.fetch("/local").text()).isEqualTo("local hi {} | local hi {a=1} | local fetch {}");
    }

    @Test
    void aClassExportIsTheSameNamespaceAsTheBinding(PartyflareEnv env) {
        assertThat(env.fetch("/counter").text()).isEqualTo("1 2");
        // the other Worker's Counter is a class of its own, with its own objects
        assertThat(env.env().service("AWAY").call(Long.class, "counter")).isEqualTo(1L);
    }

    @Test
    void anObjectSeesItsWorkersExports(PartyflareEnv env) {
        assertThat(env.fetch("/from-object").text()).isEqualTo("[default, Local, Counter] home default");
        assertThat(env.env().service("AWAY").call("viaObject")).isEqualTo("[default, Counter] away default");
    }

    @Test
    void aMissingExportNamesTheOnesThatExist(PartyflareEnv env) {
        assertThat(env.fetch("/missing").text())
                .isEqualTo("The Worker \"home\" exports no entrypoint named \"Nope\"; its exports are [default,"
                        + " Local, Counter]\nThe Worker \"home\" exports no Durable Object class named \"Local\"; its"
                        + " exports are [default, Local, Counter]");
    }

    @Test
    void behindAForwardingWorkerRpcReachesTheDefaultEntrypoint() {
        Worker inner = WorkerEntrypoint.asWorker(Home.class);
        ForwardingWorker dashboard = new ForwardingWorker() {
            @Override
            public Worker target() {
                return inner;
            }

            @Override
            public Response fetch(Request request, Env env, ExecutionContext ctx) throws Exception {
                return inner.fetch(request, env, ctx);
            }
        };
        try (Emulator emu = Emulator.start(EmulatorOptions.builder()
                .workerName("home")
                .worker(dashboard)
                .entrypoint(Local.class)
                .durableObject("COUNTER", Counter.class)
                .http(false)
                .build())) {
            assertThat(emu.fetch("/from-object").text()).isEqualTo("[default, Local, Counter] home default");
        }
        // a wrapper that does not say what it forwards to has no RPC methods
        Worker opaque = inner::fetch;
        try (Emulator emu = Emulator.start(EmulatorOptions.builder()
                .workerName("home")
                .worker(opaque)
                .entrypoint(Local.class)
                .durableObject("COUNTER", Counter.class)
                .http(false)
                .build())) {
            assertThat(emu.fetch("/from-object").status()).isEqualTo(500);
        }
    }
}
