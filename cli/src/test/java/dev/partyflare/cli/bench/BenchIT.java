package dev.partyflare.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's quick mode works end to end (tiny counts; no timing is asserted). */
class BenchIT {
    @Test
    void quickRunMeasuresEveryWorkloadAndWritesJson(@TempDir Path dir) throws Exception {
        StringWriter text = new StringWriter();
        Path json = dir.resolve("bench.json");
        int code = new Bench(true, Map.of(), List.of(), json, new PrintWriter(text))
                .rounds(2)
                .run();

        assertThat(code).isZero();
        String out = text.toString();
        for (Bench.Workload w : Bench.Workload.values()) {
            if (w == Bench.Workload.wrk1 || w == Bench.Workload.wrk1000) {
                continue; // only where wrk is installed
            }
            assertThat(out).as("row for " + w).containsPattern("(?m)^" + w.name() + "\\s");
        }
        assertThat(out).doesNotContain("failed");
        String results = Files.readString(json);
        assertThat(results).contains("\"workload\":\"echo\"").contains("\"perSecond\"");
        // two rounds per target, interleaved; new rooms once (fresh rooms cannot be made twice)
        assertThat(results).containsPattern("\"workload\":\"echo\".*?\"rounds\":\\[\\d+,\\d+\\]");
        assertThat(results).containsPattern("\"workload\":\"newRooms\".*?\"rounds\":\\[\\d+\\]");
        assertThat(out).containsPattern("(?m)^echo .* \\[\\d+–\\d+\\]");
    }
}
