package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.durable.DurableObjectNamespace;
import dev.partyflare.durable.Response;
import dev.partyflare.fixtures.Probe;
import dev.partyflare.fixtures.ProbeApi;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RPC copies, remote errors, resets (SEMANTICS.md §1, §4; probes §2, §3). */
class RpcAndErrorsTest {
    Emulator emu;
    DurableObjectNamespace probe;

    @BeforeEach
    void start() {
        emu = TestEmulators.inProcess();
        probe = emu.namespace("PROBE");
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Response r) {
        return r.json(Map.class);
    }

    @Test
    void typedRpcRunsInsideTheObject() {
        ProbeApi api = probe.getByName("rpc-typed").rpc(ProbeApi.class);
        assertThat(api.add(2, 3)).isEqualTo(5);
        assertThat(api.counter()).isEqualTo(1);
        assertThat(api.counter()).isEqualTo(2);
        assertThat(probe.getByName("rpc-typed").call(Integer.class, "add", 40, 2))
                .isEqualTo(42);
    }

    @Test
    void argumentsAndResultsAreCopies() {
        ProbeApi api = probe.getByName("rpc-copy").rpc(ProbeApi.class);
        List<String> mine = new ArrayList<>(List.of("a"));
        List<String> result = api.mutate(mine);
        assertThat(mine).containsExactly("a");
        assertThat(result).containsExactly("a", "added-by-callee");
        assertThat(result).isNotSameAs(mine);

        ProbeApi.Item item = new ProbeApi.Item("n", List.of(1, 2), new byte[] {1, 2, 3});
        ProbeApi.Item back = api.echoItem(item);
        assertThat(back).isNotSameAs(item);
        assertThat(back.name()).isEqualTo("n");
        assertThat(back.values()).containsExactly(1, 2);
        assertThat(back.data()).containsExactly(1, 2, 3).isNotSameAs(item.data());
    }

    @Test
    void remoteErrorsCarryTypeMessageAndFlag() {
        ProbeApi api = probe.getByName("rpc-errors").rpc(ProbeApi.class);
        DurableObjectException e = catchThrowableOfType(DurableObjectException.class, () -> api.fail("state"));
        assertThat(e.errorType()).isEqualTo("java.lang.IllegalStateException");
        assertThat(e.getMessage()).isEqualTo("rpc boom");
        assertThat(e.remote()).isTrue();
        assertThat(e.durableObjectReset()).isFalse();

        e = catchThrowableOfType(DurableObjectException.class, () -> api.fail("illegal-arg"));
        assertThat(e.errorType()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(e.getMessage()).isEqualTo("rpc type boom");

        e = catchThrowableOfType(DurableObjectException.class, () -> api.fail("custom"));
        assertThat(e.errorType()).isEqualTo(Probe.MyError.class.getName());
        assertThat(e.getMessage()).isEqualTo("rpc custom boom");

        // the object survives a thrown exception
        assertThat(api.counter()).isEqualTo(1);
        assertThat(Probe.CONSTRUCTIONS.get("rpc-errors").get()).isEqualTo(1);
    }

    @Test
    void missingMethodHasWorkerdsText() {
        assertThatThrownBy(() -> probe.getByName("rpc-missing").call("noSuchMethod"))
                .isInstanceOf(DurableObjectException.class)
                .hasMessage("The RPC receiver does not implement the method \"noSuchMethod\".")
                .satisfies(
                        t -> assertThat(((DurableObjectException) t).remote()).isTrue());
        assertThatThrownBy(() -> probe.getByName("rpc-missing").call("fetch", "x"))
                .hasMessage("The RPC receiver does not implement the method \"fetch\".");
    }

    @Test
    void unserializableArgumentIsAClearError() {
        assertThatThrownBy(() -> probe.getByName("rpc-clone").call("add", new Object(), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Could not serialize object of type \"Object\"");
    }

    @Test
    void uncaughtFetchErrorGives500AndObjectSurvives() {
        emu.fetch("http://x/do/PROBE/fetch-throw/inc");
        Response r = emu.fetch("http://x/do/PROBE/fetch-throw/throw");
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.text()).startsWith("java.lang.IllegalStateException: fetch boom");
        assertThat(r.text()).contains("at dev.partyflare.fixtures.Probe.fetch");
        Map<String, Object> caught = map(emu.fetch("http://x/do/PROBE/fetch-throw/throw?catch=1"));
        assertThat(caught)
                .containsEntry("message", "fetch boom")
                .containsEntry("remote", true)
                .containsEntry("reset", false);
        assertThat(emu.fetch("http://x/do/PROBE/fetch-throw/get").text()).isEqualTo("1");
    }

    @Test
    void workerErrorGives500WithClearBody() {
        Response r = emu.fetch("http://x/throw");
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.text()).startsWith("java.lang.IllegalArgumentException: worker boom");
    }

    @Test
    void abortResetsTheObject() {
        emu.fetch("http://x/do/PROBE/abort-1/inc");
        Map<String, Object> caught = map(emu.fetch("http://x/do/PROBE/abort-1/abort?catch=1&reason=my%20reason"));
        assertThat(caught)
                .containsEntry("message", "my reason")
                .containsEntry("remote", true)
                .containsEntry("reset", true);
        Map<String, Object> info = map(emu.fetch("http://x/do/PROBE/abort-1/info"));
        assertThat(info).containsEntry("ctor", 2).containsEntry("value", 0);

        caught = map(emu.fetch("http://x/do/PROBE/abort-2/abort?catch=1"));
        assertThat(caught).containsEntry("message", "Application called abort() to reset Durable Object.");
        assertThat(emu.fetch("http://x/do/PROBE/abort-2/abort").status()).isEqualTo(500);
    }

    @Test
    void abortCannotBeCaught() {
        Map<String, Object> caught = map(emu.fetch("http://x/do/PROBE/abort-catch/abort-catch?catch=1"));
        assertThat(caught).containsEntry("message", "my reason").containsEntry("reset", true);
    }

    @Test
    void abortInRpcHasResetFlagButNotRemote() {
        ProbeApi api = probe.getByName("abort-rpc").rpc(ProbeApi.class);
        DurableObjectException e = catchThrowableOfType(DurableObjectException.class, () -> api.abortMe("rpc reason"));
        assertThat(e.getMessage()).isEqualTo("rpc reason");
        assertThat(e.durableObjectReset()).isTrue();
        assertThat(e.remote()).isFalse();
        assertThat(api.counter()).isEqualTo(1);
        assertThat(Probe.CONSTRUCTIONS.get("abort-rpc").get()).isEqualTo(2);
    }

    @Test
    void blockConcurrencyWhileThrowingResetsEvenWhenCaught() {
        Map<String, Object> caught = map(emu.fetch("http://x/do/PROBE/bcw-throw/bcw-throw?catch=1"));
        assertThat(caught)
                .containsEntry("message", "bcw boom")
                .containsEntry("remote", true)
                .containsEntry("reset", true);
        Map<String, Object> info = map(emu.fetch("http://x/do/PROBE/bcw-throw/info"));
        assertThat(info).containsEntry("ctor", 2);
    }

    @Test
    void blockConcurrencyWhileThrowingInConstructorFailsFirstRequestOnly() {
        Map<String, Object> caught = map(emu.fetch("http://x/do/PROBE/ctor-bcw-throw-1/info?catch=1"));
        assertThat(caught).containsEntry("message", "bcw ctor boom").containsEntry("reset", true);
        Response second = emu.fetch("http://x/do/PROBE/ctor-bcw-throw-1/info");
        assertThat(second.status()).isEqualTo(200);
        assertThat(map(second)).containsEntry("ctor", 2);
    }

    @Test
    void aHandlerThatBlocksForEverIsResetAndItsCallerGetsAnError() {
        try (Emulator e = Emulator.start(TestEmulators.probe()
                .http(false)
                .eventTimeout(java.time.Duration.ofSeconds(1))
                .build())) {
            long start = System.nanoTime();
            Map<String, Object> caught = map(e.fetch("http://x/do/PROBE/stuck/hang?catch=1"));
            assertThat(caught).containsEntry("reset", true);
            assertThat((String) caught.get("message"))
                    .contains("exceeded its CPU time limit and was reset")
                    .contains("ran for more than 1 s");
            assertThat(System.nanoTime() - start)
                    .isLessThan(java.time.Duration.ofSeconds(10).toNanos());
            // the object works again (a new instance), and others were never affected
            assertThat(e.fetch("http://x/do/PROBE/stuck/inc").text()).isEqualTo("1");
            assertThat(e.fetch("http://x/do/PROBE/unaffected/inc").text()).isEqualTo("1");
        }
    }

    @Test
    void blockConcurrencyWhileTimesOutOnTheRuntimeClock() throws Exception {
        try (Emulator e = Emulator.start(TestEmulators.probe()
                .http(false)
                .manualClock(TestEmulators.T0)
                .blockConcurrencyTimeout(java.time.Duration.ofSeconds(30))
                .build())) {
            var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
            // bcw-hang sleeps 60 s inside blockConcurrencyWhile; the 30 s limit fires first
            var f = pool.submit(() ->
                    e.fetch(dev.partyflare.durable.Request.get("http://x/do/PROBE/bcw-timeout/bcw-hang?catch=1")));
            e.time().awaitPendingTimers(1, java.time.Duration.ofSeconds(10));
            e.time().advance(java.time.Duration.ofSeconds(31));
            Map<String, Object> caught = map(f.get());
            assertThat(caught).containsEntry("reset", true);
            assertThat((String) caught.get("message"))
                    .contains("blockConcurrencyWhile() in a Durable Object waited for too long");
            assertThat(map(e.fetch("http://x/do/PROBE/bcw-timeout/info"))).containsEntry("ctor", 2);
            pool.shutdownNow();
        }
    }
}
