package dev.partyflare.conformance;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The reference observations recorded in a JSON report (the committed {@code REPORT.json}): what
 * the emulator is compared with when workerd cannot run here.
 */
public final class Recorded implements Target {
    private final String description;
    private final Map<String, ScenarioResult> results;

    private Recorded(String description, Map<String, ScenarioResult> results) {
        this.description = description;
        this.results = results;
    }

    /** Reads the reference side of {@code jsonReport}. */
    public static Recorded read(Path jsonReport) throws IOException {
        JsonNode root = Probe.json(Files.readString(jsonReport));
        Map<String, ScenarioResult> out = new LinkedHashMap<>();
        for (JsonNode s : root.get("scenarios")) {
            List<Observation> obs = new ArrayList<>();
            s.get("reference")
                    .get("observations")
                    .properties()
                    .forEach(e ->
                            obs.add(new Observation(e.getKey(), e.getValue().asString())));
            out.put(
                    s.get("id").asString(),
                    new ScenarioResult(
                            s.get("id").asString(),
                            obs,
                            Map.of(),
                            s.get("reference").get("millis").asLong()));
        }
        return new Recorded(
                "recorded in " + jsonReport.getFileName() + ": "
                        + root.get("reference").asString(),
                out);
    }

    public Map<String, ScenarioResult> results() {
        return results;
    }

    @Override
    public String name() {
        return "workerd (recorded)";
    }

    @Override
    public String fixtures() {
        return "js";
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public URI baseUrl() {
        throw new UnsupportedOperationException("recorded observations have no URL");
    }
}
