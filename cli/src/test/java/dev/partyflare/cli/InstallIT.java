package dev.partyflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code partyflare install} from the runnable jar, and the installed command run as a user would:
 * from another directory, with JAVA_HOME unset and only the system's directories on the PATH
 * (where `java` may be older than 21).
 */
@DisabledOnOs(OS.WINDOWS)
class InstallIT {
    static final Path JAR = Path.of("target/partyflare.jar").toAbsolutePath();

    @TempDir
    Path tmp;

    record Result(int exit, String output) {}

    static Result run(Path dir, Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Test
    void installsACommandThatRunsFromAnywhere() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Result install = run(tmp, Map.of("HOME", home.toString()), java(), "-jar", JAR.toString(), "install");
        assertThat(install.exit()).as(install.output()).isZero();
        Path command = home.resolve(".local/bin/partyflare");
        assertThat(command).isExecutable();
        assertThat(home.resolve(".local/share/partyflare/partyflare.jar")).exists();
        assertThat(install.output())
                .contains("~/.local/bin is not on your PATH")
                .contains("export PATH=\"$HOME/.local/bin:$PATH\"")
                .contains("bash loads it by itself");

        // from an unrelated directory, with nothing set: it finds its jar and a JDK >= 21 itself
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Result version = run(elsewhere, Map.of("HOME", home.toString()), command.toString(), "--version");
        assertThat(version.exit()).as(version.output()).isZero();
        assertThat(version.output()).startsWith("partyflare " + Main.version()).doesNotContain("WARNING");

        // the completion script works in bash and knows the commands
        Path completion = home.resolve(".local/share/bash-completion/completions/partyflare");
        Result bash = run(
                elsewhere,
                Map.of(),
                "bash",
                "-c",
                "source '" + completion + "' && complete -p partyflare"
                        + " && COMP_WORDS=(partyflare in) COMP_CWORD=1 && _complete_partyflare && echo \"${COMPREPLY[@]}\"");
        assertThat(bash.output())
                .contains("complete -o default -F _complete_partyflare partyflare")
                .contains("init install");

        // installing again updates in place; a --prefix puts it elsewhere
        assertThat(run(tmp, Map.of("HOME", home.toString()), java(), "-jar", JAR.toString(), "install")
                        .exit())
                .isZero();
        Path bin = tmp.resolve("opt/bin");
        List<String> cmd =
                new ArrayList<>(List.of(java(), "-jar", JAR.toString(), "install", "--prefix", bin.toString()));
        Result prefixed =
                run(tmp, Map.of("HOME", home.toString(), "PATH", bin + ":/usr/bin:/bin"), cmd.toArray(String[]::new));
        assertThat(prefixed.exit()).as(prefixed.output()).isZero();
        assertThat(prefixed.output()).doesNotContain("not on your PATH").contains("source " + tmp.resolve("opt/share"));
        assertThat(run(elsewhere, Map.of(), bin.resolve("partyflare").toString(), "--version")
                        .output())
                .startsWith("partyflare ");
    }

    @Test
    void theInstalledCommandRunsTheDevServerWithTheServerJvmOptions() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        assertThat(run(tmp, Map.of("HOME", home.toString()), java(), "-jar", JAR.toString(), "install")
                        .exit())
                .isZero();
        String command = home.resolve(".local/bin/partyflare").toString();
        // -Xlog:gc names the collector at start; `dev --help` starts the JVM as dev does, then exits
        Result dev = run(tmp, Map.of("JDK_JAVA_OPTIONS", "-Xlog:gc"), command, "dev", "--help");
        assertThat(dev.exit()).as(dev.output()).isZero();
        assertThat(dev.output()).contains("Using Serial").contains("Usage: partyflare dev");
        // other commands keep the JVM's defaults
        Result version = run(tmp, Map.of("JDK_JAVA_OPTIONS", "-Xlog:gc"), command, "--version");
        assertThat(version.output()).doesNotContain("Using Serial").contains("partyflare ");
        // a collector chosen by the user wins, without the JVM refusing two
        Result parallel = run(tmp, Map.of("JDK_JAVA_OPTIONS", "-Xlog:gc -XX:+UseParallelGC"), command, "dev", "--help");
        assertThat(parallel.exit()).as(parallel.output()).isZero();
        assertThat(parallel.output()).contains("Using Parallel").doesNotContain("Using Serial");
        // and an empty PARTYFLARE_SERVER_JVM_OPTIONS asks for the JVM's defaults
        Result defaults = run(
                tmp,
                Map.of("JDK_JAVA_OPTIONS", "-Xlog:gc", "PARTYFLARE_SERVER_JVM_OPTIONS", ""),
                command,
                "dev",
                "--help");
        assertThat(defaults.exit()).as(defaults.output()).isZero();
        assertThat(defaults.output()).doesNotContain("Using Serial");
    }

    @Test
    void doesNotOverwriteSomeoneElsesCommand() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.writeString(bin.resolve("partyflare"), "#!/bin/sh\necho mine\n");
        Result r = run(tmp, Map.of(), java(), "-jar", JAR.toString(), "install", "--prefix", bin.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.output()).contains("is not one partyflare installed");
        assertThat(Files.readString(bin.resolve("partyflare"))).contains("echo mine");
    }

    @Test
    void theRunnableJarServesTheDemoFromAnyDirectory() throws Exception {
        // java -jar, for people who install nothing: the demo's pages come from the jar
        Path elsewhere = Files.createDirectories(tmp.resolve("somewhere"));
        ProcessBuilder pb = new ProcessBuilder(java(), "-jar", JAR.toString(), "dev", "--port", "0", "--in-memory")
                .directory(elsewhere.toFile())
                .redirectErrorStream(true);
        Process p = pb.start();
        try (var reader = p.inputReader(StandardCharsets.UTF_8)) {
            String line;
            int port = -1;
            while ((line = reader.readLine()) != null) {
                var m = java.util.regex.Pattern.compile("Ready on http://127\\.0\\.0\\.1:(\\d+)")
                        .matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                    break;
                }
            }
            assertThat(port).isPositive();
            assertThat(DevServerIT.get(port, "/").body()).contains("partyflare demo");
        } finally {
            p.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
        }
    }
}
