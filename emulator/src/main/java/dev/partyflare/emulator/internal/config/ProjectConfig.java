package dev.partyflare.emulator.internal.config;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.Worker;
import dev.partyflare.emulator.ConfigException;
import dev.partyflare.emulator.EmulatorOptions;
import dev.partyflare.emulator.internal.actor.ActorNamespace;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A parsed wrangler configuration, before its class names are resolved.
 *
 * @param warnings things that work but are probably mistakes (unknown keys, missing migrations)
 * @param crons the cron triggers ({@code [triggers] crons}), checked
 * @param services the service bindings ({@code [[services]]}); their targets are checked when the
 *     options are built, against the Workers the emulator runs
 */
public record ProjectConfig(
        Path file,
        String text,
        String name,
        String main,
        String compatibilityDate,
        List<String> compatibilityFlags,
        Map<String, Object> vars,
        List<BindingConfig> bindings,
        List<MigrationConfig> migrations,
        List<ExportConfig> exports,
        Map<String, Object> partyflare,
        List<String> warnings,
        List<String> crons,
        List<ServiceConfig> services) {

    /**
     * One {@code [[services]]} entry: {@code binding} reaches the Worker named {@code service}, its
     * named {@code entrypoint} (null: the default export), with {@code props} as its {@code ctx.props}.
     */
    public record ServiceConfig(String binding, String service, String entrypoint, Map<String, Object> props) {}

    /** One {@code [[durable_objects.bindings]]} entry. */
    public record BindingConfig(String name, String className, String scriptName) {}

    /** One {@code [[migrations]]} entry. */
    public record MigrationConfig(
            String tag,
            List<String> newClasses,
            List<String> newSqliteClasses,
            List<Rename> renamedClasses,
            List<Transfer> transferredClasses,
            List<String> deletedClasses) {}

    /** {@code renamed_classes = [{from, to}]}. */
    public record Rename(String from, String to) {}

    /** {@code transferred_classes = [{from, from_script, to}]}. */
    public record Transfer(String from, String fromScript, String to) {}

    /**
     * One entry of the declarative {@code exports} map: {@code type} {@code durable-object} or
     * {@code worker}; for a Durable Object its {@code state} ({@code created}, {@code deleted},
     * {@code renamed}, {@code transferred}, {@code expecting-transfer}) and {@code storage}
     * ({@code sqlite}, {@code legacy-kv}).
     */
    public record ExportConfig(
            String name,
            String type,
            String state,
            String storage,
            String renamedTo,
            String transferredTo,
            String transferFrom) {
        boolean live() {
            return state.equals("created") || state.equals("expecting-transfer");
        }
    }

    /**
     * The Worker's class history, from {@code [[migrations]]} in order or from {@code exports}
     * (tombstones first, so a rename's target takes over before it would be created).
     */
    public dev.partyflare.emulator.Migrations classHistory() {
        dev.partyflare.emulator.Migrations m = dev.partyflare.emulator.Migrations.none();
        for (MigrationConfig mc : migrations) {
            for (String c : mc.newClasses()) {
                m = m.created(c);
            }
            for (String c : mc.newSqliteClasses()) {
                m = m.created(c);
            }
            for (Rename r : mc.renamedClasses()) {
                m = m.renamed(r.from(), r.to());
            }
            for (Transfer t : mc.transferredClasses()) {
                m = m.transferred(t.fromScript(), t.from(), t.to());
            }
            for (String c : mc.deletedClasses()) {
                m = m.deleted(c);
            }
        }
        for (ExportConfig e : exports) {
            if (!e.type().equals("durable-object")) {
                continue;
            }
            switch (e.state()) {
                case "renamed" -> m = m.created(e.name()).renamed(e.name(), e.renamedTo());
                case "deleted" -> m = m.created(e.name()).deleted(e.name());
                case "expecting-transfer" -> m = m.transferred(e.transferFrom(), e.name(), e.name());
                default -> {}
            }
        }
        for (ExportConfig e : exports) {
            if (e.type().equals("durable-object") && e.state().equals("created")) {
                m = m.created(e.name());
            }
        }
        return m;
    }

    /** Resolves classes through {@code loader} and fills {@code b}. */
    public EmulatorOptions.Builder toOptions(EmulatorOptions.Builder b, ClassLoader loader) {
        if (name != null) {
            b.workerName(name);
        }
        if (compatibilityDate != null) {
            b.compatibilityDate(compatibilityDate);
        }
        b.compatibilityFlags(compatibilityFlags);
        b.vars(vars);
        b.cronTriggers(crons);
        java.util.Map<String, Integer> occurrences = new java.util.HashMap<>();
        for (ServiceConfig sc : services) {
            int occurrence = occurrences.merge(sc.service(), 1, Integer::sum) - 1;
            b.service(new EmulatorOptions.ServiceBindingSpec(
                    sc.binding(),
                    sc.service(),
                    sc.entrypoint(),
                    sc.props(),
                    file,
                    lineOfKey("service", sc.service(), occurrence)));
        }
        if (main == null) {
            throw error(
                    0,
                    "\"main\" is missing",
                    "Set main to the Java class of your Worker, e.g. main = \"com.example.App\"");
        }
        b.worker(instantiateWorker(loadClass(loader, main, "main", "the Worker class", lineOfKey("main", main, 0))));
        dev.partyflare.emulator.Migrations history = classHistory();
        b.migrations(history);
        dev.partyflare.emulator.internal.runtime.NamespaceLineage lineage =
                dev.partyflare.emulator.internal.runtime.NamespaceLineage.of(
                        name == null ? "worker" : name, history, Map.of());
        for (int i = 0; i < bindings.size(); i++) {
            BindingConfig bc = bindings.get(i);
            String why =
                    bc.scriptName() == null || bc.scriptName().equals(name) ? lineage.whyGone(bc.className()) : null;
            if (why != null) {
                throw error(
                        classNameLine(i),
                        "Binding \"" + bc.name() + "\" names class " + bc.className() + ", but " + why,
                        "Bind the class that exists now, or remove the binding");
            }
        }
        for (ExportConfig e : exports) {
            if (e.type().equals("worker")) {
                Class<?> c = loadClass(loader, e.name(), "exports", "a Worker entrypoint", lineOf(e.name()));
                if (!dev.partyflare.durable.WorkerEntrypoint.class.isAssignableFrom(c)) {
                    throw error(
                            lineOf(e.name()),
                            "Class " + c.getName() + " (exports, type \"worker\") does not extend "
                                    + dev.partyflare.durable.WorkerEntrypoint.class.getName(),
                            "A named entrypoint extends dev.partyflare.durable.WorkerEntrypoint");
                }
                try {
                    b.entrypoint(c.getSimpleName(), c.asSubclass(dev.partyflare.durable.WorkerEntrypoint.class));
                } catch (IllegalArgumentException ex) {
                    throw error(
                            lineOf(e.name()),
                            ex.getMessage(),
                            "Add: public " + c.getSimpleName()
                                    + "(ExecutionContext ctx, Env env) { super(ctx, env); }");
                }
            }
        }
        java.util.Map<String, Integer> scriptOccurrences = new java.util.HashMap<>();
        for (int i = 0; i < bindings.size(); i++) {
            BindingConfig bc = bindings.get(i);
            int line = classNameLine(i);
            if (bc.scriptName() != null && !bc.scriptName().equals(name)) {
                // a class of another Worker: resolved against that Worker when the options are built
                int occurrence = scriptOccurrences.merge(bc.scriptName(), 1, Integer::sum) - 1;
                b.durableObject(EmulatorOptions.DurableObjectBinding.ofWorker(
                        bc.name(),
                        bc.className(),
                        bc.scriptName(),
                        file,
                        lineOfKey("script_name", bc.scriptName(), occurrence)));
                continue;
            }
            Class<?> c = loadClass(
                    loader,
                    bc.className(),
                    "class_name",
                    "the Durable Object class of binding \"" + bc.name() + "\"",
                    line);
            if (!DurableObject.class.isAssignableFrom(c)) {
                throw error(
                        line,
                        "Class " + c.getName() + " (class_name of binding \"" + bc.name() + "\") does not extend "
                                + DurableObject.class.getName(),
                        "A Durable Object class extends dev.partyflare.durable.DurableObject");
            }
            @SuppressWarnings("unchecked")
            Class<? extends DurableObject> type = (Class<? extends DurableObject>) c;
            try {
                ActorNamespace.constructorOf(type);
            } catch (IllegalArgumentException e) {
                throw error(
                        line,
                        e.getMessage(),
                        "Add: public " + c.getSimpleName() + "(DurableObjectState ctx, Env env) { super(ctx, env); }");
            }
            b.durableObject(new EmulatorOptions.DurableObjectBinding(
                    bc.name(), bc.className(), type, isSqlite(bc.className())));
        }
        return PartyflareSettings.apply(partyflare, b);
    }

    /** Whether {@code className} is SQLite-backed: as created, or as the class it took over. */
    private boolean isSqlite(String className) {
        for (ExportConfig e : exports) {
            if (e.name().equals(className) && e.live()) {
                return "sqlite".equals(e.storage());
            }
        }
        java.util.Map<String, Boolean> backend = new java.util.HashMap<>();
        for (MigrationConfig m : migrations) {
            m.newClasses().forEach(c -> backend.put(c, false));
            m.newSqliteClasses().forEach(c -> backend.put(c, true));
            m.renamedClasses().forEach(r -> backend.put(r.to(), backend.getOrDefault(r.from(), false)));
            // a transferred class keeps its backend; the other Worker's config is not read here
            m.transferredClasses().forEach(t -> backend.putIfAbsent(t.to(), true));
            m.deletedClasses().forEach(backend::remove);
        }
        return backend.getOrDefault(className, false);
    }

    private Class<?> loadClass(ClassLoader loader, String className, String key, String what, int line) {
        try {
            return Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw error(
                    line,
                    "Class \"" + className + "\" (" + key + ", " + what + ") was not found on the classpath",
                    "Build the project first (./mvnw compile), and use the fully qualified Java class name, e.g. com.example.App",
                    e);
        }
    }

    private Worker instantiateWorker(Class<?> c) {
        if (dev.partyflare.durable.WorkerEntrypoint.class.isAssignableFrom(c)) {
            try {
                return dev.partyflare.durable.WorkerEntrypoint.asWorker(
                        c.asSubclass(dev.partyflare.durable.WorkerEntrypoint.class));
            } catch (IllegalArgumentException e) {
                throw error(
                        lineOfKey("main", main, 0),
                        e.getMessage(),
                        "Add: public " + c.getSimpleName() + "(ExecutionContext ctx, Env env) { super(ctx, env); }");
            }
        }
        if (!Worker.class.isAssignableFrom(c)) {
            throw error(
                    lineOfKey("main", main, 0),
                    "Class " + c.getName() + " (main) does not implement " + Worker.class.getName()
                            + " nor extend dev.partyflare.durable.WorkerEntrypoint",
                    "The Worker class implements dev.partyflare.durable.Worker or extends"
                            + " dev.partyflare.durable.WorkerEntrypoint");
        }
        try {
            Constructor<?> ctor = c.getConstructor();
            if (!Modifier.isPublic(c.getModifiers())) {
                throw new NoSuchMethodException("class is not public");
            }
            return (Worker) ctor.newInstance();
        } catch (NoSuchMethodException e) {
            throw error(
                    lineOfKey("main", main, 0),
                    "Worker class " + c.getName() + " needs a public no-argument constructor",
                    "Make the class public with a public no-argument constructor");
        } catch (InvocationTargetException e) {
            throw error(
                    lineOfKey("main", main, 0),
                    "The constructor of Worker class " + c.getName() + " threw " + e.getCause(),
                    "Fix the constructor",
                    e.getCause());
        } catch (ReflectiveOperationException e) {
            throw error(lineOfKey("main", main, 0), "Cannot create Worker class " + c.getName() + ": " + e, null, e);
        }
    }

    /**
     * The line of binding {@code index}'s {@code class_name}: the class may also be named elsewhere
     * (as {@code main}, in a migration, by another binding), and an error about the binding belongs
     * on the binding's own line.
     */
    private int classNameLine(int index) {
        String className = bindings.get(index).className();
        int occurrence = 0;
        for (int i = 0; i < index; i++) {
            if (bindings.get(i).className().equals(className)) {
                occurrence++;
            }
        }
        return lineOfKey("class_name", className, occurrence);
    }

    /**
     * The 1-based line where {@code key} is set to {@code value} (TOML {@code key = "value"}, JSON
     * {@code "key": "value"}), its {@code occurrence}-th such line counting from 0; else the line
     * where the value first appears quoted; else 0.
     */
    public int lineOfKey(String key, String value, int occurrence) {
        if (value == null || text == null) {
            return 0;
        }
        java.util.regex.Pattern assignment = java.util.regex.Pattern.compile("(^|[\\s,{\"'])[\"']?"
                + java.util.regex.Pattern.quote(key) + "[\"']?\\s*[=:]\\s*[\"']"
                + java.util.regex.Pattern.quote(value) + "[\"']");
        String[] lines = text.split("\n", -1);
        int seen = 0;
        for (int i = 0; i < lines.length; i++) {
            java.util.regex.Matcher m = assignment.matcher(lines[i]);
            while (m.find()) {
                if (seen++ == occurrence) {
                    return i + 1;
                }
            }
        }
        return lineOf(value);
    }

    /** The 1-based line where {@code value} first appears quoted, or 0. */
    public int lineOf(String value) {
        if (value == null || text == null) {
            return 0;
        }
        String quoted = "\"" + value + "\"";
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(quoted) || lines[i].contains("'" + value + "'")) {
                return i + 1;
            }
        }
        return 0;
    }

    ConfigException error(int line, String problem, String hint) {
        return new ConfigException(file, line, problem, hint, null);
    }

    ConfigException error(int line, String problem, String hint, Throwable cause) {
        return new ConfigException(file, line, problem, hint, cause);
    }
}
