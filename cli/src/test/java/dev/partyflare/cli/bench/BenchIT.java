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
            if (w == Bench.Workload.wrk1 || w == Bench.Workload.wrk1000 || w == Bench.Workload.startup) {
                continue; // only where wrk is installed; start-up only in cold mode
            }
            assertThat(out).as("row for " + w).containsPattern("(?m)^" + w.name() + "\\s");
        }
        assertThat(out).doesNotContain("failed");
        // memory per socket on fresh processes, warmed up first, not in the server the other workloads used
        assertThat(out)
                .contains("memory (warm): each layout on a fresh server process")
                .containsPattern("(?m)^memory .*standard +emulator .*KiB \\(process RSS; second half -?[\\d.]+ KiB;"
                        + " heap after GC -?[\\d.]+ KiB\\)");
        String results = Files.readString(json);
        assertThat(results).contains("\"workload\":\"echo\"").contains("\"perSecond\"");
        // two rounds per target, interleaved; new rooms once (fresh rooms cannot be made twice)
        assertThat(results).containsPattern("\"workload\":\"echo\".*?\"rounds\":\\[\\d+,\\d+\\]");
        assertThat(results).containsPattern("\"workload\":\"newRooms\".*?\"rounds\":\\[\\d+\\]");
        assertThat(out).containsPattern("(?m)^echo .* \\[\\d+–\\d+\\]");
        // new rooms' SQLite steps alone, no server, timed as often as the others, read against the rooms' rate
        assertThat(results)
                .containsPattern(
                        "\"workload\":\"newDatabases\".*?\"sqlite\":\\{\"perSecond\":\\d+.*?\"rounds\":\\[\\d+,\\d+\\]");
        assertThat(out)
                .containsPattern("(?m)^newDatabases .* sqlite +\\d+/s .*\\(emulator's new rooms ×[\\d.]+ of this\\)");
    }

    @Test
    void aClusterTargetSpreadsTheLoadOverItsNodes(@TempDir Path dir) throws Exception {
        StringWriter text = new StringWriter();
        Path json = dir.resolve("cluster.json");
        int code = new Bench(
                        true,
                        Map.of(),
                        List.of(Bench.Workload.fanout, Bench.Workload.http1000),
                        json,
                        new PrintWriter(text))
                .clusters(List.of(2))
                .run();

        assertThat(code).isZero();
        String out = text.toString();
        assertThat(out).doesNotContain("failed");
        // two node JVMs, the sockets of one room and the requests to 1,000 rooms spread over both
        assertThat(out).containsPattern("(?m)^fanout .*cluster2 +\\d+/s");
        assertThat(out).containsPattern("(?m)^http1000 .*cluster2 +\\d+/s");
        assertThat(Files.readString(json)).contains("\"cluster2\":{");
    }

    @Test
    void coldRunStartsAFreshServerForEachMeasurement(@TempDir Path dir) throws Exception {
        StringWriter text = new StringWriter();
        Path json = dir.resolve("cold.json");
        int code = new Bench(
                        true,
                        Map.of(),
                        List.of(
                                Bench.Workload.startup,
                                Bench.Workload.echo,
                                Bench.Workload.newRooms,
                                Bench.Workload.memory),
                        json,
                        new PrintWriter(text))
                .rounds(2)
                .cold(true)
                .run();

        assertThat(code).isZero();
        String out = text.toString();
        assertThat(out).doesNotContain("failed").contains("--cold");
        assertThat(out).containsPattern("(?m)^startup .* emulator +\\d+ ms, RSS +[\\d.]+ MiB .* undertow +\\d+ ms");
        assertThat(out).containsPattern("(?m)^echo .*emulator").doesNotContainPattern("(?m)^fanout");
        // the heap after GC comes from the server process itself, over its standard input; the second
        // half's growth from the RSS between the halves
        assertThat(out)
                .containsPattern("(?m)^memory .*standard +emulator .*KiB \\(process RSS; second half -?[\\d.]+ KiB;"
                        + " heap after GC -?[\\d.]+ KiB\\)");
        String results = Files.readString(json);
        assertThat(results).contains("\"rssKiBPerSocketSecondHalf\"");
        assertThat(results).contains("\"mode\":\"cold\"");
        // a fresh server per round: new rooms can be timed twice (a warm server would have the rooms already)
        assertThat(results).containsPattern("\"workload\":\"newRooms\".*?\"rounds\":\\[\\d+,\\d+\\]");
    }
}
