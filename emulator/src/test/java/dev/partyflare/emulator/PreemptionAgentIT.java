package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code -javaagent:partyflare-emulator.jar} in a test JVM: a Durable Object that spins in an
 * in-process emulator (as under the JUnit harness) is stopped, and its caller gets the error.
 * (Without the agent the same fetch never returns: the call runs on the caller's thread, which
 * spins; that is why the agent exists.)
 */
class PreemptionAgentIT {
    @Test
    void withTheAgentASpinInAUnitTestIsStopped() throws Exception {
        assertThat(run(true)).contains("STATUS 500", "STOPPED", "AFTER 1");
    }

    private static String run(boolean agent) throws Exception {
        Path jar;
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            jar = s.filter(p -> p.getFileName().toString().matches("partyflare-emulator-[^-]+(-SNAPSHOT)?\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("the emulator jar is built before the ITs run"));
        }
        List<String> cmd = new java.util.ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (agent) {
            cmd.add("-javaagent:" + jar.toAbsolutePath());
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.partyflare.spinfixture.AgentSpinMain"));
        Path out = Files.createTempFile("agent-spin", ".log");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly(); // a spin that was not stopped: the output says how far it got
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        return text;
    }
}
