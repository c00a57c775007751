package dev.partyflare.cli;

import dev.partyflare.emulator.ConfigException;
import dev.partyflare.emulator.EmulatorOptions;
import dev.partyflare.emulator.internal.config.ProjectConfig;
import dev.partyflare.emulator.internal.config.WranglerConfig;
import dev.partyflare.emulator.internal.exec.InstrumentingClassLoader;
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
 * target/classes} plus its Maven dependencies (asked of Maven once, cached by the pom's time).
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
        ProjectConfig pc = WranglerConfig.load(config);
        for (String w : pc.warnings()) {
            err.println(term.yellow("warning: ") + w);
        }
        Path classes = dir.resolve("target/classes");
        if (explicitClasspath.isEmpty() && !Files.isDirectory(classes)) {
            throw new ConfigException(
                    config,
                    0,
                    "No compiled classes in " + classes.toAbsolutePath().normalize(),
                    "Build the project first (mvn compile), or pass --classpath",
                    null);
        }
        List<Path> cp = classpath();
        URL[] urls = new URL[cp.size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = cp.get(i).toAbsolutePath().toUri().toURL();
        }
        // the project's own classes (directories, not jars) get preemption polls: a spinning event can be stopped
        ClassLoader loader = new InstrumentingClassLoader(
                "project", urls, cp.stream().filter(Files::isDirectory).toList(), ProjectLoader.class.getClassLoader());
        return pc.toOptions(EmulatorOptions.builder(), loader);
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
            if (!Files.isRegularFile(cache)
                    || Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(pom)) < 0) {
                Files.createDirectories(cache.getParent());
                String mvn = Files.isExecutable(dir.resolve("mvnw"))
                        ? dir.resolve("mvnw").toString()
                        : "mvn";
                Process p = new ProcessBuilder(
                                mvn,
                                "-q",
                                "-B",
                                "dependency:build-classpath",
                                "-Dmdep.outputFile=" + cache.toAbsolutePath(),
                                "-Dmdep.includeScope=runtime")
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    err.println(
                            "warning: could not ask Maven for the project's classpath; using target/classes only (pass --classpath to add more)");
                    return dependencies;
                }
            }
            for (String entry :
                    Files.readString(cache, StandardCharsets.UTF_8).strip().split(File.pathSeparator)) {
                if (entry.isBlank()) {
                    continue;
                }
                String name = Path.of(entry).getFileName().toString();
                if (name.startsWith("partyflare-")
                        || name.startsWith("undertow-")
                        || name.startsWith("xnio-")
                        || name.startsWith("jackson-")
                        || name.startsWith("sqlite-jdbc-")) {
                    continue; // the runtime's own copies are used, so classes are shared
                }
                dependencies.add(Path.of(entry));
            }
        } catch (IOException e) {
            err.println("warning: could not read the project's classpath: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return dependencies;
    }
}
