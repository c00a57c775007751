package dev.partyflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The set of artifacts is complete, and a new user's path works, on a copy of this checkout:
 *
 * <ol>
 *   <li>{@code ./partyflare} builds itself the first time with progress and no JVM warnings;
 *   <li>{@code ./mvnw deploy} puts every artifact (poms, jars, sources, javadoc, the runnable jar,
 *       the BOM) into a file repository, at a version that exists nowhere else;
 *   <li>{@code ./partyflare install --prefix DIR}, then {@code DIR/partyflare init app};
 *   <li>in {@code app}, the printed {@code ./mvnw -q test}, with partyflare resolved from that file
 *       repository only (third-party artifacts from the build's local repository, read-only, or
 *       Central), then once more offline;
 *   <li>{@code partyflare dev .} serves the project, and a second start does not ask Maven again.
 * </ol>
 *
 * Everything runs with JAVA_HOME unset and only the system's directories on the PATH, so the
 * wrappers have to find a JDK 21 or newer themselves (the default java here is 17). Nothing is
 * written to the build's local repository.
 */
@DisabledOnOs(OS.WINDOWS)
class PublishedArtifactsIT {
    static final String VERSION = "0.0.0-it";
    static final List<String> JAR_MODULES = List.of(
            "partyflare-emulator",
            "partyflare-junit5",
            "partyflare-sdk",
            "partyflare-conformance-tests",
            "partyflare-cli");
    static final Set<String> NOT_COPIED = Set.of("target", ".git", "node_modules", ".partyflare", ".idea");

    @TempDir
    Path tmp;

    Path fileRepo;
    Path buildRepo;
    Path userRepo;
    Path bin;
    String tail = System.getProperty(
            "partyflare.it.localRepository",
            Path.of(System.getProperty("user.home"), ".m2/repository").toString());

    record Result(int exit, String output) {}

    Result run(Path dir, Map<String, String> env, long timeoutSeconds, String... command) throws Exception {
        Path log = Files.createTempFile(tmp, "out", ".log");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("JAVA_HOME");
        pb.environment().remove("MAVEN_OPTS");
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly); // the JVMs a wrapper script started
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds
                    + " s; output:\n" + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log));
    }

    static Result ok(Result r, String what) {
        assertThat(r.exit()).as(what + " failed; output:\n" + r.output()).isZero();
        return r;
    }

    /** Maven's arguments for the copy's build: the test version, its own local repository on top of the build's. */
    Map<String, String> buildEnv() {
        return Map.of(
                "MAVEN_ARGS",
                "-Drevision=" + VERSION + " -Dmaven.repo.local=" + buildRepo + " -Dmaven.repo.local.tail=" + tail);
    }

    /** The user's project: partyflare from the file repository only, everything else as usual. */
    Map<String, String> userEnv(Path settings) {
        return Map.of(
                "MAVEN_ARGS",
                "-s " + settings + " -Dmaven.repo.local=" + userRepo + " -Dmaven.repo.local.tail=" + tail);
    }

    @Test
    void deployedArtifactsBuildAndServeAnInitProject() throws Exception {
        Path root = Path.of(System.getProperty("partyflare.it.root", ".."))
                .toAbsolutePath()
                .normalize();
        Path src = tmp.resolve("partyflare");
        copy(root, src);
        fileRepo = src.resolve("target/local-repo");
        buildRepo = tmp.resolve("m2-build");
        userRepo = tmp.resolve("m2-user");
        bin = tmp.resolve("bin");
        lap("copied the checkout");

        // 1. the first ./partyflare: a build with one line per module, no JVM warnings
        Result first = ok(run(src, buildEnv(), 900, "./partyflare", "--version"), "./partyflare --version");
        assertThat(first.output())
                .contains("partyflare: building partyflare")
                .containsPattern("\\[1/\\d+] partyflare  \\(\\d+ s\\)")
                .containsPattern("\\[\\d+/\\d+] partyflare CLI  \\(\\d+ s\\)")
                .containsPattern("partyflare: built in \\d+ s")
                .contains("partyflare " + VERSION)
                .doesNotContain("WARNING")
                .doesNotContain("[INFO]");
        lap("./partyflare's first build");

        // 2. deploy to a file repository
        ok(
                run(
                        src,
                        buildEnv(),
                        900,
                        "./mvnw",
                        "-B",
                        "-ntp",
                        "deploy",
                        "-Dmaven.test.skip=true",
                        "-Dspotless.check.skip=true",
                        // the AOT cache is no artifact; the first build trained one (the commands below
                        // fall back to class-data sharing for the rebuilt jar, as after any rebuild)
                        "-Dpartyflare.aot.skip=true",
                        "-DaltDeploymentRepository=it::" + fileRepo.toUri()),
                "./mvnw deploy");
        checkRepository();
        lap("./mvnw deploy");

        // 3. install the command, init a project with it
        Result install =
                ok(run(src, buildEnv(), 120, "./partyflare", "install", "--prefix", bin.toString()), "install");
        assertThat(install.output()).contains("Installed partyflare " + VERSION);
        Result init = ok(
                run(tmp, Map.of(), 120, bin.resolve("partyflare").toString(), "init", "app"),
                "partyflare init app"); // the PATH's partyflare (Java looks commands up on its own PATH)
        assertThat(init.output()).contains("  cd app && ./mvnw -q test && partyflare dev .");
        Path app = tmp.resolve("app");
        lap("install and init");

        // 4. the printed commands, verbatim, with partyflare only in the file repository
        Path settings = tmp.resolve("settings.xml");
        Files.writeString(settings, """
                <settings>
                  <profiles>
                    <profile>
                      <id>partyflare-it</id>
                      <repositories>
                        <repository>
                          <id>partyflare-it</id>
                          <url>%s</url>
                        </repository>
                      </repositories>
                    </profile>
                  </profiles>
                  <activeProfiles>
                    <activeProfile>partyflare-it</activeProfile>
                  </activeProfiles>
                </settings>
                """.formatted(fileRepo.toUri()));
        Result test = ok(run(app, userEnv(settings), 600, "./mvnw", "-q", "test"), "./mvnw -q test");
        assertThat(test.output()).as("a quiet build is quiet").doesNotContain("WARNING");
        assertThat(Files.readString(app.resolve("target/surefire-reports/com.example.AppTest.txt")))
                .contains("Tests run: 3, Failures: 0, Errors: 0, Skipped: 0");
        for (String a : List.of("partyflare-bom", "partyflare-emulator", "partyflare-sdk", "partyflare-junit5")) {
            // where each came from, as Maven recorded it
            assertThat(Files.readString(
                            userRepo.resolve("dev/partyflare/" + a + "/" + VERSION + "/_remote.repositories")))
                    .as(a)
                    .contains(">partyflare-it=");
        }
        lap("./mvnw -q test");
        ok(run(app, userEnv(settings), 600, "./mvnw", "-q", "-o", "test"), "./mvnw -q -o test");
        lap("./mvnw -q -o test");

        // 5. partyflare dev . serves it; the second start has the classpath cached
        try (Served dev = serve(app, userEnv(settings))) {
            assertThat(dev.output()).contains("Resolving the project's classpath (./mvnw");
            assertThat(post(dev.port, "/guestbook/main", "hello").body()).isEqualTo("1: hello\n");
        }
        try (Served dev = serve(app, userEnv(settings))) {
            assertThat(dev.output()).doesNotContain("Resolving");
            assertThat(DevServerIT.get(dev.port, "/guestbook/main").body()).isEqualTo("1: hello\n");
            assertThat(DevServerIT.get(dev.port, "/hello/ann").body()).isEqualTo("Hello, ann!");
        }
        lap("two starts of partyflare dev");
    }

    private long lapStart = System.nanoTime();

    /** How long each step took, for CI's log. */
    private void lap(String step) {
        long now = System.nanoTime();
        System.out.printf("PublishedArtifactsIT: %-30s %5.1f s%n", step, (now - lapStart) / 1e9);
        lapStart = now;
    }

    static java.net.http.HttpResponse<String> post(int port, String path, String body) throws Exception {
        return DevServerIT.HTTP.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** Every module's pom, jar, sources and javadoc, the runnable jar, a parentless BOM, resolved versions. */
    void checkRepository() throws IOException {
        Path group = fileRepo.resolve("dev/partyflare");
        for (String a : List.of("partyflare-parent", "partyflare-bom")) {
            assertThat(group.resolve(a + "/" + VERSION + "/" + a + "-" + VERSION + ".pom"))
                    .exists();
        }
        for (String a : JAR_MODULES) {
            Path dir = group.resolve(a + "/" + VERSION);
            for (String suffix : List.of(".pom", ".jar", "-sources.jar", "-javadoc.jar")) {
                assertThat(dir.resolve(a + "-" + VERSION + suffix)).exists();
            }
        }
        assertThat(group.resolve("partyflare-cli/" + VERSION + "/partyflare-cli-" + VERSION + "-all.jar"))
                .exists();
        try (Stream<Path> poms = Files.walk(group)) {
            for (Path pom : poms.filter(p -> p.toString().endsWith(".pom")).toList()) {
                assertThat(Files.readString(pom)).as(pom.toString()).doesNotContain("${revision}");
            }
        }
        String parent = Files.readString(
                group.resolve("partyflare-parent/" + VERSION + "/partyflare-parent-" + VERSION + ".pom"));
        assertThat(parent)
                .contains("<licenses>")
                .contains("<name>Apache-2.0</name>")
                .contains("<scm ")
                .contains("<developers>")
                .contains("<url>")
                .contains("<id>release</id>"); // the signing profile
        String bom =
                Files.readString(group.resolve("partyflare-bom/" + VERSION + "/partyflare-bom-" + VERSION + ".pom"));
        assertThat(bom)
                .doesNotContain("<parent>")
                .doesNotContain("undertow")
                .doesNotContain("junit-bom")
                .contains("<artifactId>partyflare-junit5</artifactId>")
                .contains("<licenses>");
    }

    /** {@code partyflare dev .} through the installed command, until Ready. */
    Served serve(Path app, Map<String, String> env) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(bin.resolve("partyflare").toString(), "dev", ".", "--port", "0"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(app.toFile()).redirectErrorStream(true);
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().putAll(new LinkedHashMap<>(env));
        Served s = new Served(pb.start());
        s.awaitReady();
        return s;
    }

    static final class Served implements AutoCloseable {
        final Process process;
        final StringBuilder out = new StringBuilder();
        int port;

        Served(Process process) {
            this.process = process;
        }

        void awaitReady() throws IOException {
            Pattern ready = Pattern.compile("Ready on http://127\\.0\\.0\\.1:(\\d+)");
            var reader = process.inputReader(StandardCharsets.UTF_8);
            String line;
            while ((line = reader.readLine()) != null) {
                out.append(line).append('\n');
                Matcher m = ready.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                    Thread.ofVirtual()
                            .start(() -> reader.lines().forEach(l -> {
                                synchronized (out) {
                                    out.append(l).append('\n');
                                }
                            }));
                    return;
                }
            }
            throw new AssertionError("partyflare dev ended without Ready; output:\n" + out);
        }

        String output() {
            synchronized (out) {
                return out.toString();
            }
        }

        @Override
        public void close() {
            process.destroy(); // SIGTERM: a normal stop, the state lock released
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The checkout as a fresh clone has it: no build output, no state, no git metadata. */
    static void copy(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(from) && NOT_COPIED.contains(dir.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!NOT_COPIED.contains(file.getFileName().toString())) {
                    Files.copy(
                            file,
                            to.resolve(from.relativize(file).toString()),
                            StandardCopyOption.COPY_ATTRIBUTES,
                            StandardCopyOption.REPLACE_EXISTING);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
