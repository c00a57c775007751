package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.fixtures.ProbeApi;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link ObjectRouter} SPI: a front emulator whose router delivers every stub call to an owner
 * emulator, as partyflare-cluster does between nodes; the object lives in the owner only.
 */
class ObjectRouterTest {
    Emulator owner;
    Emulator front;
    final List<String> routed = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        owner = TestEmulators.inProcess();
        ObjectRouter toOwner = new ObjectRouter() {
            @Override
            public Response fetch(Call<Response> call, Request request) {
                routed.add("fetch " + call.binding() + " " + call.id().name().orElse("?"));
                return owner.stubHere(
                                call.binding(), call.id(), call.locationHint().orElse(null))
                        .fetch(request);
            }

            @Override
            public boolean alarm(Call<Boolean> call) {
                routed.add("alarm " + call.binding());
                return owner.runDueAlarm(call.binding(), call.id());
            }

            @Override
            public byte[] rpc(Call<byte[]> call, String method, byte[][] jsonArgs) {
                routed.add("rpc " + method);
                DurableObjectStub here = owner.stubHere(
                        call.binding(), call.id(), call.locationHint().orElse(null));
                // as a cluster carries references: the caller's exports held for the owner, which
                // calls them through stand-ins; the result's export held for the caller
                byte[][] args = jsonArgs.clone();
                for (int i = 0; i < args.length; i++) {
                    if (RpcReferences.isReference(args[i])) {
                        args[i] = standFor(RpcReferences.hold(args[i]));
                    }
                }
                try {
                    byte[] result = owner.rpcHere(here, method, args);
                    return RpcReferences.isReference(result) ? standFor(RpcReferences.adopt(result)) : result;
                } finally {
                    for (int i = 0; i < args.length; i++) {
                        if (args[i] != jsonArgs[i]) {
                            RpcReferences.release(args[i]); // the stand-in's reference for this call
                        }
                    }
                }
            }
        };
        front = Emulator.start(TestEmulators.probe()
                .http(false)
                .manualClock(TestEmulators.T0)
                .objectRouter(toOwner)
                .build());
    }

    @AfterEach
    void stop() {
        front.close();
        owner.close();
    }

    @Test
    void callsRunInTheOwnerOnly() {
        DurableObjectStub stub = front.namespace("PROBE").getByName("routed");
        ProbeApi api = stub.rpc(ProbeApi.class);
        assertThat(api.counter()).isEqualTo(1);
        assertThat(api.counter()).isEqualTo(2);
        assertThat(api.add(40, 2)).isEqualTo(42);
        Response r = stub.fetch(Request.get("http://do/"));
        assertThat(r.status()).isLessThan(500);

        String id = stub.id().toString();
        assertThat(owner.objectIds("PROBE")).contains(id);
        assertThat(front.objectIds("PROBE")).doesNotContain(id);
        assertThat(routed).contains("rpc counter", "rpc add", "fetch PROBE routed");
        // the owner's own stubs see the same instance
        assertThat(owner.namespace("PROBE")
                        .getByName("routed")
                        .rpc(ProbeApi.class)
                        .counter())
                .isEqualTo(3);
    }

    @Test
    void remoteErrorsCrossTheRouter() {
        ProbeApi api = front.namespace("PROBE").getByName("routed-errors").rpc(ProbeApi.class);
        DurableObjectException e = catchThrowableOfType(DurableObjectException.class, () -> api.fail("state"));
        assertThat(e.errorType()).isEqualTo("java.lang.IllegalStateException");
        assertThat(e.getMessage()).isEqualTo("rpc boom");
        assertThat(e.remote()).isTrue();
    }

    /** A stand-in whose calls go to {@code held}, as another node's would, and that releases it when dropped. */
    private byte[] standFor(RpcReferences.Held held) {
        return RpcReferences.stand(new RpcReferences.Remote() {
            @Override
            public byte[] call(String method, byte[][] args) {
                routed.add("call back " + method);
                return held.call(method, args);
            }

            @Override
            public void released() {
                routed.add("released");
                held.release();
            }
        });
    }

    @Test
    void functionsCrossTheRouterByReferenceBothWays() {
        int before = RpcReferences.exports();
        DurableObjectStub stub = front.namespace("PROBE").getByName("routed-by-reference");
        java.util.function.IntUnaryOperator plusOne = x -> x + 1;
        assertThat(stub.call(Integer.class, "applyTwice", plusOne, 40)).isEqualTo(42);
        assertThat(routed)
                .containsSubsequence("rpc applyTwice", "call back applyAsInt", "call back applyAsInt", "released");
        // a function as a result: a stub whose calls run in the owner's object
        java.util.function.IntSupplier counter = stub.call(java.util.function.IntSupplier.class, "counterFunction");
        assertThat(counter.getAsInt()).isEqualTo(1);
        assertThat(counter.getAsInt()).isEqualTo(2);
        dev.partyflare.durable.RpcStub.dispose(counter);
        assertThatThrownBy(counter::getAsInt)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(dev.partyflare.durable.RpcStub.DISPOSED);
        // an error of the target crosses as a local stub's does
        java.util.function.IntUnaryOperator boom = x -> {
            throw new IllegalArgumentException("cb bad");
        };
        DurableObjectException e = catchThrowableOfType(
                DurableObjectException.class, () -> stub.call(Integer.class, "applyTwice", boom, 1));
        assertThat(e.getMessage()).isEqualTo("cb bad");
        assertThat(e.remote()).isTrue();
        assertThat(RpcReferences.exports()).isEqualTo(before); // every export and stand-in released
    }

    @Test
    void theWorkersStubsAreRoutedToo() {
        // a request through the front's Worker reaches objects via env: routed like a test's stub
        front.fetch("http://localhost/do/PROBE/via-worker/anything");
        assertThat(routed).contains("fetch PROBE via-worker");
        assertThat(owner.objectIds("PROBE"))
                .contains(front.namespace("PROBE").idFromName("via-worker").toString());
    }

    @Test
    void aRoutedAlarmRunsOnTheOwnerOnlyWhileItIsDue() {
        DurableObjectStub stub = owner.namespace("STORE").getByName("routed-alarm");
        String id = stub.id().toString();
        owner.runInDurableObject(
                stub, (dev.partyflare.fixtures.Store o, dev.partyflare.durable.DurableObjectState ctx) -> {
                    ctx.storage().setAlarm(ctx.now() + 60_000);
                    return null;
                });
        owner.evict(stub, true);
        int constructed =
                dev.partyflare.fixtures.Store.CONSTRUCTIONS.get("routed-alarm").get();

        // routed before it is due (a node running ahead): nothing runs, nothing is constructed
        assertThat(owner.runDueAlarm("STORE", stub.id())).isFalse();
        assertThat(dev.partyflare.fixtures.Store.alarmsOf(id)).isEmpty();
        assertThat(dev.partyflare.fixtures.Store.CONSTRUCTIONS
                        .get("routed-alarm")
                        .get())
                .isEqualTo(constructed);

        owner.time().advance(java.time.Duration.ofSeconds(60));
        assertThat(dev.partyflare.fixtures.Store.alarmsOf(id)).hasSize(1);

        // the same alarm routed again by another node: it ran already, so nothing runs
        assertThat(owner.runDueAlarm("STORE", stub.id())).isFalse();
        assertThat(dev.partyflare.fixtures.Store.alarmsOf(id)).hasSize(1);
    }
}
