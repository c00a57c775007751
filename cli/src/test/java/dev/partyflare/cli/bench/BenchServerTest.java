package dev.partyflare.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchServerTest {
    @Test
    void serversInheritTheBenchJvmsOptionsButNotATrainingRunsOrADebuggers() {
        List<String> inherited = List.of(
                "-Xmx2g",
                "-XX:AOTCache=/x/partyflare.aot",
                "-XX:AOTCacheOutput=/x/train.aot",
                "-agentlib:jdwp=transport=dt_socket",
                "-Dpartyflare.bench.serverOptions=-XX:+UseSerialGC");
        assertThat(BenchServer.serverJvmOptions(inherited, "", ""))
                .containsExactly("-Xmx2g", "-XX:AOTCache=/x/partyflare.aot");
    }

    @Test
    void serverOptionsComeLastSoTheyWin() {
        assertThat(BenchServer.serverJvmOptions(
                        List.of("-XX:TieredStopAtLevel=4"), "", "  -XX:TieredStopAtLevel=1   -XX:+UseSerialGC "))
                .containsExactly("-XX:TieredStopAtLevel=4", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    }

    @Test
    void theLaunchersDevServerOptionsComeBetweenTheInheritedAndTheBenchsOwn() {
        assertThat(BenchServer.serverJvmOptions(
                        List.of("-Xmx2g"), "-XX:+UseSerialGC -Xms16m", "-XX:-UseCompressedOops"))
                .containsExactly("-Xmx2g", "-XX:+UseSerialGC", "-Xms16m", "-XX:-UseCompressedOops");
    }

    @Test
    void aCollectorChosenForTheBenchReplacesTheLaunchersForTheJvmRefusesTwo() {
        assertThat(BenchServer.serverJvmOptions(List.of(), "-XX:+UseSerialGC -Xms16m", "-XX:+UseG1GC"))
                .containsExactly("-Xms16m", "-XX:+UseG1GC");
        assertThat(BenchServer.serverJvmOptions(List.of("-XX:+UseParallelGC"), "-XX:+UseSerialGC -Xms16m", ""))
                .containsExactly("-XX:+UseParallelGC", "-Xms16m");
    }

    @Test
    void theStateOfAServerThatHadToBeKilledIsDeletedByTheBench() throws Exception {
        BenchServer.Child child = BenchServer.start(BenchServer.Servers.undertow);
        java.nio.file.Path state = child.state();
        assertThat(state).isDirectory();
        child.process().destroyForcibly().waitFor();
        assertThat(state).as("a killed server cannot delete it").isDirectory();

        child.close();

        assertThat(state).doesNotExist();
    }
}
