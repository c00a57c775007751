package dev.partyflare.emulator.internal.config;

import dev.partyflare.emulator.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * Reads {@code wrangler.toml}, {@code wrangler.json} and {@code wrangler.jsonc} (comments and
 * trailing commas allowed) into a {@link ProjectConfig}. Errors name the file, the line and what
 * to do.
 */
public final class WranglerConfig {
    /** The file names looked for in a project directory, in wrangler's order of preference. */
    public static final List<String> FILE_NAMES = List.of("wrangler.json", "wrangler.jsonc", "wrangler.toml");

    private static final Set<String> KNOWN_TOP_LEVEL = Set.of(
            "name",
            "main",
            "compatibility_date",
            "compatibility_flags",
            "vars",
            "durable_objects",
            "services",
            "migrations",
            "exports",
            "partyflare",
            "account_id",
            "workers_dev",
            "route",
            "routes",
            "dev",
            "observability",
            "placement",
            "triggers",
            "build",
            "rules",
            "no_bundle",
            "minify",
            "keep_vars",
            "send_metrics",
            "upload_source_maps",
            "logpush",
            "limits",
            "tail_consumers",
            "$schema",
            "env",
            "preview_urls",
            "find_additional_modules",
            "base_dir");
    private static final Set<String> KNOWN_BINDING_KEYS = Set.of("name", "class_name", "script_name", "environment");
    private static final Set<String> KNOWN_MIGRATION_KEYS = Set.of(
            "tag", "new_classes", "new_sqlite_classes", "renamed_classes", "deleted_classes", "transferred_classes");

    private WranglerConfig() {}

    /** The config file in {@code dir}, if any. */
    public static Optional<Path> find(Path dir) {
        for (String n : FILE_NAMES) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public static ProjectConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file, 0, "Cannot read the configuration file: " + e.getMessage(), null, e);
        }
        return parse(file, text);
    }

    public static ProjectConfig parse(Path file, String text) {
        String fileName = file == null ? "wrangler.toml" : file.getFileName().toString();
        ObjectMapper mapper = fileName.endsWith(".toml")
                ? new TomlMapper()
                : JsonMapper.builder()
                        .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
                        .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
                        .build();
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JacksonException e) {
            int line = errorLine(e.getLocation());
            String source = line > 0 && line <= text.lines().count()
                    ? "\n  " + line + " | "
                            + text.lines().skip(line - 1).findFirst().orElse("")
                    : "";
            throw new ConfigException(
                    file,
                    line,
                    "Syntax error: " + e.getOriginalMessage() + source,
                    fileName.endsWith(".toml")
                            ? "Check the TOML syntax near this line (strings need quotes; tables are [name], arrays of tables [[name]])"
                            : "Check the JSON syntax near this line (comments and trailing commas are allowed)",
                    e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(
                    file, 0, "The configuration is empty or not an object", "Start with: name = \"my-worker\"", null);
        }
        Parser p = new Parser(file, text);
        return p.parse(root);
    }

    /**
     * The 1-based line a parser error is about. The TOML parser reports where its lexer stopped, which
     * is past the end of the line at fault when the offending token is that line's newline (a missing
     * {@code ]}, a duplicate key): column 1 of the next line. Such an error belongs to the line before.
     */
    private static int errorLine(TokenStreamLocation loc) {
        if (loc == null || loc.getLineNr() <= 0) {
            return 0;
        }
        int line = loc.getLineNr();
        return loc.getColumnNr() <= 1 && line > 1 ? line - 1 : line;
    }

    private static final class Parser {
        private final Path file;
        private final String text;
        private final List<String> warnings = new ArrayList<>();

        Parser(Path file, String text) {
            this.file = file;
            this.text = text;
        }

        ProjectConfig parse(JsonNode root) {
            for (String key : root.propertyNames()) {
                if (!KNOWN_TOP_LEVEL.contains(key)) {
                    warnings.add(at(key) + "unknown key \"" + key + "\" (ignored)");
                }
            }
            String name = string(root, "name");
            String main = string(root, "main");
            String compat = string(root, "compatibility_date");
            List<String> compatFlags = flagList(root, "compatibility_flags");
            try {
                Compatibility c = Compatibility.of(compat, compatFlags);
                for (String ignored : c.ignoredFlags()) {
                    warnings.add(at(ignored) + "compatibility flag \"" + ignored
                            + "\" changes nothing in partyflare (docs/compatibility.md lists the flags it honours)");
                }
            } catch (IllegalArgumentException e) {
                boolean dateProblem = e.getMessage().startsWith("Invalid compatibility date");
                throw fail(
                        dateProblem ? "compatibility_date" : "compatibility_flags",
                        e.getMessage(),
                        dateProblem
                                ? "compatibility_date = \"2026-04-01\""
                                : "compatibility_flags = [\"web_socket_auto_reply_to_close\"]");
            }
            Map<String, Object> vars = new LinkedHashMap<>();
            JsonNode v = root.get("vars");
            if (v != null) {
                if (!v.isObject()) {
                    throw fail("vars", "\"vars\" must be a table of names to values", "[vars]\nGREETING = \"hello\"");
                }
                for (Map.Entry<String, JsonNode> e : v.properties()) {
                    vars.put(e.getKey(), toJava(e.getValue()));
                }
            }
            List<ProjectConfig.BindingConfig> bindings = new ArrayList<>();
            JsonNode dobj = root.get("durable_objects");
            if (dobj != null) {
                JsonNode list = dobj.get("bindings");
                if (list != null) {
                    if (!list.isArray()) {
                        throw fail(
                                "bindings",
                                "durable_objects.bindings must be a list",
                                "[[durable_objects.bindings]]\nname = \"COUNTER\"\nclass_name = \"com.example.Counter\"");
                    }
                    for (JsonNode b : list) {
                        for (String k : b.propertyNames()) {
                            if (!KNOWN_BINDING_KEYS.contains(k)) {
                                warnings.add(
                                        at(k) + "unknown key \"" + k + "\" in a durable_objects binding (ignored)");
                            }
                        }
                        String bn = string(b, "name");
                        String cn = string(b, "class_name");
                        if (bn == null || bn.isEmpty()) {
                            throw fail(
                                    cn,
                                    "A durable_objects binding has no \"name\"",
                                    "Give each binding a name, e.g. name = \"COUNTER\"");
                        }
                        if (cn == null || cn.isEmpty()) {
                            throw fail(
                                    bn,
                                    "Binding \"" + bn + "\" has no \"class_name\"",
                                    "Set class_name to the Java class, e.g. class_name = \"com.example.Counter\"");
                        }
                        if (!bn.matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
                            throw fail(
                                    bn,
                                    "Binding name \"" + bn + "\" is not a valid identifier",
                                    "Use letters, digits and _ only, e.g. COUNTER");
                        }
                        for (ProjectConfig.BindingConfig other : bindings) {
                            if (other.name().equals(bn)) {
                                throw fail(
                                        bn,
                                        "Binding \"" + bn + "\" is declared twice",
                                        "Give each binding its own name");
                            }
                        }
                        bindings.add(new ProjectConfig.BindingConfig(bn, cn, string(b, "script_name")));
                    }
                }
            }
            List<ProjectConfig.MigrationConfig> migrations = new ArrayList<>();
            JsonNode ms = root.get("migrations");
            if (ms != null) {
                if (!ms.isArray()) {
                    throw fail(
                            "migrations",
                            "\"migrations\" must be a list",
                            "[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"com.example.Counter\"]");
                }
                for (JsonNode m : ms) {
                    for (String k : m.propertyNames()) {
                        if (!KNOWN_MIGRATION_KEYS.contains(k)) {
                            warnings.add(at(k) + "unknown key \"" + k + "\" in a migration (ignored)");
                        }
                    }
                    migrations.add(new ProjectConfig.MigrationConfig(
                            string(m, "tag"),
                            strings(m, "new_classes"),
                            strings(m, "new_sqlite_classes"),
                            renames(m),
                            transfers(m),
                            strings(m, "deleted_classes")));
                }
            }
            List<ProjectConfig.ExportConfig> exports = exports(root.get("exports"));
            if (!exports.isEmpty() && !migrations.isEmpty()) {
                throw fail(
                        "exports",
                        "\"exports\" and \"migrations\" cannot both be set: the declarative exports replace the"
                                + " migrations list",
                        "Declare each class once in exports, e.g. \"exports\": {\"com.example.Room\": {\"type\":"
                                + " \"durable-object\", \"storage\": \"sqlite\"}}, and remove \"migrations\"");
            }
            for (ProjectConfig.BindingConfig b : bindings) {
                if (b.scriptName() != null && !b.scriptName().equals(name)) {
                    continue;
                }
                boolean migrated = migrations.stream()
                                .anyMatch(m -> m.newClasses().contains(b.className())
                                        || m.newSqliteClasses().contains(b.className())
                                        || m.renamedClasses().stream().anyMatch(r -> r.to().equals(b.className()))
                                        || m.transferredClasses().stream().anyMatch(t -> t.to().equals(b.className())))
                        || exports.stream().anyMatch(e -> e.name().equals(b.className()) && e.live());
                if (!migrated) {
                    warnings.add(at(b.className()) + "class " + b.className()
                            + (exports.isEmpty()
                                    ? " has no migration; add it to new_sqlite_classes (or new_classes) in [[migrations]]"
                                    : " is not in \"exports\"; add \"" + b.className()
                                            + "\": {\"type\": \"durable-object\", \"storage\": \"sqlite\"}"));
                }
            }
            Map<String, Object> partyflare = new LinkedHashMap<>();
            JsonNode pf = root.get("partyflare");
            if (pf != null && pf.isObject()) {
                for (Map.Entry<String, JsonNode> e : pf.properties()) {
                    partyflare.put(e.getKey(), toJava(e.getValue()));
                }
            }
            for (Map.Entry<String, Object> e : partyflare.entrySet()) {
                String problem = PartyflareSettings.problem(e.getKey(), e.getValue());
                if (problem == null) {
                    continue;
                }
                if (problem.startsWith("unknown")) {
                    warnings.add(at(e.getKey()) + problem);
                } else {
                    throw fail(e.getKey(), problem, PartyflareSettings.example(e.getKey()));
                }
            }
            if (pf != null && !pf.isObject()) {
                throw fail(
                        "partyflare", "[partyflare] must be a table of settings", "[partyflare]\nstrict_limits = true");
            }
            // Cloudflare's CPU limit per invocation bounds how long an event may run here too (as running time)
            JsonNode cpu = root.path("limits").path("cpu_ms");
            if (cpu.isNumber() && !partyflare.containsKey("event_timeout_ms")) {
                partyflare.put("event_timeout_ms", cpu.longValue());
            }
            List<String> crons = crons(root.get("triggers"));
            return new ProjectConfig(
                    file,
                    text,
                    name,
                    main,
                    compat,
                    compatFlags,
                    vars,
                    bindings,
                    migrations,
                    exports,
                    partyflare,
                    warnings,
                    crons,
                    services(root.get("services")));
        }

        /** {@code renamed_classes = [{from = "A", to = "B"}]} of one migration. */
        private List<ProjectConfig.Rename> renames(JsonNode migration) {
            List<ProjectConfig.Rename> out = new ArrayList<>();
            for (JsonNode r :
                    objects(migration, "renamed_classes", "renamed_classes = [{from = \"Counter\", to = \"Tally\"}]")) {
                String from = string(r, "from");
                String to = string(r, "to");
                if (from == null || to == null) {
                    throw fail(
                            "renamed_classes",
                            "Each entry of renamed_classes needs \"from\" and \"to\"",
                            "renamed_classes = [{from = \"com.example.Counter\", to = \"com.example.Tally\"}]");
                }
                out.add(new ProjectConfig.Rename(from, to));
            }
            return out;
        }

        /** {@code transferred_classes = [{from = "A", from_script = "w", to = "B"}]} of one migration. */
        private List<ProjectConfig.Transfer> transfers(JsonNode migration) {
            String example = "transferred_classes = [{from = \"com.example.Room\", from_script = \"old-worker\", to ="
                    + " \"com.example.Room\"}]";
            List<ProjectConfig.Transfer> out = new ArrayList<>();
            for (JsonNode t : objects(migration, "transferred_classes", example)) {
                String from = string(t, "from");
                String fromScript = string(t, "from_script");
                String to = string(t, "to");
                if (from == null || fromScript == null || to == null) {
                    throw fail(
                            "transferred_classes",
                            "Each entry of transferred_classes needs \"from\", \"from_script\" and \"to\"",
                            example);
                }
                out.add(new ProjectConfig.Transfer(from, fromScript, to));
            }
            return out;
        }

        private List<JsonNode> objects(JsonNode node, String key, String example) {
            JsonNode n = node.get(key);
            if (n == null || n.isNull()) {
                return List.of();
            }
            if (!n.isArray()) {
                throw fail(key, "\"" + key + "\" must be a list of tables", example);
            }
            List<JsonNode> out = new ArrayList<>();
            for (JsonNode e : n) {
                if (!e.isObject()) {
                    throw fail(key, "Each entry of \"" + key + "\" must be a table, not " + e, example);
                }
                out.add(e);
            }
            return out;
        }

        private static final Set<String> EXPORT_STATES =
                Set.of("created", "deleted", "renamed", "transferred", "expecting-transfer");

        /**
         * The declarative {@code exports}: Durable Object classes with their lifecycle, and named
         * Worker entrypoints; checked as Cloudflare checks them at deploy.
         */
        private List<ProjectConfig.ExportConfig> exports(JsonNode map) {
            if (map == null || map.isNull()) {
                return List.of();
            }
            String example =
                    "\"exports\": {\"com.example.Room\": {\"type\": \"durable-object\", \"storage\": \"sqlite\"}}";
            if (!map.isObject()) {
                throw fail("exports", "\"exports\" must be a table keyed by class name", example);
            }
            List<ProjectConfig.ExportConfig> out = new ArrayList<>();
            for (Map.Entry<String, JsonNode> entry : map.properties()) {
                String cls = entry.getKey();
                JsonNode e = entry.getValue();
                if (!e.isObject()) {
                    throw fail(cls, "Export \"" + cls + "\" must be a table with a \"type\"", example);
                }
                String type = string(e, "type");
                if (type == null) {
                    throw fail(
                            cls,
                            "Export \"" + cls + "\" has no \"type\"",
                            "\"type\": \"durable-object\" (or \"worker\")");
                }
                if (type.equals("workflow")) {
                    warnings.add(
                            at(cls) + "export \"" + cls + "\" is a Workflow, which partyflare does not run (ignored)");
                    continue;
                }
                if (!type.equals("durable-object") && !type.equals("worker")) {
                    throw fail(
                            type,
                            "Export \"" + cls + "\" has type \"" + type + "\"; it is \"durable-object\" or \"worker\"",
                            example);
                }
                String state = string(e, "state");
                String storage = string(e, "storage");
                String renamedTo = string(e, "renamed_to");
                String transferredTo = string(e, "transferred_to");
                String transferFrom = string(e, "transfer_from");
                for (String k : e.propertyNames()) {
                    if (!Set.of(
                                    "type",
                                    "state",
                                    "storage",
                                    "renamed_to",
                                    "transferred_to",
                                    "transfer_from",
                                    "cache",
                                    "container")
                            .contains(k)) {
                        warnings.add(at(k) + "unknown key \"" + k + "\" in export \"" + cls + "\" (ignored)");
                    }
                }
                if (type.equals("worker")) {
                    out.add(new ProjectConfig.ExportConfig(cls, type, "created", null, null, null, null));
                    continue;
                }
                state = state == null ? "created" : state;
                if (!EXPORT_STATES.contains(state)) {
                    throw fail(
                            state,
                            "Export \"" + cls + "\" has state \"" + state
                                    + "\"; it is one of created, deleted, renamed,"
                                    + " transferred, expecting-transfer",
                            "Leave \"state\" out for a live class");
                }
                boolean live = state.equals("created") || state.equals("expecting-transfer");
                if (live && storage == null) {
                    throw fail(
                            cls,
                            "Durable Object export \"" + cls + "\" has no \"storage\"",
                            "\"storage\": \"sqlite\" (or \"legacy-kv\" for the key-value backend)");
                }
                if (storage != null && !storage.equals("sqlite") && !storage.equals("legacy-kv")) {
                    throw fail(
                            storage,
                            "\"storage\" of export \"" + cls + "\" is \"" + storage + "\"",
                            "\"storage\": \"sqlite\" or \"legacy-kv\"");
                }
                if (!live && storage != null) {
                    throw fail(
                            storage,
                            "Export \"" + cls + "\" is " + state + " and cannot set \"storage\"",
                            "Remove \"storage\"");
                }
                if (state.equals("renamed") && renamedTo == null) {
                    throw fail(
                            cls,
                            "Export \"" + cls + "\" is renamed but has no \"renamed_to\"",
                            "\"renamed_to\": \"com.example.NewName\"");
                }
                if (state.equals("transferred") && transferredTo == null) {
                    throw fail(
                            cls,
                            "Export \"" + cls + "\" is transferred but has no \"transferred_to\"",
                            "\"transferred_to\": \"target-worker\"");
                }
                if (state.equals("expecting-transfer") && transferFrom == null) {
                    throw fail(
                            cls,
                            "Export \"" + cls + "\" expects a transfer but has no \"transfer_from\"",
                            "\"transfer_from\": \"source-worker\"");
                }
                out.add(new ProjectConfig.ExportConfig(
                        cls, type, state, storage, renamedTo, transferredTo, transferFrom));
            }
            for (ProjectConfig.ExportConfig e : out) {
                if (e.renamedTo() != null
                        && out.stream()
                                .noneMatch(o -> o.name().equals(e.renamedTo())
                                        && o.type().equals("durable-object")
                                        && o.state().equals("created"))) {
                    throw fail(
                            e.renamedTo(),
                            "Export \"" + e.name() + "\" is renamed to \"" + e.renamedTo()
                                    + "\", which must also appear as a live entry of \"exports\"",
                            "\"" + e.renamedTo() + "\": {\"type\": \"durable-object\", \"storage\": \"sqlite\"}");
                }
            }
            return out;
        }

        /** {@code [[services]]}: each a {@code binding} name and the {@code service} (Worker) it reaches. */
        private List<ProjectConfig.ServiceConfig> services(JsonNode list) {
            if (list == null || list.isNull()) {
                return List.of();
            }
            String example = "[[services]]\nbinding = \"AUTH\"\nservice = \"auth-worker\"";
            if (!list.isArray()) {
                throw fail("services", "\"services\" must be a list of service bindings", example);
            }
            List<ProjectConfig.ServiceConfig> out = new ArrayList<>();
            for (JsonNode s : list) {
                if (!s.isObject()) {
                    throw fail("services", "Each entry of \"services\" must be a table", example);
                }
                String binding = string(s, "binding");
                String service = string(s, "service");
                String entrypoint = string(s, "entrypoint");
                Map<String, Object> props = Map.of();
                JsonNode p = s.get("props");
                if (p != null && !p.isNull()) {
                    if (!p.isObject()) {
                        throw fail(
                                "props",
                                "\"props\" of service binding \"" + binding + "\" must be a table, not " + p,
                                "props = { user = \"ann\" }");
                    }
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = (Map<String, Object>) toJava(p);
                    props = m;
                }
                for (String k : s.propertyNames()) {
                    if (!Set.of("binding", "service", "entrypoint", "props").contains(k)) {
                        warnings.add(at(k) + "unknown key \"" + k + "\" in a service binding (ignored)");
                    }
                }
                if (binding == null || binding.isEmpty()) {
                    throw fail(service, "A service binding has no \"binding\"", example);
                }
                if (service == null || service.isEmpty()) {
                    throw fail(binding, "Service binding \"" + binding + "\" has no \"service\"", example);
                }
                if (!binding.matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
                    throw fail(
                            binding,
                            "Binding name \"" + binding + "\" is not a valid identifier",
                            "Use letters, digits and _ only, e.g. AUTH");
                }
                out.add(new ProjectConfig.ServiceConfig(binding, service, entrypoint, props));
            }
            return out;
        }

        /** {@code [triggers] crons = [...]}: each a cron expression in Cloudflare's syntax. */
        private List<String> crons(JsonNode triggers) {
            if (triggers == null || triggers.isNull()) {
                return List.of();
            }
            String example = "[triggers]\ncrons = [\"*/5 * * * *\", \"0 15 1 * *\"]";
            if (!triggers.isObject()) {
                throw fail("triggers", "\"triggers\" must be a table with a \"crons\" list", example);
            }
            for (String k : triggers.propertyNames()) {
                if (!k.equals("crons")) {
                    warnings.add(at(k) + "unknown key \"" + k + "\" in triggers (ignored)");
                }
            }
            JsonNode list = triggers.get("crons");
            if (list == null || list.isNull()) {
                return List.of();
            }
            if (!list.isArray()) {
                throw fail("crons", "triggers.crons must be a list of cron expressions", example);
            }
            List<String> out = new ArrayList<>();
            for (JsonNode c : list) {
                if (!c.isString()) {
                    throw fail("crons", "triggers.crons must be a list of strings, not " + list, example);
                }
                String cron = c.asString();
                try {
                    dev.partyflare.emulator.internal.cron.CronExpression.parse(cron);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(
                            file,
                            lineOf(cron) > 0 ? lineOf(cron) : lineOf("crons"),
                            e.getMessage(),
                            "Five fields, minute hour day-of-month month day-of-week, in UTC; weekdays are 1-7"
                                    + " from Sunday (or SUN-SAT), e.g. \"0 18 * * FRI\"",
                            null);
                }
                out.add(cron);
            }
            return out;
        }

        private String at(String value) {
            int line = lineOf(value);
            return (file == null ? "" : file.getFileName() + (line > 0 ? ":" + line : "") + ": ");
        }

        private int lineOf(String value) {
            if (value == null) {
                return 0;
            }
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].contains("\"" + value + "\"")
                        || lines[i].matches("\\s*\"?" + java.util.regex.Pattern.quote(value) + "\"?\\s*[=:].*")) {
                    return i + 1;
                }
            }
            return 0;
        }

        private ConfigException fail(String near, String problem, String hint) {
            return new ConfigException(file, lineOf(near), problem, hint, null);
        }

        private String string(JsonNode node, String key) {
            JsonNode n = node.get(key);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isString()) {
                throw fail(key, "\"" + key + "\" must be a string, not " + n, "Put the value in quotes");
            }
            return n.asString();
        }

        private List<String> flagList(JsonNode node, String key) {
            JsonNode n = node.get(key);
            if (n == null || n.isNull()) {
                return List.of();
            }
            if (!n.isArray()) {
                throw fail(
                        key,
                        "\"" + key + "\" must be a list of flag names",
                        key + " = [\"web_socket_auto_reply_to_close\"]");
            }
            List<String> out = new ArrayList<>();
            for (JsonNode e : n) {
                if (!e.isString()) {
                    throw fail(
                            key,
                            "\"" + key + "\" must be a list of strings, not " + n,
                            key + " = [\"web_socket_auto_reply_to_close\"]");
                }
                out.add(e.asString());
            }
            return out;
        }

        private List<String> strings(JsonNode node, String key) {
            JsonNode n = node.get(key);
            if (n == null || n.isNull()) {
                return List.of();
            }
            if (!n.isArray()) {
                throw fail(key, "\"" + key + "\" must be a list of class names", key + " = [\"com.example.Counter\"]");
            }
            List<String> out = new ArrayList<>();
            for (JsonNode e : n) {
                out.add(e.asString());
            }
            return out;
        }
    }

    private static Object toJava(JsonNode n) {
        if (n.isString()) {
            return n.asString();
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        if (n.isIntegralNumber()) {
            return n.asLong();
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        if (n.isNull()) {
            return null;
        }
        return new JsonMapper().convertValue(n, Object.class);
    }
}
