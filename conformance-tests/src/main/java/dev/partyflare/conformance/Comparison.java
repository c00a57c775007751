package dev.partyflare.conformance;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Scenario by scenario, a reference target's observations against a candidate's. */
public final class Comparison {
    /** One observation that differs. */
    public record KeyDiff(String key, String reference, String candidate, Differences.Entry reviewed) {}

    /**
     * One scenario's verdict: {@code match}, {@code deliberate} (every difference reviewed as
     * deliberate), {@code known-bug} (a reviewed, reported emulator bug) or {@code mismatch}.
     */
    public record Row(
            Scenario scenario,
            String verdict,
            List<KeyDiff> diffs,
            ScenarioResult reference,
            ScenarioResult candidate) {}

    private final Target reference;
    private final Target candidate;
    private final List<Row> rows;
    private final boolean reviewedApply;

    private Comparison(Target reference, Target candidate, List<Row> rows, boolean reviewedApply) {
        this.reference = reference;
        this.candidate = candidate;
        this.rows = rows;
        this.reviewedApply = reviewedApply;
    }

    /**
     * Compares; reviewed differences apply only between the two fixture languages (a JS target
     * against a Java one), since they describe partyflare against workerd.
     */
    public static Comparison of(
            Target reference,
            Target candidate,
            List<Scenario> scenarios,
            Map<String, ScenarioResult> ref,
            Map<String, ScenarioResult> cand,
            Differences differences) {
        boolean apply = !reference.fixtures().equals(candidate.fixtures());
        List<Row> rows = new ArrayList<>();
        for (Scenario s : scenarios) {
            ScenarioResult r = ref.get(s.id());
            ScenarioResult c = cand.get(s.id());
            if (r == null || c == null) {
                continue;
            }
            Set<String> keys = new LinkedHashSet<>();
            r.observations().forEach(o -> keys.add(o.key()));
            c.observations().forEach(o -> keys.add(o.key()));
            List<KeyDiff> diffs = new ArrayList<>();
            boolean mismatch = false;
            for (String k : keys) {
                String rv = r.value(k);
                String cv = c.value(k);
                if (!Objects.equals(rv, cv)) {
                    Differences.Entry e = apply ? differences.find(s.id(), k) : null;
                    diffs.add(new KeyDiff(k, rv, cv, e));
                    mismatch |= e == null;
                }
            }
            boolean knownBug = diffs.stream()
                    .anyMatch(d -> d.reviewed() != null && d.reviewed().kind().equals("known-bug"));
            String verdict = diffs.isEmpty() ? "match" : mismatch ? "mismatch" : knownBug ? "known-bug" : "deliberate";
            rows.add(new Row(s, verdict, diffs, r, c));
        }
        return new Comparison(reference, candidate, rows, apply);
    }

    public Target reference() {
        return reference;
    }

    public Target candidate() {
        return candidate;
    }

    public List<Row> rows() {
        return rows;
    }

    public boolean reviewedApply() {
        return reviewedApply;
    }

    public long count(String verdict) {
        return rows.stream().filter(r -> r.verdict().equals(verdict)).count();
    }

    public boolean passed() {
        return count("mismatch") == 0 && !rows.isEmpty();
    }
}
