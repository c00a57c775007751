package dev.partyflare.conformance;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Runs the same scenarios against two targets, compares them and builds the report. */
public final class Differential {
    private Differential() {}

    /**
     * @param production starts the emulator with production settings, to re-check the reviewed
     *     differences said to disappear with them; null to skip
     */
    public static Report run(
            Target reference,
            Target candidate,
            List<Scenario> scenarios,
            Differences differences,
            Supplier<Target> production,
            List<String> notes)
            throws Exception {
        long t0 = System.nanoTime();
        Runner runner = Runner.defaults();
        CompletableFuture<Map<String, ScenarioResult>> ref =
                CompletableFuture.supplyAsync(() -> runQuietly(runner, reference, scenarios));
        Map<String, ScenarioResult> cand = runner.run(candidate, scenarios);
        Comparison main = Comparison.of(reference, candidate, scenarios, ref.get(), cand, differences);
        Comparison prod = null;
        if (production != null && main.reviewedApply()) {
            Set<String> ids = new LinkedHashSet<>();
            for (Comparison.Row r : main.rows()) {
                for (Comparison.KeyDiff d : r.diffs()) {
                    if (d.reviewed() != null && d.reviewed().goesWithProduction()) {
                        ids.add(r.scenario().id());
                    }
                }
            }
            if (!ids.isEmpty()) {
                List<Scenario> again = new ArrayList<>();
                scenarios.stream().filter(s -> ids.contains(s.id())).forEach(again::add);
                try (Target p = production.get()) {
                    Map<String, ScenarioResult> pr = runner.run(p, again);
                    prod = Comparison.of(reference, p, again, ref.get(), pr, differences.stayingWithProduction());
                }
            }
        }
        return new Report(main, prod, (System.nanoTime() - t0) / 1_000_000, notes, differences);
    }

    private static Map<String, ScenarioResult> runQuietly(Runner runner, Target t, List<Scenario> scenarios) {
        try {
            return runner.run(t, scenarios);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
