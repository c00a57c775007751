package dev.partyflare.emulator.junit5;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs test classes that are scenarios for other tests (they fail on purpose, or are benchmarks)
 * through the JUnit launcher, and records how each test ended. Scenario classes carry {@code
 * @ExtendWith(Scenarios.OnlyLaunched.class)} so they are skipped when run any other way.
 */
final class Scenarios {
    static final String ENABLED = "partyflare.scenarios";

    private Scenarios() {}

    /** Enables a class only when {@link #run} launched it. */
    static final class OnlyLaunched implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(ENABLED).isPresent()
                    ? ConditionEvaluationResult.enabled("launched as a scenario")
                    : ConditionEvaluationResult.disabled("a scenario for another test; run by it");
        }
    }

    /** How the tests of a run ended, by display name, in order of completion. */
    record Results(Map<String, TestExecutionResult> byName, List<String> order) {
        TestExecutionResult of(String displayName) {
            TestExecutionResult r = byName.get(displayName);
            if (r == null) {
                throw new AssertionError("No test named " + displayName + " ran; ran: " + order);
            }
            return r;
        }
    }

    static Results run(Class<?> scenario) {
        return runAll(scenario);
    }

    /** Runs several scenario classes in one launch (one run: run-wide state is shared). */
    static Results runAll(Class<?>... scenarios) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(java.util.Arrays.stream(scenarios)
                        .map(DiscoverySelectors::selectClass)
                        .toList())
                .configurationParameter(ENABLED, "true")
                .build();
        Map<String, TestExecutionResult> results = new ConcurrentHashMap<>();
        List<String> order = new ArrayList<>();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest()) {
                    results.put(id.getDisplayName(), result);
                    synchronized (order) {
                        order.add(id.getDisplayName());
                    }
                }
            }
        });
        return new Results(results, order);
    }
}
