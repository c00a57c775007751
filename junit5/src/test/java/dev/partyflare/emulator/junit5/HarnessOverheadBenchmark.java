package dev.partyflare.emulator.junit5;

import dev.partyflare.emulator.EmulatorOptions;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;

/**
 * A program, not a test: what a fresh emulator per test costs. Runs 1,000 trivial tests through
 * the JUnit launcher with and without the harness, and 1,000 start/close cycles in a loop, and
 * prints the times. Run it with the test class path, e.g.
 *
 * <pre>
 * ./mvnw -q -pl emulator test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp emulator/target/test-classes:emulator/target/classes:$(cat emulator/target/cp.txt) \
 *     dev.partyflare.emulator.junit5.HarnessOverheadBenchmark
 * </pre>
 */
public final class HarnessOverheadBenchmark {
    static final int N = 1000;

    private HarnessOverheadBenchmark() {}

    @ExtendWith(Scenarios.OnlyLaunched.class)
    static class Plain {
        @RepeatedTest(N)
        void trivial() {}
    }

    @PartyflareTest(worker = CounterApp.class, durableObjects = Counter.class)
    @ExtendWith(Scenarios.OnlyLaunched.class)
    static class FreshEmulator {
        @RepeatedTest(N)
        void trivial(PartyflareEnv env) {
            if (env.isClosed()) {
                throw new AssertionError();
            }
        }
    }

    @PartyflareTest(worker = CounterApp.class, durableObjects = Counter.class)
    @ExtendWith(Scenarios.OnlyLaunched.class)
    static class FreshEmulatorOneRequest {
        @RepeatedTest(N)
        void oneRequest(PartyflareEnv env) {
            if (env.fetch("/counter/a/inc").status() != 200) {
                throw new AssertionError();
            }
        }
    }

    @PartyflareTest(worker = CounterApp.class, durableObjects = Counter.class, lifetime = EmulatorLifetime.PER_CLASS)
    @ExtendWith(Scenarios.OnlyLaunched.class)
    static class SharedEmulatorOneRequest {
        @RepeatedTest(N)
        void oneRequest(PartyflareEnv env) {
            if (env.fetch("/counter/a/inc").status() != 200) {
                throw new AssertionError();
            }
        }
    }

    static long launch(Class<?> scenario) {
        long t = System.nanoTime();
        Scenarios.Results r = Scenarios.run(scenario);
        long ns = System.nanoTime() - t;
        long ok = r.byName().values().stream()
                .filter(x -> x.getStatus() == TestExecutionResult.Status.SUCCESSFUL)
                .count();
        // repetitions share a display name pattern "repetition i of N"
        if (r.order().size() != N || ok != r.byName().size()) {
            throw new IllegalStateException(
                    scenario.getSimpleName() + ": " + r.order().size() + " tests ran, " + ok + " of "
                            + r.byName().size() + " distinct names succeeded");
        }
        return ns;
    }

    static void report(String what, long nanos) {
        System.out.printf("%-60s %8.1f ms total  %7.3f ms/test%n", what, nanos / 1e6, nanos / 1e6 / N);
    }

    public static void main(String[] args) {
        EmulatorOptions options = EmulatorOptions.builder()
                .worker(new CounterApp())
                .durableObject("COUNTER", Counter.class)
                .http(false)
                .manualClock(0)
                .build();
        for (int round = 1; round <= 2; round++) {
            System.out.println(round == 1 ? "warm-up round" : "measured round");
            long t = System.nanoTime();
            for (int i = 0; i < N; i++) {
                PartyflareEnv.start(options).close();
            }
            report("loop: PartyflareEnv.start + close", System.nanoTime() - t);
            t = System.nanoTime();
            for (int i = 0; i < N; i++) {
                try (PartyflareEnv env = PartyflareEnv.start(options)) {
                    env.fetch("/counter/a/inc");
                }
            }
            report("loop: start + one request (object, storage) + close", System.nanoTime() - t);
            long plain = launch(Plain.class);
            report("JUnit: 1000 empty tests, no harness", plain);
            long fresh = launch(FreshEmulator.class);
            report("JUnit: 1000 empty tests, fresh emulator each", fresh);
            report("  => harness overhead per test", fresh - plain);
            report("JUnit: 1000 one-request tests, fresh emulator each", launch(FreshEmulatorOneRequest.class));
            report("JUnit: 1000 one-request tests, one emulator (PER_CLASS)", launch(SharedEmulatorOneRequest.class));
            System.gc();
            Runtime rt = Runtime.getRuntime();
            System.out.printf(
                    "after the round: %d platform threads, %.1f MB heap used%n",
                    Thread.activeCount(), (rt.totalMemory() - rt.freeMemory()) / 1e6);
        }
    }
}
