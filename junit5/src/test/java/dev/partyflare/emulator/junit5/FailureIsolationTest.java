package dev.partyflare.emulator.junit5;

import static dev.partyflare.emulator.junit5.PartyflareAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.DurableObjectStub;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;

/** A failing test leaks nothing into the next one, and its failure carries the runtime's errors. */
class FailureIsolationTest {

    @PartyflareTest(worker = CounterApp.class, durableObjects = Counter.class)
    @ExtendWith(Scenarios.OnlyLaunched.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class FailingThenClean {
        static volatile TestWebSocket leftOpen;

        @Test
        @Order(1)
        void failsWithEverythingOpen(PartyflareEnv env) {
            env.fetch("/counter/a/alarm?in=1000");
            env.fetch("/counter/a/timer");
            leftOpen = env.connect("/counter/a/hws");
            env.connect("/counter/a/ws");
            assertThat(env.fetch("/counter/a/boom")).hasStatus(500); // reported as uncaught
            throw new AssertionError("failing on purpose");
        }

        @Test
        @Order(2)
        void startsClean(PartyflareEnv env) {
            assertThat(env.objects()).isEmpty();
            assertThat(env.time().pendingTimers()).isZero();
            DurableObjectStub a = env.stub(Counter.class, "a");
            assertThat(env.storage(a)).isEmpty().hasNoAlarm();
            env.time().advance(Duration.ofHours(1));
            assertThat(env.storage(a)).doesNotContainKey("alarms");
            assertThat(env.uncaughtErrors()).isEmpty();
            assertThat(leftOpen.closeInfo()).isPresent();
        }
    }

    @Test
    void aFailedTestLeaksNothingAndItsFailureShowsUncaughtErrors() {
        Scenarios.Results r = Scenarios.run(FailingThenClean.class);
        assertThat(r.order()).containsExactly("failsWithEverythingOpen(PartyflareEnv)", "startsClean(PartyflareEnv)");

        TestExecutionResult failed = r.of("failsWithEverythingOpen(PartyflareEnv)");
        assertThat(failed.getStatus()).isEqualTo(TestExecutionResult.Status.FAILED);
        Throwable failure = failed.getThrowable().orElseThrow();
        assertThat(failure).hasMessage("failing on purpose");
        assertThat(failure.getSuppressed()).hasSize(2);
        assertThat(failure.getSuppressed()[0]).satisfies(s -> {
            // the object's error reached the Worker's fetch, which turned it into a 500
            assertThat(s).hasMessageContaining("uncaught in Worker fetch GET /counter/a/boom");
            assertThat(s.getCause()).hasMessage("boom in a");
        });
        // the timeline of the object the test touched, most recent last
        assertThat(failure.getSuppressed()[1].getMessage())
                .startsWith("Timelines of the objects this test touched")
                .contains("COUNTER \"a\"")
                .containsSubsequence("GET /counter/a/alarm", "GET /counter/a/timer", "GET /counter/a/boom");

        TestExecutionResult clean = r.of("startsClean(PartyflareEnv)");
        assertThat(clean.getThrowable()).isEmpty();
        assertThat(clean.getStatus()).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
    }

    @PartyflareTest(worker = CounterApp.class, durableObjects = Counter.class, lifetime = EmulatorLifetime.PER_CLASS)
    @ExtendWith(Scenarios.OnlyLaunched.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class SharedThenFailing {
        @Test
        @Order(1)
        void passesWithAnUncaughtError(PartyflareEnv env) {
            assertThat(env.fetch("/counter/a/boom")).hasStatus(500);
        }

        @Test
        @Order(2)
        void failsWithoutOne(PartyflareEnv env) {
            assertThat(env.uncaughtErrors()).hasSize(1); // the shared emulator remembers
            throw new AssertionError("failing on purpose");
        }
    }

    @Test
    void aFailureCarriesOnlyTheUncaughtErrorsOfItsOwnTest() {
        Scenarios.Results r = Scenarios.run(SharedThenFailing.class);
        assertThat(r.of("passesWithAnUncaughtError(PartyflareEnv)").getStatus())
                .isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
        Throwable failure =
                r.of("failsWithoutOne(PartyflareEnv)").getThrowable().orElseThrow();
        assertThat(failure).hasMessage("failing on purpose");
        assertThat(failure.getSuppressed()).isEmpty();
    }

    @ExtendWith(Scenarios.OnlyLaunched.class)
    static class Unconfigured {
        @org.junit.jupiter.api.extension.RegisterExtension
        final PartyflareExtension noAnnotation = new PartyflareExtension();

        @Test
        void needsConfiguration(PartyflareEnv env) {
            throw new AssertionError("unreachable: " + env);
        }
    }

    @PartyflareTest(worker = CounterApp.class, durableObjects = Counter.class)
    @ExtendWith(Scenarios.OnlyLaunched.class)
    static class AsksInTheConstructor {
        AsksInTheConstructor(PartyflareEnv env) {
            throw new AssertionError("unreachable: " + env);
        }

        @Test
        void test() {}
    }

    @Test
    void misconfigurationsFailWithAMessageThatSaysWhatToDo() {
        Throwable noConfig = Scenarios.run(Unconfigured.class)
                .of("needsConfiguration(PartyflareEnv)")
                .getThrowable()
                .orElseThrow();
        assertThat(noConfig).hasMessageContaining("annotate the class with @PartyflareTest(...)");

        Throwable ctor = Scenarios.run(AsksInTheConstructor.class)
                .of("test()")
                .getThrowable()
                .orElseThrow();
        assertThat(ctor).hasMessageContaining("not constructors or @BeforeAll");
    }
}
