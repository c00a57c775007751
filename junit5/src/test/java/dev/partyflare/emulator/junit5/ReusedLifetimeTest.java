package dev.partyflare.emulator.junit5;

import static dev.partyflare.emulator.junit5.PartyflareAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.Response;
import dev.partyflare.emulator.Emulator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;

/** A reused emulator is reset between tests as thoroughly as a fresh one. */
class ReusedLifetimeTest {
    static final List<Emulator> SEEN = new CopyOnWriteArrayList<>();
    static volatile TestWebSocket leftOpen;

    @PartyflareTest(
            worker = LedgerApp.class,
            bindings = {
                @PartyflareTest.Binding(name = "COUNTER", type = Counter.class),
                @PartyflareTest.Binding(name = "LEDGER", type = Ledger.class)
            },
            startTime = "2030-01-01T00:00:00Z",
            lifetime = EmulatorLifetime.REUSED_IN_CLASS)
    @ExtendWith(Scenarios.OnlyLaunched.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class InClass {
        @Test
        @Order(1)
        void leavesEverythingBehind(PartyflareEnv env) {
            SEEN.add(env.emulator());
            env.fetch("/counter/a/inc");
            env.fetch("/counter/a/alarm?in=60000");
            env.fetch("/counter/a/timer");
            leftOpen = env.connect("/counter/a/hws"); // hibernatable, left open
            env.stub("LEDGER", "l").call(Long.class, "add", 3);
            env.faults(env.stub("LEDGER", "l")).overloadedUntilCleared();
            env.outbound().onAny(r -> Response.text("mock"));
            env.time().advance(Duration.ofHours(1).plusSeconds(1));
            env.connect("/counter/b/ws"); // a standard socket, pinning b
        }

        @Test
        @Order(2)
        void startsAsIfFresh(PartyflareEnv env) {
            SEEN.add(env.emulator());
            assertThat(env.time().now()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
            assertThat(env.objects()).isEmpty();
            assertThat(env.time().nextTimer()).isEmpty();
            assertThat(env.time().pendingTimers()).isZero();
            assertThat(env.listObjectIds("COUNTER"))
                    .as(() -> env.emulator().allObjects().toString())
                    .isEmpty();
            DurableObjectStub a = env.stub("COUNTER", "a");
            assertThat(env.storage(a)).isEmpty().hasNoAlarm();
            assertThat(env.journal(env.stub("LEDGER", "l"))).isEmpty();
            assertThat(env.stub("LEDGER", "l").call(Long.class, "add", 1)).isEqualTo(1L); // no fault left
            assertThat(env.uncaughtErrors()).isEmpty();
            assertThat(leftOpen.closeInfo()).isPresent(); // the harness closed it when its test ended
            assertThat(env.fetch("/counter/a/inc")).hasBody("1");
        }
    }

    @Test
    void aReusedEmulatorIsResetBetweenTests() {
        SEEN.clear();
        Scenarios.Results r = Scenarios.run(InClass.class);
        for (String name : r.order()) {
            TestExecutionResult result = r.of(name);
            assertThat(result.getStatus())
                    .as(name + ": "
                            + result.getThrowable().map(Throwable::toString).orElse(""))
                    .isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
        }
        assertThat(r.order()).hasSize(2);
        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.get(0)).isSameAs(SEEN.get(1));
    }

    @PartyflareTest(
            worker = CounterApp.class,
            durableObjects = Counter.class,
            lifetime = EmulatorLifetime.REUSED_IN_RUN)
    @ExtendWith(Scenarios.OnlyLaunched.class)
    static class RunWideA {
        @Test
        void one(PartyflareEnv env) {
            SEEN.add(env.emulator());
            assertThat(env.fetch("/counter/a/inc")).hasBody("1");
        }
    }

    @PartyflareTest(
            worker = CounterApp.class,
            durableObjects = Counter.class,
            lifetime = EmulatorLifetime.REUSED_IN_RUN)
    @ExtendWith(Scenarios.OnlyLaunched.class)
    static class RunWideB {
        @Test
        void two(PartyflareEnv env) {
            SEEN.add(env.emulator());
            assertThat(env.fetch("/counter/a/inc")).hasBody("1");
        }
    }

    @Test
    void classesWithTheSameConfigurationShareOneEmulatorInARun() {
        SEEN.clear();
        Scenarios.Results r = Scenarios.runAll(RunWideA.class, RunWideB.class);
        assertThat(r.byName().values())
                .allSatisfy(x -> assertThat(x.getStatus()).isEqualTo(TestExecutionResult.Status.SUCCESSFUL));
        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.get(0)).isSameAs(SEEN.get(1));
    }
}
