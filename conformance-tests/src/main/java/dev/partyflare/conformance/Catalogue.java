package dev.partyflare.conformance;

import dev.partyflare.conformance.scenarios.AlarmScenarios;
import dev.partyflare.conformance.scenarios.BasicScenarios;
import dev.partyflare.conformance.scenarios.PartyScenarios;
import dev.partyflare.conformance.scenarios.SqlScenarios;
import dev.partyflare.conformance.scenarios.StorageScenarios;
import dev.partyflare.conformance.scenarios.WebSocketScenarios;
import dev.partyflare.conformance.scenarios.WireScenarios;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Every scenario, in report order. */
public final class Catalogue {
    private Catalogue() {}

    /**
     * Scenarios that make a target hold hundreds of megabytes (2 MB SQL values bound over and over,
     * 32 MiB messages, a 120 MiB body); they run alone. On a busy machine, sql.err.limits running
     * beside three other SQL scenarios once cost workerd the connections of all four ("header parser
     * received no bytes"), as an isolate over its memory limit does.
     */
    private static final Pattern HEAVY =
            Pattern.compile("sql\\.err\\.limits|sql\\.size\\..*|ws\\..*\\.too-large.*|http\\.raw\\.body-over-100mib");

    public static List<Scenario> all() {
        List<Scenario> all = new ArrayList<>();
        BasicScenarios.register(all);
        StorageScenarios.register(all);
        SqlScenarios.register(all);
        AlarmScenarios.register(all);
        WebSocketScenarios.register(all);
        WireScenarios.register(all);
        PartyScenarios.register(all);
        all.replaceAll(s -> HEAVY.matcher(s.id()).matches() ? s.alone() : s);
        Set<String> ids = new HashSet<>();
        for (Scenario s : all) {
            if (!ids.add(s.id())) {
                throw new IllegalStateException("Duplicate scenario id " + s.id());
            }
        }
        return List.copyOf(all);
    }

    /**
     * {@link #all()}, or those whose id matches the regular expression in the system property
     * {@code partyflare.conformance.only} (for working on a few scenarios).
     */
    public static List<Scenario> selected() {
        String only = System.getProperty("partyflare.conformance.only");
        if (only == null || only.isBlank()) {
            return all();
        }
        Pattern p = Pattern.compile(only);
        return all().stream().filter(s -> p.matcher(s.id()).find()).toList();
    }
}
