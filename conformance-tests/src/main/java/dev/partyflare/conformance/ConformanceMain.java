package dev.partyflare.conformance;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code partyflare conformance --target URL [--fixtures java|js] [--report FILE]}: runs every
 * scenario against a target and compares it with a reference, so users can check their own
 * deployment or another emulator.
 *
 * <p>{@code --target} is a base URL serving one of the fixture sets (the Java fixtures under
 * {@code partyflare dev}, or the JS fixtures on workerd or Cloudflare), or {@code emulator} / {@code
 * workerd} to start one locally. The reference is local workerd with the JS fixtures when Node.js is
 * available (installing the pinned npm packages if needed), else the in-process emulator.
 * {@code --fixtures} says which fixtures the target serves (default {@code java}); reviewed
 * differences (DIFFERENCES.md) apply only between the two languages.
 *
 * <p>Exit codes: 0 no mismatch, 1 mismatches (or the run failed), 2 bad arguments.
 */
public final class ConformanceMain {
    private ConformanceMain() {}

    public static void main(String[] args) {
        Runner.keepIdleConnectionsBriefly(); // before anything builds an HttpClient
        System.exit(run(args));
    }

    /** Runs with {@code args} and returns the exit code; prints to stdout/stderr. */
    public static int run(String... args) {
        return run(System.out, System.err, args);
    }

    static int run(PrintStream out, PrintStream err, String... args) {
        String target = null;
        String fixtures = null;
        Path report = Path.of("conformance-report.md");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--target" -> target = v;
                case "--fixtures" -> fixtures = v;
                case "--report" -> report = v == null ? null : Path.of(v);
                case "-h", "--help" -> {
                    out.println(usage());
                    return 0;
                }
                default -> {
                    err.println("Unknown argument: " + a + "\n" + usage());
                    return 2;
                }
            }
            if (v == null || v.startsWith("--")) {
                err.println("Missing value for " + a + "\n" + usage());
                return 2;
            }
            i++;
        }
        if (target == null) {
            err.println("--target is required\n" + usage());
            return 2;
        }
        if (fixtures != null && !fixtures.equals("java") && !fixtures.equals("js")) {
            err.println("--fixtures must be java or js, got " + fixtures + "\n" + usage());
            return 2;
        }
        URI url = null;
        if (!target.equals("emulator") && !target.equals("workerd")) {
            try {
                url = URI.create(target);
            } catch (IllegalArgumentException e) {
                url = null;
            }
            if (url == null
                    || !url.isAbsolute()
                    || url.getHost() == null
                    || !url.getScheme().startsWith("http")) {
                err.println(
                        "--target must be an absolute http(s) URL, emulator or workerd: " + target + "\n" + usage());
                return 2;
            }
        }
        List<String> notes = new ArrayList<>();
        Target candidate = null;
        Target reference = null;
        try {
            Differences differences = Differences.load();
            boolean node = WorkerdTarget.nodeAvailable();
            switch (target) {
                case "emulator" -> candidate = EmulatorTarget.start(false);
                case "workerd" -> candidate = WorkerdTarget.start(WorkerdTarget.locateJs());
                default -> candidate = Target.url(url, fixtures == null ? "java" : fixtures);
            }
            if (!candidate.name().equals("workerd") && node) {
                reference = WorkerdTarget.start(WorkerdTarget.locateJs());
            } else {
                if (!node) {
                    String w = "WARNING: node/npm not found: the reference is the in-process emulator, not workerd.";
                    err.println(w);
                    notes.add(w);
                }
                reference = EmulatorTarget.start(false);
            }
            out.println("conformance: reference " + reference.description());
            out.println("conformance: candidate " + candidate.description());
            Report r = Differential.run(reference, candidate, Catalogue.selected(), differences, null, notes);
            if (report != null) {
                r.write(report);
                out.println("conformance: report written to " + report.toAbsolutePath());
            }
            Comparison c = r.main();
            out.printf(
                    "conformance: %d scenarios: %d match, %d deliberate difference, %d known emulator bug, %d mismatch%n",
                    c.rows().size(),
                    c.count("match"),
                    c.count("deliberate"),
                    c.count("known-bug"),
                    c.count("mismatch"));
            for (Comparison.Row row : c.rows()) {
                if (row.verdict().equals("mismatch")) {
                    out.println("  MISMATCH " + row.scenario().id());
                    for (Comparison.KeyDiff d : row.diffs()) {
                        if (d.reviewed() == null) {
                            out.println("    " + d.key() + ": " + reference.name() + "=" + d.reference() + " | "
                                    + candidate.name() + "=" + d.candidate());
                        }
                    }
                }
            }
            return c.passed() ? 0 : 1;
        } catch (Exception e) {
            err.println("conformance: failed: " + e.getMessage());
            return 1;
        } finally {
            if (candidate != null) {
                candidate.close();
            }
            if (reference != null) {
                reference.close();
            }
        }
    }

    static String usage() {
        return """
                Usage: partyflare conformance --target URL [--fixtures java|js] [--report FILE]
                  --target    base URL of a Worker serving the conformance fixtures, or 'emulator' /
                              'workerd' to start one locally
                  --fixtures  which fixtures the target serves: java (default) or js
                  --report    where to write the Markdown report (and .json beside it);
                              default conformance-report.md""";
    }
}
