package dev.partyflare.emulator;

import dev.partyflare.emulator.internal.config.ProjectConfig;
import dev.partyflare.emulator.internal.config.WranglerConfig;
import dev.partyflare.emulator.internal.exec.InstrumentingClassLoader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A project's wrangler configuration ({@code wrangler.toml}, {@code wrangler.json} or {@code
 * wrangler.jsonc}) as tools read it: what {@code partyflare dev} needs to serve a project, without the
 * parser's types.
 */
public final class WranglerProject {
    private final ProjectConfig config;

    private WranglerProject(ProjectConfig config) {
        this.config = config;
    }

    /** The configuration file in {@code dir}, if there is one. */
    public static Optional<Path> find(Path dir) {
        return WranglerConfig.find(dir);
    }

    /**
     * Reads and checks a configuration file (class names are not resolved yet).
     *
     * @throws ConfigException with the file, line and a hint when it is wrong
     */
    public static WranglerProject load(Path file) {
        return new WranglerProject(WranglerConfig.load(file));
    }

    /** The file it was read from. */
    public Path file() {
        return config.file();
    }

    /** The Worker's class ({@code main}), or null when missing. */
    public String main() {
        return config.main();
    }

    /** Every class the configuration names: {@code main}, then each binding's {@code class_name}. */
    public List<String> classNames() {
        List<String> names = new ArrayList<>();
        if (config.main() != null) {
            names.add(config.main());
        }
        for (ProjectConfig.BindingConfig b : config.bindings()) {
            names.add(b.className());
        }
        return names;
    }

    /** Things that work but are probably mistakes (unknown keys, missing migrations). */
    public List<String> warnings() {
        return config.warnings();
    }

    /** The {@code [partyflare]} section: partyflare's own settings ({@code attachment_limit}, ...). */
    public Map<String, Object> partyflareSettings() {
        return config.partyflare();
    }

    /**
     * Options for this project: classes are loaded through {@code loader}.
     *
     * @throws ConfigException when a class cannot be found or used
     */
    public EmulatorOptions.Builder toOptions(ClassLoader loader) {
        return config.toOptions(EmulatorOptions.builder(), loader);
    }

    /**
     * A class loader for a project's classes: classes loaded from {@code classDirs} (the project's own
     * build output, not its jars) get the runtime's preemption polls, so a spinning event in them can
     * be stopped after its object was reset.
     */
    public static URLClassLoader classLoader(String name, URL[] urls, List<Path> classDirs, ClassLoader parent) {
        return new InstrumentingClassLoader(name, urls, classDirs, parent);
    }
}
