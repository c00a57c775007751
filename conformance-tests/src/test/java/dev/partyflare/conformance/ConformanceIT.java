package dev.partyflare.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The differential suite: every scenario against real workerd (JS fixtures, installed from npm when
 * needed) and against the emulator (Java fixtures); fails on any difference not reviewed in
 * DIFFERENCES.md, and re-checks the reviewed ones that production settings should remove. Without
 * Node.js it warns loudly and compares the emulator with the workerd observations recorded in
 * REPORT.json instead.
 */
class ConformanceIT {
    private static final Path REPORT =
            Path.of(System.getProperty("partyflare.conformance.report", "target/conformance-report.md"));

    @Test
    void differential() throws Exception {
        List<Scenario> scenarios = Catalogue.selected();
        if (System.getProperty("partyflare.conformance.only") == null) {
            assertTrue(scenarios.size() >= 80, "the suite must have at least 80 scenarios, has " + scenarios.size());
        }
        Differences differences = Differences.load();
        List<String> notes = new ArrayList<>();
        Target workerd = null;
        String why = null;
        if (Boolean.getBoolean("partyflare.conformance.skipWorkerd")) {
            why = "skipped on request (-Dpartyflare.conformance.skipWorkerd=true)";
        } else if (!WorkerdTarget.nodeAvailable()) {
            why = "node/npm were not found";
        } else {
            try {
                workerd = WorkerdTarget.start(WorkerdTarget.locateJs());
            } catch (IOException e) {
                why = "workerd could not be installed or started: " + e.getMessage();
            }
        }
        try (EmulatorTarget emulator = EmulatorTarget.start(false)) {
            Report report;
            if (workerd != null) {
                report = Differential.run(
                        workerd, emulator, scenarios, differences, () -> EmulatorTarget.start(true), notes);
            } else {
                warn(why);
                notes.add(
                        "WARNING: " + why
                                + "; the emulator was compared with the workerd observations recorded in REPORT.json, not with a live workerd.");
                Recorded recorded = Recorded.read(Path.of("REPORT.json"));
                long t0 = System.nanoTime();
                Map<String, ScenarioResult> cand = Runner.defaults().run(emulator, scenarios);
                report = new Report(
                        Comparison.of(recorded, emulator, scenarios, recorded.results(), cand, differences),
                        null,
                        (System.nanoTime() - t0) / 1_000_000,
                        notes,
                        differences);
            }
            report.write(REPORT);
            Comparison c = report.main();
            StringBuilder failures = new StringBuilder();
            for (Comparison.Row r : c.rows()) {
                if (r.verdict().equals("mismatch")) {
                    failures.append("\n  MISMATCH ").append(r.scenario().id());
                    for (Comparison.KeyDiff d : r.diffs()) {
                        if (d.reviewed() == null) {
                            failures.append("\n    ")
                                    .append(d.key())
                                    .append(": ")
                                    .append(c.reference().name())
                                    .append("=")
                                    .append(d.reference())
                                    .append(" | ")
                                    .append(c.candidate().name())
                                    .append("=")
                                    .append(d.candidate());
                        }
                    }
                }
            }
            System.out.printf(
                    "conformance: %d scenarios: %d match, %d deliberate difference, %d known emulator bug, %d mismatch; report %s%s%n",
                    c.rows().size(),
                    c.count("match"),
                    c.count("deliberate"),
                    c.count("known-bug"),
                    c.count("mismatch"),
                    REPORT.toAbsolutePath(),
                    failures);
            if (!c.passed() && workerd instanceof WorkerdTarget w) {
                // what the reference said while it ran: a dropped connection there is explained here
                String log = w.log();
                failures.append("\n--- workerd's output (last 6,000 characters) ---\n")
                        .append(log.substring(Math.max(0, log.length() - 6000)));
            }
            assertTrue(c.passed(), "differences not reviewed in DIFFERENCES.md:" + failures);
            if (report.production() != null) {
                assertTrue(
                        report.production().count("mismatch") == 0,
                        "a difference reviewed as disappearing with production settings is still there; see " + REPORT);
            }
            assertTrue(Files.exists(REPORT));
        } finally {
            if (workerd != null) {
                workerd.close();
            }
        }
    }

    private static void warn(String why) {
        String line = "!".repeat(100);
        String msg = line + "\n!!! WARNING: conformance against workerd SKIPPED: " + why
                + "\n!!! Only the emulator side ran, compared with the workerd observations recorded in REPORT.json."
                + "\n!!! Install Node.js 18+ and npm to run the differential suite.\n" + line;
        System.out.println(msg);
        System.err.println(msg);
    }
}
