package dev.partyflare.emulator.junit5;

import static dev.partyflare.emulator.junit5.PartyflareAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.RpcStub;
import dev.partyflare.durable.RpcTarget;
import dev.partyflare.durable.Worker;
import dev.partyflare.durable.WorkerEntrypoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * RPC by reference: {@link RpcTarget}s and functions travel as stubs that call back into their
 * owner, with workerd's disposal rules and texts (workerd 1.20260426.1, probed under bare {@code
 * workerd serve}; the conformance scenarios {@code services.rpc.by-reference.*} compare them).
 */
@PartyflareTest(
        worker = RpcByReferenceTest.Front.class,
        durableObjects = {RpcByReferenceTest.Holder.class, RpcByReferenceTest.Relay.class},
        services = "TOOLS=tools",
        workers = @PartyflareTest.OtherWorker(name = "tools", type = RpcByReferenceTest.Tools.class))
class RpcByReferenceTest {

    /** Passed by reference: its implementations stay with their owner. */
    public interface Counter extends RpcTarget {
        int incr(int by);

        int value();

        /** Runs here, on the stub, calling {@link #incr} over RPC. */
        default int incrTwice(int by) {
            incr(by);
            return incr(by);
        }
    }

    public static final class LocalCounter implements Counter {
        final List<String> log = new ArrayList<>();
        int n;

        @Override
        public int incr(int by) {
            log.add("incr " + by);
            n += by;
            return n;
        }

        @Override
        public int value() {
            return n;
        }
    }

    /** An RpcTarget whose call resets its owner. */
    public interface Aborter extends RpcTarget {
        void go();
    }

    public interface HolderApi {
        Aborter aborter();

        List<Integer> callTwice(Function<Integer, Integer> cb);

        String keep(IntUnaryOperator cb);

        int useKept();

        String keepDup(IntUnaryOperator cb);

        String disposeKeptDup();

        int incrOn(Counter c, int by);

        Counter counter();

        int storedByCallback();

        String takeStub(Object anything);

        String abort();

        Object callBoom(Runnable cb);
    }

    /** Holds a counter of its own, and calls what it is given. */
    public static final class Holder extends DurableObject implements HolderApi {
        private final Counter counter = new Counter() {
            private int n;

            @Override
            public int incr(int by) {
                // an event of this object: its storage is at hand
                ctx.storage()
                        .put(
                                "counted",
                                ctx.storage().get("counted", Integer.class).orElse(0) + 1);
                n += by;
                return n;
            }

            @Override
            public int value() {
                return n;
            }
        };
        private IntUnaryOperator kept;
        private IntUnaryOperator keptDup;
        static volatile CountDownLatch entered = new CountDownLatch(1);
        static volatile CountDownLatch release = new CountDownLatch(1);

        public Holder(DurableObjectState ctx, Env env) {
            super(ctx, env);
        }

        @Override
        public List<Integer> callTwice(Function<Integer, Integer> cb) {
            return List.of(cb.apply(1), cb.apply(2));
        }

        @Override
        public String keep(IntUnaryOperator cb) {
            kept = cb;
            return "kept";
        }

        @Override
        public int useKept() {
            return kept.applyAsInt(5);
        }

        @Override
        public String keepDup(IntUnaryOperator cb) {
            keptDup = RpcStub.dup(cb);
            return "kept";
        }

        public int useKeptDup() {
            return keptDup.applyAsInt(6);
        }

        @Override
        public String disposeKeptDup() {
            RpcStub.dispose(keptDup);
            return "disposed";
        }

        @Override
        public int incrOn(Counter c, int by) {
            return c.incr(by);
        }

        @Override
        public Counter counter() {
            return counter;
        }

        /** Passes a callback of its own to the Relay, which calls it: it runs as an event here. */
        public int viaRelay() {
            IntUnaryOperator store = x -> {
                ctx.storage().put("fromCallback", x);
                return x * 2;
            };
            return env.namespace("RELAY").getByName("r").rpc(RelayApi.class).apply(store, 21);
        }

        @Override
        public int storedByCallback() {
            return ctx.storage().get("fromCallback", Integer.class).orElse(-1);
        }

        public int countedByCounter() {
            return ctx.storage().get("counted", Integer.class).orElse(0);
        }

        /** An event that holds the gate (it waits on no runtime I/O) until the test releases it. */
        public String block() throws InterruptedException {
            entered.countDown();
            release.await();
            return "done";
        }

        @Override
        public String takeStub(Object anything) {
            return "got";
        }

        @Override
        public String abort() {
            ctx.abort("bye");
            return "unreachable";
        }

        @Override
        public Aborter aborter() {
            return () -> ctx.abort("from target");
        }

        @Override
        public Object callBoom(Runnable cb) {
            try {
                cb.run();
                return "no";
            } catch (DurableObjectException e) {
                return e.errorType() + ": " + e.getMessage() + " remote=" + e.remote();
            }
        }
    }

    public interface RelayApi {
        int apply(IntUnaryOperator f, int x);

        int incrOn(Counter c, int by);
    }

    /** A third object: calls what it is given. */
    public static final class Relay extends DurableObject implements RelayApi {
        public Relay(DurableObjectState ctx, Env env) {
            super(ctx, env);
        }

        @Override
        public int apply(IntUnaryOperator f, int x) {
            return f.applyAsInt(x);
        }

        @Override
        public int incrOn(Counter c, int by) {
            return c.incr(by);
        }
    }

    public interface ToolsApi {
        List<Integer> callTwice(Function<Integer, Integer> cb);

        Counter makeCounter();
    }

    /** A Worker entrypoint: its results outlive its event, its calls back reach the caller. */
    public static final class Tools extends WorkerEntrypoint implements ToolsApi {
        public Tools(ExecutionContext ctx, Env env) {
            super(ctx, env);
        }

        @Override
        public List<Integer> callTwice(Function<Integer, Integer> cb) {
            return List.of(cb.apply(1), cb.apply(2));
        }

        @Override
        public Counter makeCounter() {
            return new LocalCounter();
        }
    }

    /** {@code /keep?n=}: passes a callback to a Holder, which keeps a dup of it past this request. */
    public static final class Front implements Worker {
        @Override
        public Response fetch(Request request, Env env, ExecutionContext ctx) {
            String name = request.queryParam("n").orElseThrow();
            HolderApi h = env.namespace("HOLDER").getByName(name).rpc(HolderApi.class);
            String kept = h.keepDup(x -> x + 2);
            int now = env.namespace("HOLDER").getByName(name).call(Integer.class, "useKeptDup");
            return Response.text(kept + " " + now);
        }
    }

    private static HolderApi holder(PartyflareEnv env, String name) {
        return env.env().namespace("HOLDER").getByName(name).rpc(HolderApi.class);
    }

    @Test
    void aFunctionTravelsAsAStubThatCallsBackIntoItsOwner(PartyflareEnv env) {
        List<Integer> seen = new ArrayList<>();
        Function<Integer, Integer> cb = x -> {
            seen.add(x);
            return x + 100;
        };
        assertThat(holder(env, "cb").callTwice(cb)).containsExactly(101, 102);
        assertThat(seen).containsExactly(1, 2);
        // untyped: a lambda goes by reference too
        DurableObjectStub stub = env.env().namespace("HOLDER").getByName("cb");
        assertThat(stub.call("callTwice", cb)).isEqualTo(List.of(101, 102));
        assertThat(seen).containsExactly(1, 2, 1, 2);
    }

    @Test
    void anRpcTargetArgumentIsCalledInPlaceNotCopied(PartyflareEnv env) {
        LocalCounter mine = new LocalCounter();
        assertThat(holder(env, "target").incrOn(mine, 3)).isEqualTo(3);
        assertThat(holder(env, "target").incrOn(mine, 4)).isEqualTo(7);
        assertThat(mine.n).isEqualTo(7);
        assertThat(mine.log).containsExactly("incr 3", "incr 4");
        // the journal notes a by-reference argument as "<stub>": it has no JSON
        assertThat(env.journal(env.stub("HOLDER", "target"))).hasReceivedRpc("incrOn", "<stub>", 4);
    }

    @Test
    void aParameterStubIsDisposedWhenTheCallReturnsUnlessDuplicated(PartyflareEnv env) {
        HolderApi h = holder(env, "kept");
        assertThat(h.keep(x -> x + 1)).isEqualTo("kept");
        DurableObjectException e = catchThrowableOfType(DurableObjectException.class, h::useKept);
        assertThat(e.getMessage()).isEqualTo("RPC stub used after being disposed.");
        assertThat(e.remote()).isTrue();

        DurableObjectStub stub = env.env().namespace("HOLDER").getByName("kept");
        assertThat(h.keepDup(x -> x + 2)).isEqualTo("kept");
        assertThat(stub.call(Integer.class, "useKeptDup")).isEqualTo(8);
        assertThat(h.disposeKeptDup()).isEqualTo("disposed");
        assertThatThrownBy(() -> stub.call("useKeptDup")).hasMessage("RPC stub used after being disposed.");
    }

    @Test
    void aResultStubLivesUntilTheCallerDisposesItAndADupIsIndependent(PartyflareEnv env) {
        HolderApi h = holder(env, "result");
        Counter c = h.counter();
        assertThat(c).isInstanceOf(RpcStub.class);
        assertThat(c.incr(1)).isEqualTo(1);
        assertThat(c.incr(1)).isEqualTo(2);
        assertThat(c.value()).isEqualTo(2);
        assertThat(c.incrTwice(1)).isEqualTo(4); // a default method runs here, its calls go there
        Counter d = RpcStub.dup(c);
        RpcStub.dispose(c);
        assertThatThrownBy(() -> c.incr(1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("RPC stub used after being disposed.");
        assertThat(d.incr(1)).isEqualTo(5);
        ((RpcStub) d).close();
        ((RpcStub) d).close(); // twice does nothing
        assertThatThrownBy(() -> d.incr(1)).hasMessage(RpcStub.DISPOSED);

        try (RpcStub c2 = (RpcStub) h.counter()) {
            Counter d2 = RpcStub.dup((Counter) c2);
            RpcStub.dispose(d2);
            assertThat(((Counter) c2).incr(1)).isEqualTo(6);
        }
        // each call on the owner's counter was an event of the owner, with its storage
        assertThat(env.env().namespace("HOLDER").getByName("result").call(Integer.class, "countedByCounter"))
                .isEqualTo(6);
        assertThatThrownBy(() -> RpcStub.dup(new LocalCounter())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStubPassedToAThirdObjectStillReachesItsOwner(PartyflareEnv env) {
        Counter c = holder(env, "third").counter();
        RelayApi relay = env.env().namespace("RELAY").getByName("third").rpc(RelayApi.class);
        assertThat(relay.incrOn(c, 5)).isEqualTo(5);
        assertThat(c.value()).isEqualTo(5);
        // the stub the relay received was disposed with its call; the caller's own stays usable
        assertThat(c.incr(1)).isEqualTo(6);
    }

    @Test
    void anObjectsCallbackRunsAsAnEventOfThatObjectWhileItWaits(PartyflareEnv env) {
        DurableObjectStub stub = env.env().namespace("HOLDER").getByName("gate");
        // Holder waits on the Relay (its gate open), the Relay calls Holder's callback: an event of Holder
        assertThat(stub.call(Integer.class, "viaRelay")).isEqualTo(42);
        assertThat(holder(env, "gate").storedByCallback()).isEqualTo(21);
    }

    @Test
    void callsOnAnObjectsStubWaitBehindItsInputGate(PartyflareEnv env) throws Exception {
        Holder.entered = new CountDownLatch(1);
        Holder.release = new CountDownLatch(1);
        Counter c = holder(env, "gate-order").counter();
        DurableObjectStub stub = env.env().namespace("HOLDER").getByName("gate-order");
        CompletableFuture<Object> blocking = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> blocking.complete(stub.call("block")));
        assertThat(Holder.entered.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Integer> incr = new CompletableFuture<>();
        Thread caller = Thread.ofVirtual().start(() -> incr.complete(c.incr(1)));
        // bounded wait on state: the call parks, queued behind the event that holds the gate
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (caller.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(caller.getState()).isEqualTo(Thread.State.WAITING);
        assertThat(incr).isNotDone();

        Holder.release.countDown();
        assertThat(blocking.get(10, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(incr.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }

    @Test
    void aWorkersCallbacksRunOneAtATimeButInterleaveWhereOneWaitsOnIo(PartyflareEnv env) throws Exception {
        Holder.entered = new CountDownLatch(1);
        Holder.release = new CountDownLatch(1);
        var holders = env.env().namespace("HOLDER");
        DurableObjectStub blocker = holders.getByName("interleave-blocker");
        DurableObjectStub slowKeeper = holders.getByName("interleave-slow");
        DurableObjectStub quickKeeper = holders.getByName("interleave-quick");
        // both callbacks belong to this test's context (exported from this thread)
        IntUnaryOperator slow = x -> {
            blocker.call("block"); // a stub call: I/O, as an await in JS
            return x;
        };
        IntUnaryOperator quick = x -> x + 1;
        assertThat(slowKeeper.call("keepDup", slow)).isEqualTo("kept");
        assertThat(quickKeeper.call("keepDup", quick)).isEqualTo("kept");
        try {
            CompletableFuture<Integer> slowDone = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> slowDone.complete(slowKeeper.call(Integer.class, "useKeptDup")));
            assertThat(Holder.entered.await(10, TimeUnit.SECONDS)).isTrue(); // slow waits inside block()

            // while slow waits, another call back into the same context runs
            CompletableFuture<Integer> quickDone = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> quickDone.complete(quickKeeper.call(Integer.class, "useKeptDup")));
            assertThat(quickDone.get(10, TimeUnit.SECONDS)).isEqualTo(7);
            assertThat(slowDone).isNotDone();

            Holder.release.countDown();
            assertThat(slowDone.get(10, TimeUnit.SECONDS)).isEqualTo(6);
        } finally {
            Holder.release.countDown();
        }
    }

    @Test
    void aStubCallsReplyWaitsForItsOwnersWriteAndAFailedWriteResetsTheOwner(PartyflareEnv env) {
        Counter c = holder(env, "output-gate").counter();
        assertThat(c.incr(1)).isEqualTo(1); // incr writes in the owner's storage
        env.faults(env.stub("HOLDER", "output-gate")).failNextCommits(1);
        DurableObjectException e = catchThrowableOfType(DurableObjectException.class, () -> c.incr(1));
        assertThat(e).hasMessage("Internal error in Durable Object storage write caused object to be reset.");
        assertThat(e.durableObjectReset()).isTrue(); // the reply that depended on the write never left
        assertThatThrownBy(() -> c.incr(1))
                .hasMessage("The execution context which hosts this callback is no longer running.");
    }

    @Test
    void aRequestsCallbacksEndWithTheRequest(PartyflareEnv env) {
        assertThat(env.fetch("/keep?n=after-request").text()).isEqualTo("kept 8");
        DurableObjectException e = catchThrowableOfType(
                DurableObjectException.class,
                () -> env.stub("HOLDER", "after-request").call("useKeptDup"));
        assertThat(e).hasMessage("The execution context which hosts this callback is no longer running.");
        assertThat(e.remote()).isTrue(); // it failed inside the object, which did not catch it
    }

    @Test
    void errorsCrossACallbackAsTheyCrossRpc(PartyflareEnv env) {
        Object answer = holder(env, "errors").callBoom(() -> {
            throw new IllegalArgumentException("cb bad");
        });
        assertThat(answer).isEqualTo("java.lang.IllegalArgumentException: cb bad remote=true");
        Counter c = holder(env, "errors").counter();
        assertThat(c.incr(2)).isEqualTo(2);
    }

    @Test
    void stubsOfDurableObjectsIdsAndServicesCannotBePassed(PartyflareEnv env) {
        HolderApi h = holder(env, "stubarg");
        var ns = env.env().namespace("HOLDER");
        assertThatThrownBy(() -> h.takeStub(ns.getByName("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Could not serialize object of type \"DurableObject\". This type does not support"
                        + " serialization.");
        assertThatThrownBy(() -> h.takeStub(ns.getByName("x").rpc(HolderApi.class)))
                .hasMessage("Could not serialize object of type \"DurableObject\". This type does not support"
                        + " serialization.");
        assertThatThrownBy(() -> h.takeStub(ns.idFromName("x")))
                .hasMessage("Could not serialize object of type \"DurableObjectId\". This type does not support"
                        + " serialization.");
        assertThatThrownBy(() -> h.takeStub(env.env().service("TOOLS")))
                .hasMessage("ServiceStub serialization requires the 'experimental' compat flag.");
        assertThat(h.takeStub("plain")).isEqualTo("got");
    }

    @Test
    void aStubOfAResetObjectFailsWithWorkerdsText(PartyflareEnv env) {
        HolderApi h = holder(env, "reset");
        Counter c = h.counter();
        assertThat(c.incr(1)).isEqualTo(1);
        assertThatThrownBy(h::abort).isInstanceOf(DurableObjectException.class).hasMessage("bye");
        assertThatThrownBy(() -> c.incr(1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("The execution context which hosts this callback is no longer running.");
        // the object itself comes back, with a new counter
        assertThat(h.counter().incr(1)).isEqualTo(1);

        // a call on the stub that resets its owner: the caller sees the reset, later calls the owner gone
        Aborter a = h.aborter();
        DurableObjectException reset = catchThrowableOfType(DurableObjectException.class, a::go);
        assertThat(reset.getMessage()).isEqualTo("from target");
        assertThat(reset.remote()).isTrue();
        assertThat(reset.durableObjectReset()).isTrue();
        assertThatThrownBy(a::go).hasMessage("The execution context which hosts this callback is no longer running.");
    }

    @Test
    void aWorkerEntrypointCallsBackAndItsResultsOutliveItsEvent(PartyflareEnv env) {
        ToolsApi tools = env.env().service("TOOLS").rpc(ToolsApi.class);
        assertThat(tools.callTwice(x -> x * 2)).containsExactly(2, 4);
        Counter t = tools.makeCounter();
        assertThat(t.incr(2)).isEqualTo(2);
        assertThat(t.incr(2)).isEqualTo(4);
        RpcStub.dispose(t);
    }
}
