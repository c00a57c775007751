package dev.partyflare.cli;

import dev.partyflare.emulator.ConfigException;
import dev.partyflare.emulator.EmulatorOptions;
import dev.partyflare.emulator.WranglerProject;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Loads a project: its wrangler config, and its classes in a fresh class loader each time (so a
 * reload sees new code). The classpath is {@code --classpath}, or the project's {@code
 * target/classes} plus its Maven dependencies: asked of Maven once, then cached in {@code
 * .partyflare/classpath.txt} under the pom's SHA-256, so the next start does not run Maven again
 * until the pom changes (or a jar it lists disappears).
 */
final class ProjectLoader {
    private final Path dir;
    private final Path config;
    private final List<Path> explicitClasspath;
    private final PrintWriter err;
    private List<Path> dependencies;

    ProjectLoader(Path dir, Path config, List<Path> explicitClasspath, PrintWriter err) {
        this.dir = dir;
        this.config = config;
        this.explicitClasspath = explicitClasspath;
        this.err = err;
    }

    Path config() {
        return config;
    }

    /** The classes the config names ({@code main}, every {@code class_name}); none if it cannot be read. */
    List<String> configuredClasses() {
        try {
            return WranglerProject.load(config).classNames();
        } catch (RuntimeException e) {
            return List.of(); // a broken config: loading it says what is wrong
        }
    }

    /** Directories whose changes mean new code. */
    List<Path> watched() {
        List<Path> out = new ArrayList<>();
        for (Path p : classpath()) {
            if (Files.isDirectory(p)) {
                out.add(p);
            }
        }
        return out;
    }

    List<Path> classpath() {
        List<Path> entries = new ArrayList<>();
        if (!explicitClasspath.isEmpty()) {
            entries.addAll(explicitClasspath);
            return entries;
        }
        entries.add(dir.resolve("target/classes"));
        entries.addAll(dependencies());
        return entries;
    }

    /** Parses the config and loads the classes it names; the warnings go to stderr. */
    EmulatorOptions.Builder load(Terminal term) throws MalformedURLException {
        WranglerProject pc = WranglerProject.load(config);
        for (String w : pc.warnings()) {
            err.println(term.yellow("warning: ") + w);
        }
        Path classes = dir.resolve("target/classes");
        if (explicitClasspath.isEmpty() && !Files.isDirectory(classes)) {
            throw new ConfigException(
                    config,
                    0,
                    "No compiled classes in " + classes.toAbsolutePath().normalize(),
                    "Build the project first (./mvnw compile), or pass --classpath",
                    null);
        }
        List<Path> cp = classpath();
        URL[] urls = new URL[cp.size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = cp.get(i).toAbsolutePath().toUri().toURL();
        }
        // the project's own classes (directories, not jars) get preemption polls: a spinning event can be stopped
        ClassLoader loader = WranglerProject.classLoader(
                "project", urls, cp.stream().filter(Files::isDirectory).toList(), ProjectLoader.class.getClassLoader());
        return pc.toOptions(loader);
    }

    /** The project's Maven dependencies, without partyflare's own jars (the runtime provides them). */
    private List<Path> dependencies() {
        if (dependencies != null) {
            return dependencies;
        }
        dependencies = new ArrayList<>();
        Path pom = dir.resolve("pom.xml");
        if (!Files.isRegularFile(pom)) {
            return dependencies;
        }
        try {
            Path cache = dir.resolve(".partyflare/classpath.txt");
            String key = "pom-sha256=" + sha256(pom);
            List<Path> entries = cached(cache, key);
            if (entries == null) {
                entries = resolve(cache, key);
                if (entries == null) {
                    return dependencies;
                }
            }
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith("partyflare-")
                        || name.startsWith("undertow-")
                        || name.startsWith("xnio-")
                        || name.startsWith("jackson-")
                        || name.startsWith("sqlite-jdbc-")) {
                    continue; // the runtime's own copies are used, so classes are shared
                }
                dependencies.add(entry);
            }
        } catch (IOException e) {
            err.println("warning: could not read the project's classpath: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return dependencies;
    }

    /** The cached classpath if it was resolved for this very pom and every jar in it is still there. */
    private static List<Path> cached(Path cache, String key) throws IOException {
        if (!Files.isRegularFile(cache)) {
            return null;
        }
        List<String> lines = Files.readAllLines(cache, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(key)) {
            return null;
        }
        List<Path> entries = split(lines.size() > 1 ? lines.get(1) : "");
        for (Path p : entries) {
            if (!Files.exists(p)) {
                return null; // the local repository was cleaned: ask again
            }
        }
        return entries;
    }

    /** Asks Maven ({@code ./mvnw} when the project has one), saying so: it takes seconds. */
    private List<Path> resolve(Path cache, String key) throws IOException, InterruptedException {
        Files.createDirectories(cache.getParent());
        boolean wrapper = Files.isExecutable(dir.resolve("mvnw"));
        String mvn = wrapper ? dir.resolve("mvnw").toAbsolutePath().toString() : "mvn";
        err.println("Resolving the project's classpath (" + (wrapper ? "./mvnw" : "mvn")
                + " dependency:build-classpath; cached in .partyflare/classpath.txt until pom.xml changes)...");
        err.flush();
        long start = System.nanoTime();
        Path raw = cache.resolveSibling("classpath.raw");
        Path log = cache.resolveSibling("classpath.log");
        Files.deleteIfExists(raw);
        Process p;
        try {
            p = new ProcessBuilder(
                            mvn,
                            "-B",
                            "dependency:build-classpath",
                            "-Dmdep.outputFile=" + raw.toAbsolutePath(),
                            "-Dmdep.includeScope=runtime")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            err.println("warning: could not run " + mvn + " (" + e.getMessage()
                    + "); using target/classes only (pass --classpath to add more)");
            return null;
        }
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.isRegularFile(raw)) {
            p.destroyForcibly();
            err.println("warning: Maven could not resolve the project's classpath (its output: "
                    + log.toAbsolutePath().normalize()
                    + "); using target/classes only (pass --classpath to add more)");
            return null;
        }
        String classpath = Files.readString(raw, StandardCharsets.UTF_8).strip();
        Files.writeString(cache, key + "\n" + classpath + "\n", StandardCharsets.UTF_8);
        Files.deleteIfExists(raw);
        List<Path> entries = split(classpath);
        err.println("  " + entries.size() + " jar(s), in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        err.flush();
        return entries;
    }

    private static List<Path> split(String classpath) {
        List<Path> out = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                out.add(Path.of(entry.strip()));
            }
        }
        return out;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
