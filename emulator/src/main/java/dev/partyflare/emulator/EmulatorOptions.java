package dev.partyflare.emulator;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.Worker;
import dev.partyflare.durable.WorkerEntrypoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything an {@link Emulator} can be told, in one place: the embedding API, the JUnit
 * extension and the CLI flags all fill this object. Build one with {@link #builder()} or from a
 * {@code wrangler.toml}/{@code wrangler.json(c)} with {@link #fromConfig(Path)}.
 *
 * <p>Over 500 lines: the one options object of the embedding API, the JUnit extension and the CLI,
 * with its builder; a setting is one field, one builder method and its Javadoc.
 */
public final class EmulatorOptions {
    /** The default port of {@code partyflare dev}, as {@code wrangler dev}. */
    public static final int DEFAULT_DEV_PORT = 8787;

    /** The default WebSocket attachment limit (the project's requirement). */
    public static final int DEFAULT_ATTACHMENT_LIMIT = 2048;

    /** Cloudflare's attachment limit since 2026. */
    public static final int PRODUCTION_ATTACHMENT_LIMIT = 16_384;

    /** The largest WebSocket message workerd accepts (32 MiB). */
    public static final int MAX_WEBSOCKET_MESSAGE = 32 * 1024 * 1024;

    /**
     * Default bound of the bytes queued for one WebSocket client that does not read (64 MiB: two
     * messages of the largest size fit): past it the connection is dropped.
     */
    public static final long DEFAULT_WEBSOCKET_SEND_QUEUE = 64L * 1024 * 1024;

    /** The Worker name when none is given. */
    static final String DEFAULT_WORKER_NAME = "worker";

    /**
     * Cloudflare's location hints ({@code wnam}, {@code enam}, {@code sam}, {@code weur}, ...), in
     * documentation order: what {@code namespace.get(id, GetOptions.locationHint(...))} accepts.
     */
    public static final java.util.Set<String> LOCATION_HINTS = dev.partyflare.emulator.internal.actor.Locations.HINTS;

    /** Cloudflare's jurisdictions ({@code eu}, {@code fedramp}, ...): what {@code namespace.jurisdiction(j)} accepts. */
    public static final java.util.Set<String> JURISDICTIONS =
            dev.partyflare.emulator.internal.actor.Locations.JURISDICTIONS;

    /** Events each object's timeline keeps by default. */
    public static final int DEFAULT_TIMELINE_SIZE = 500;

    private final String workerName;
    private final Worker worker;
    private final List<DurableObjectBinding> durableObjects;
    private final Map<String, Object> vars;
    private final boolean http;
    private final String host;
    private final int port;
    private final Long manualClockStart;
    private final String defaultLocation;
    private final boolean strictLimits;
    private final long maxRequestBodyBytes;
    private final long maxBufferedRequestBytes;
    private final long maxWebSocketMessageBytes;
    private final long maxWebSocketSendQueueBytes;
    private final Duration blockConcurrencyTimeout;
    private final String compatibilityDate;
    private final List<String> compatibilityFlags;
    private final Path persistTo;
    private final Duration idleTimeout;
    private final Duration eventTimeout;
    private final int attachmentLimit;
    private final boolean pointInTimeRecovery;
    private final boolean honourRetryAlarm;
    private final int timelineSize;
    private final Duration settleTimeout;
    private final boolean autoTimeSkipping;
    private final boolean chaosHibernation;
    private final boolean journal;
    private final OutboundHandler outbound;
    private final List<String> cronTriggers;
    private final boolean testScheduled;
    private final ObjectRouter objectRouter;
    private final List<ServiceBindingSpec> services;
    private final List<NamedWorker> workers;
    private final Map<String, Class<? extends WorkerEntrypoint>> entrypoints;
    private final boolean sharedStateDirectory;
    private final Migrations migrations;

    /**
     * A Durable Object class under a binding name.
     *
     * @param binding the name in {@code env} (e.g. {@code COUNTER})
     * @param className the class name as configured; its simple name is the JS export name that ids
     *     derive from
     * @param type the class (null only until {@link Builder#build()} resolves a {@code scriptName}
     *     binding)
     * @param sqlite true for {@code new_sqlite_classes}
     * @param scriptName the Worker that defines the class ({@code script_name}) when it is another
     *     Worker, else null
     * @param file the configuration file that declared it, or null; with {@code line}, where errors
     *     about it point
     */
    public record DurableObjectBinding(
            String binding,
            String className,
            Class<? extends DurableObject> type,
            boolean sqlite,
            String scriptName,
            Path file,
            int line) {
        public DurableObjectBinding {
            Objects.requireNonNull(binding, "binding");
            if (type == null && scriptName == null) {
                throw new NullPointerException("type");
            }
            if (className == null) {
                className = Objects.requireNonNull(type, "type or className").getName();
            }
        }

        /** A binding declared in code. */
        public DurableObjectBinding(
                String binding,
                String className,
                Class<? extends DurableObject> type,
                boolean sqlite,
                String scriptName) {
            this(binding, className, type, sqlite, scriptName, null, 0);
        }

        /** A binding to a class of this Worker, declared in code. */
        public DurableObjectBinding(
                String binding, String className, Class<? extends DurableObject> type, boolean sqlite) {
            this(binding, className, type, sqlite, null);
        }

        /**
         * A binding to the class {@code className} of the Worker {@code scriptName} ({@code script_name}):
         * that Worker binds the class itself; its objects run with that Worker's {@code env} and ids
         * derive from {@code "<scriptName>-<class>"}. {@link Builder#build()} resolves the class (by its
         * simple name) and the storage backend from that Worker.
         */
        public static DurableObjectBinding ofWorker(String binding, String className, String scriptName) {
            return ofWorker(binding, className, scriptName, null, 0);
        }

        /** {@link #ofWorker(String, String, String)} declared at {@code line} of {@code file}. */
        public static DurableObjectBinding ofWorker(
                String binding, String className, String scriptName, Path file, int line) {
            return new DurableObjectBinding(
                    binding,
                    Objects.requireNonNull(className, "className"),
                    null,
                    true,
                    Objects.requireNonNull(scriptName, "scriptName"),
                    file,
                    line);
        }

        /** True when the class belongs to another Worker than {@code ownWorker}. */
        public boolean isOfOtherWorker(String ownWorker) {
            return scriptName != null && !scriptName.equals(ownWorker);
        }
    }

    /**
     * A service binding: {@code env.service(binding)} reaches the Worker named {@code service} (the
     * main Worker's name or one added with {@link Builder#worker(NamedWorker)}).
     *
     * @param entrypoint the named entrypoint of that Worker ({@code entrypoint = "Admin"}), or null for
     *     its default one
     * @param props what the target sees as {@code ctx.props} ({@code props = {...}}), copied per call
     * @param file the configuration file that declared it, or null; with {@code line}, where errors
     *     about it point
     */
    public record ServiceBindingSpec(
            String binding, String service, String entrypoint, Map<String, Object> props, Path file, int line) {
        public ServiceBindingSpec {
            Objects.requireNonNull(binding, "binding");
            Objects.requireNonNull(service, "service");
            props = props == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(props));
        }

        /** A binding to the default entrypoint, declared in a file. */
        public ServiceBindingSpec(String binding, String service, Path file, int line) {
            this(binding, service, null, Map.of(), file, line);
        }

        /** A binding declared in code. */
        public ServiceBindingSpec(String binding, String service) {
            this(binding, service, null, Map.of(), null, 0);
        }

        /** A binding to a named entrypoint, declared in code. */
        public ServiceBindingSpec(String binding, String service, String entrypoint) {
            this(binding, service, entrypoint, Map.of(), null, 0);
        }

        /** This binding with {@code ctx.props} set to {@code newProps}. */
        public ServiceBindingSpec withProps(Map<String, Object> newProps) {
            return new ServiceBindingSpec(binding, service, entrypoint, newProps, file, line);
        }
    }

    /**
     * A Worker besides the main one, reached only through service bindings (the main Worker keeps
     * serving HTTP). It has its own vars, service bindings, named entrypoints ({@code export class
     * Admin extends WorkerEntrypoint}) and Durable Object bindings (classes of its own, which other
     * Workers bind with {@code script_name}).
     */
    public record NamedWorker(
            String name,
            Worker worker,
            Map<String, Object> vars,
            List<ServiceBindingSpec> services,
            Map<String, Class<? extends WorkerEntrypoint>> entrypoints,
            List<DurableObjectBinding> durableObjects,
            Migrations migrations,
            List<String> cronTriggers) {
        public NamedWorker {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(worker, "worker");
            migrations = migrations == null ? Migrations.none() : migrations;
            cronTriggers = cronTriggers == null ? List.of() : List.copyOf(cronTriggers);
            for (String c : cronTriggers) {
                dev.partyflare.emulator.internal.cron.CronExpression.parse(c); // checks it now
            }
            vars = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(vars));
            services = List.copyOf(services);
            entrypoints = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entrypoints));
            durableObjects = List.copyOf(durableObjects);
        }

        public NamedWorker(
                String name,
                Worker worker,
                Map<String, Object> vars,
                List<ServiceBindingSpec> services,
                Map<String, Class<? extends WorkerEntrypoint>> entrypoints,
                List<DurableObjectBinding> durableObjects) {
            this(name, worker, vars, services, entrypoints, durableObjects, Migrations.none(), List.of());
        }

        public NamedWorker(String name, Worker worker, Map<String, Object> vars, List<ServiceBindingSpec> services) {
            this(name, worker, vars, services, Map.of(), List.of(), Migrations.none(), List.of());
        }

        /** This Worker with its class history set (which stored objects its classes own). */
        public NamedWorker withMigrations(Migrations m) {
            return new NamedWorker(name, worker, vars, services, entrypoints, durableObjects, m, cronTriggers);
        }

        /**
         * This Worker with its cron triggers ({@code [triggers] crons}): its {@code scheduled} handler
         * fires on the runtime clock, as the main Worker's does.
         */
        public NamedWorker withCronTriggers(List<String> crons) {
            return new NamedWorker(name, worker, vars, services, entrypoints, durableObjects, migrations, crons);
        }

        /** A Worker with no bindings. */
        public static NamedWorker of(String name, Worker worker) {
            return new NamedWorker(name, worker, Map.of(), List.of());
        }

        /** A Worker whose default export is the {@link WorkerEntrypoint} {@code type}. */
        public static NamedWorker of(String name, Class<? extends WorkerEntrypoint> type) {
            return of(name, WorkerEntrypoint.asWorker(type));
        }

        /** This Worker with the var {@code name} added. */
        public NamedWorker withVar(String varName, Object value) {
            Map<String, Object> v = new LinkedHashMap<>(vars);
            v.put(varName, value);
            return new NamedWorker(name, worker, v, services, entrypoints, durableObjects, migrations, cronTriggers);
        }

        /** This Worker with a service binding {@code binding} to Worker {@code service} added. */
        public NamedWorker withService(String binding, String service) {
            return withService(new ServiceBindingSpec(binding, service));
        }

        /** This Worker with the service binding {@code spec} added. */
        public NamedWorker withService(ServiceBindingSpec spec) {
            List<ServiceBindingSpec> s = new ArrayList<>(services);
            s.add(Objects.requireNonNull(spec, "spec"));
            return new NamedWorker(name, worker, vars, s, entrypoints, durableObjects, migrations, cronTriggers);
        }

        /** This Worker with the named entrypoint {@code type} added under its simple class name. */
        public NamedWorker withEntrypoint(Class<? extends WorkerEntrypoint> type) {
            return withEntrypoint(type.getSimpleName(), type);
        }

        /** This Worker with the named entrypoint {@code type} added under {@code entrypointName}. */
        public NamedWorker withEntrypoint(String entrypointName, Class<? extends WorkerEntrypoint> type) {
            WorkerEntrypoint.asWorker(type); // checks the class now
            Map<String, Class<? extends WorkerEntrypoint>> e = new LinkedHashMap<>(entrypoints);
            e.put(Objects.requireNonNull(entrypointName, "entrypointName"), type);
            return new NamedWorker(name, worker, vars, services, e, durableObjects, migrations, cronTriggers);
        }

        /** This Worker with the Durable Object binding {@code b} (a class of this Worker) added. */
        public NamedWorker withDurableObject(DurableObjectBinding b) {
            List<DurableObjectBinding> d = new ArrayList<>(durableObjects);
            d.add(Objects.requireNonNull(b, "binding"));
            return new NamedWorker(name, worker, vars, services, entrypoints, d, migrations, cronTriggers);
        }

        /** This Worker with {@code type} bound under {@code binding} (SQLite-backed). */
        public NamedWorker withDurableObject(String binding, Class<? extends DurableObject> type) {
            return withDurableObject(new DurableObjectBinding(binding, type.getName(), type, true));
        }
    }

    private EmulatorOptions(Builder b) {
        this.workerName = b.workerName;
        this.worker = b.worker;
        this.durableObjects =
                resolveScriptNames(b.workerName, b.durableObjects, b.workerName, b.workers, b.durableObjects);
        this.vars = Map.copyOf(b.vars);
        this.http = b.http;
        this.host = b.host;
        this.port = b.port;
        this.manualClockStart = b.manualClockStart;
        this.defaultLocation = b.defaultLocation;
        this.strictLimits = b.strictLimits;
        this.maxRequestBodyBytes = b.maxRequestBodyBytes;
        this.maxBufferedRequestBytes = b.maxBufferedRequestBytes;
        this.maxWebSocketMessageBytes = b.maxWebSocketMessageBytes;
        this.maxWebSocketSendQueueBytes = b.maxWebSocketSendQueueBytes;
        this.blockConcurrencyTimeout = b.blockConcurrencyTimeout;
        this.compatibilityDate = b.compatibilityDate;
        this.compatibilityFlags = List.copyOf(b.compatibilityFlags);
        this.persistTo = b.persistTo;
        this.idleTimeout = b.idleTimeout;
        this.eventTimeout = b.eventTimeout;
        this.attachmentLimit = b.attachmentLimit;
        this.pointInTimeRecovery = b.pointInTimeRecovery;
        this.honourRetryAlarm = b.honourRetryAlarm;
        this.timelineSize = b.timelineSize;
        this.settleTimeout = b.settleTimeout;
        this.autoTimeSkipping = b.autoTimeSkipping;
        this.chaosHibernation = b.chaosHibernation;
        this.journal = b.journal;
        this.outbound = b.outbound;
        this.cronTriggers = List.copyOf(b.cronTriggers);
        this.testScheduled = b.testScheduled;
        this.objectRouter = b.objectRouter;
        this.services = List.copyOf(b.services);
        List<NamedWorker> resolved = new ArrayList<>();
        for (NamedWorker w : b.workers) {
            resolved.add(new NamedWorker(
                    w.name(),
                    w.worker(),
                    w.vars(),
                    w.services(),
                    w.entrypoints(),
                    resolveScriptNames(w.name(), w.durableObjects(), b.workerName, b.workers, b.durableObjects),
                    w.migrations(),
                    w.cronTriggers()));
        }
        this.workers = List.copyOf(resolved);
        this.entrypoints = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.entrypoints));
        checkWorkers();
        this.sharedStateDirectory = b.sharedStateDirectory;
        this.migrations = b.migrations;
    }

    /**
     * {@code owner}'s bindings with each {@code script_name} binding resolved to the class, its name and
     * its backend as the Worker {@code scriptName} binds it.
     */
    private static List<DurableObjectBinding> resolveScriptNames(
            String owner,
            List<DurableObjectBinding> bindings,
            String mainName,
            List<NamedWorker> others,
            List<DurableObjectBinding> mainBindings) {
        List<DurableObjectBinding> out = new ArrayList<>();
        for (DurableObjectBinding b : bindings) {
            if (!b.isOfOtherWorker(owner)) {
                if (b.type() == null) {
                    throw new IllegalArgumentException("Durable Object binding \"" + b.binding() + "\" of Worker \""
                            + owner + "\" has no class; give the class, or script_name for a class of another Worker");
                }
                out.add(b);
                continue;
            }
            List<DurableObjectBinding> ownersBindings = null;
            List<String> names = new ArrayList<>();
            names.add(mainName);
            if (b.scriptName().equals(mainName)) {
                ownersBindings = mainBindings;
            }
            for (NamedWorker w : others) {
                names.add(w.name());
                if (w.name().equals(b.scriptName())) {
                    ownersBindings = w.durableObjects();
                }
            }
            if (ownersBindings == null) {
                throw bindingError(
                        b,
                        "Durable Object binding \"" + b.binding() + "\" of Worker \"" + owner + "\" has script_name \""
                                + b.scriptName() + "\", a Worker this emulator does not run; its Workers are " + names,
                        "Add that Worker with EmulatorOptions.Builder.worker(...) (@PartyflareTest(workers = ...) in"
                                + " tests), or fix script_name");
            }
            DurableObjectBinding found = null;
            List<String> classes = new ArrayList<>();
            for (DurableObjectBinding candidate : ownersBindings) {
                if (candidate.type() == null || candidate.isOfOtherWorker(b.scriptName())) {
                    continue;
                }
                classes.add(simpleName(candidate.className()));
                if (simpleName(candidate.className()).equals(simpleName(b.className()))) {
                    found = candidate;
                }
            }
            if (found == null) {
                throw bindingError(
                        b,
                        "Durable Object binding \"" + b.binding() + "\" of Worker \"" + owner + "\" names the class \""
                                + b.className() + "\" of Worker \"" + b.scriptName()
                                + "\", which does not bind such a class; its classes are " + classes,
                        "Bind the class in that Worker (NamedWorker.withDurableObject), or fix class_name");
            }
            out.add(new DurableObjectBinding(
                    b.binding(), found.className(), found.type(), found.sqlite(), b.scriptName(), b.file(), b.line()));
        }
        return List.copyOf(out);
    }

    /** A {@link ConfigException} at the binding's line when it came from a file, else an IAE. */
    private static RuntimeException bindingError(DurableObjectBinding b, String problem, String hint) {
        if (b.file() != null) {
            return new ConfigException(b.file(), b.line(), problem, hint, null);
        }
        return new IllegalArgumentException(problem + ". " + hint);
    }

    /** The class name as a JS export would be named: the simple name. */
    private static String simpleName(String className) {
        int cut = Math.max(className.lastIndexOf('.'), className.lastIndexOf('$'));
        return className.substring(cut + 1);
    }

    /** Worker names unique, service bindings unique per Worker and pointing at a Worker here. */
    private void checkWorkers() {
        List<String> names = new ArrayList<>();
        names.add(workerName);
        for (NamedWorker w : workers) {
            if (names.contains(w.name())) {
                throw new IllegalArgumentException(
                        "Two Workers are named \"" + w.name() + "\"; give each Worker of the emulator its own name");
            }
            names.add(w.name());
        }
        List<String> doBindings =
                durableObjects.stream().map(DurableObjectBinding::binding).toList();
        Map<String, java.util.Set<String>> entrypointsOf = new LinkedHashMap<>();
        entrypointsOf.put(workerName, entrypoints.keySet());
        for (NamedWorker w : workers) {
            entrypointsOf.put(w.name(), w.entrypoints().keySet());
        }
        checkServices(workerName, services, doBindings, entrypointsOf);
        for (NamedWorker w : workers) {
            checkServices(
                    w.name(),
                    w.services(),
                    w.durableObjects().stream()
                            .map(DurableObjectBinding::binding)
                            .toList(),
                    entrypointsOf);
        }
    }

    private static void checkServices(
            String owner,
            List<ServiceBindingSpec> specs,
            List<String> taken,
            Map<String, java.util.Set<String>> entrypointsOf) {
        List<String> workerNames = new ArrayList<>(entrypointsOf.keySet());
        List<String> seen = new ArrayList<>(taken);
        for (ServiceBindingSpec s : specs) {
            String problem = null;
            String hint;
            if (seen.contains(s.binding())) {
                problem = "Binding \"" + s.binding() + "\" of Worker \"" + owner + "\" is declared twice";
                hint = "Give each binding its own name";
            } else if (!workerNames.contains(s.service())) {
                problem = "Service binding \"" + s.binding() + "\" names the Worker \"" + s.service()
                        + "\", which this emulator does not run; its Workers are " + workerNames;
                hint = "Add the Worker with EmulatorOptions.Builder.worker(\"" + s.service()
                        + "\", ...) (@PartyflareTest(workers = ...) in tests), or fix the name in service = \"...\"";
            } else if (s.entrypoint() != null && !entrypointsOf.get(s.service()).contains(s.entrypoint())) {
                problem = "Service binding \"" + s.binding() + "\" names the entrypoint \"" + s.entrypoint()
                        + "\" of Worker \"" + s.service()
                        + "\", which has none of that name; its named entrypoints are "
                        + entrypointsOf.get(s.service());
                hint = "Add it with NamedWorker.withEntrypoint(" + s.entrypoint()
                        + ".class) (Builder.entrypoint for the main Worker), or fix the name in entrypoint = \"...\"";
            } else {
                hint = null;
            }
            if (problem != null) {
                if (s.file() != null) {
                    throw new ConfigException(s.file(), s.line(), problem, hint, null);
                }
                throw new IllegalArgumentException(problem + ". " + hint);
            }
            seen.add(s.binding());
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Options from a wrangler configuration file: {@code name}, {@code main} (a Java class
     * implementing {@link Worker}), {@code [vars]}, {@code [[durable_objects.bindings]]} (Java class
     * names in {@code class_name}) and {@code [[migrations]]}. Classes load from {@code loader}.
     *
     * @throws ConfigException with the file, line and a hint when the file is wrong
     */
    public static Builder fromConfig(Path file, ClassLoader loader) {
        return Emulator.optionsFromConfig(file, loader, builder());
    }

    /** {@link #fromConfig(Path, ClassLoader)} with the context class loader. */
    public static Builder fromConfig(Path file) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return fromConfig(file, cl != null ? cl : EmulatorOptions.class.getClassLoader());
    }

    public String workerName() {
        return workerName;
    }

    public Worker worker() {
        return worker;
    }

    /** The main Worker's service bindings, in declaration order. */
    public List<ServiceBindingSpec> services() {
        return services;
    }

    /** The main Worker's named entrypoints, by name. */
    public Map<String, Class<? extends WorkerEntrypoint>> entrypoints() {
        return entrypoints;
    }

    /** The Workers besides the main one. */
    public List<NamedWorker> workers() {
        return workers;
    }

    public List<DurableObjectBinding> durableObjects() {
        return durableObjects;
    }

    public Map<String, Object> vars() {
        return vars;
    }

    public boolean http() {
        return http;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The start of the controllable clock, or null for real time. */
    public Long manualClockStart() {
        return manualClockStart;
    }

    public String defaultLocation() {
        return defaultLocation;
    }

    public boolean strictLimits() {
        return strictLimits;
    }

    public long maxRequestBodyBytes() {
        return maxRequestBodyBytes;
    }

    /** Request body bytes all requests in flight may hold together (a quarter of the heap by default). */
    public long maxBufferedRequestBytes() {
        return maxBufferedRequestBytes;
    }

    public long maxWebSocketMessageBytes() {
        return maxWebSocketMessageBytes;
    }

    /** Bytes that may wait for one slow WebSocket client before its connection is dropped. */
    public long maxWebSocketSendQueueBytes() {
        return maxWebSocketSendQueueBytes;
    }

    public Duration blockConcurrencyTimeout() {
        return blockConcurrencyTimeout;
    }

    /** The Worker's {@code compatibility_date}, or null for today's behaviour. */
    public String compatibilityDate() {
        return compatibilityDate;
    }

    /** The Worker's {@code compatibility_flags} (docs/compatibility.md lists those partyflare honours). */
    public List<String> compatibilityFlags() {
        return compatibilityFlags;
    }

    /** How long an event may hold its object's gate (real time) before the object is reset, or null. */
    public Duration eventTimeout() {
        return eventTimeout;
    }

    /** Idle time before an object hibernates or is evicted, or null for never. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** The largest WebSocket attachment, in serialized bytes. */
    public int attachmentLimit() {
        return attachmentLimit;
    }

    /**
     * Whether {@code ctx.abort(reason, {retryAlarm: false})} in {@code alarm()} drops the alarm
     * (true, the default, as production) or it is retried anyway (false, as local workerd 1.20260426).
     */
    public boolean honourRetryAlarm() {
        return honourRetryAlarm;
    }

    /** Whether SQLite-backed objects keep history for the point-in-time recovery API. */
    public boolean pointInTimeRecovery() {
        return pointInTimeRecovery;
    }

    /** Events each object's timeline keeps (0: no timeline). */
    public int timelineSize() {
        return timelineSize;
    }

    /** How long (real time) settling time waits for work in flight before it fails ({@link TimeControl#advance}). */
    public Duration settleTimeout() {
        return settleTimeout;
    }

    /** Whether the manual clock skips ahead by itself while a caller waits and the runtime is quiet. */
    public boolean autoTimeSkipping() {
        return autoTimeSkipping;
    }

    /** Whether every object is hibernated (or evicted) after every event: state kept in fields is lost at once. */
    public boolean chaosHibernation() {
        return chaosHibernation;
    }

    /** Whether the emulator records what each object received ({@link Emulator#journal}). */
    public boolean journal() {
        return journal;
    }

    /** Where stub calls are delivered (an SPI, {@link ObjectRouter}), or null: every object runs here. */
    public ObjectRouter objectRouter() {
        return objectRouter;
    }

    /** What answers outbound {@code fetch} calls of Workers and objects, or null for the network. */
    public OutboundHandler outbound() {
        return outbound;
    }

    /** The Worker's cron triggers ({@code [triggers] crons}), fired on the runtime clock. */
    public List<String> cronTriggers() {
        return cronTriggers;
    }

    /** Whether {@code /__scheduled?cron=…} runs the Worker's scheduled handler (wrangler's {@code --test-scheduled}). */
    public boolean testScheduled() {
        return testScheduled;
    }

    /** The state directory, or null for in-memory storage (lost on close). */
    public Path persistTo() {
        return persistTo;
    }

    /**
     * Whether the state directory may be shared with other emulators (cluster nodes): each object's
     * database is then locked on its own while open, instead of the whole directory per process.
     */
    public boolean sharedStateDirectory() {
        return sharedStateDirectory;
    }

    /** The main Worker's class history: which stored objects its classes own. */
    public Migrations migrations() {
        return migrations;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.workerName = workerName;
        b.worker = worker;
        b.durableObjects.addAll(durableObjects);
        b.vars.putAll(vars);
        b.http = http;
        b.host = host;
        b.port = port;
        b.manualClockStart = manualClockStart;
        b.defaultLocation = defaultLocation;
        b.strictLimits = strictLimits;
        b.maxRequestBodyBytes = maxRequestBodyBytes;
        b.maxBufferedRequestBytes = maxBufferedRequestBytes;
        b.maxWebSocketMessageBytes = maxWebSocketMessageBytes;
        b.maxWebSocketSendQueueBytes = maxWebSocketSendQueueBytes;
        b.blockConcurrencyTimeout = blockConcurrencyTimeout;
        b.compatibilityDate = compatibilityDate;
        b.compatibilityFlags = new ArrayList<>(compatibilityFlags);
        b.persistTo = persistTo;
        b.idleTimeout = idleTimeout;
        b.eventTimeout = eventTimeout;
        b.attachmentLimit = attachmentLimit;
        b.pointInTimeRecovery = pointInTimeRecovery;
        b.honourRetryAlarm = honourRetryAlarm;
        b.timelineSize = timelineSize;
        b.settleTimeout = settleTimeout;
        b.autoTimeSkipping = autoTimeSkipping;
        b.chaosHibernation = chaosHibernation;
        b.journal = journal;
        b.outbound = outbound;
        b.cronTriggers.addAll(cronTriggers);
        b.testScheduled = testScheduled;
        b.objectRouter = objectRouter;
        b.services.addAll(services);
        b.workers.addAll(workers);
        b.entrypoints.putAll(entrypoints);
        b.sharedStateDirectory = sharedStateDirectory;
        b.migrations = migrations;
        return b;
    }

    /** Builder of {@link EmulatorOptions}. */
    public static final class Builder {
        private String workerName = DEFAULT_WORKER_NAME;
        private Worker worker;
        private final List<DurableObjectBinding> durableObjects = new ArrayList<>();
        private final Map<String, Object> vars = new LinkedHashMap<>();
        private boolean http = true;
        private String host = "127.0.0.1";
        private int port = 0;
        private Long manualClockStart;
        private String defaultLocation = "enam";
        private boolean strictLimits;
        private long maxRequestBodyBytes = 100L * 1024 * 1024;
        private long maxBufferedRequestBytes = Runtime.getRuntime().maxMemory() / 4;
        private long maxWebSocketMessageBytes = MAX_WEBSOCKET_MESSAGE;
        private long maxWebSocketSendQueueBytes = DEFAULT_WEBSOCKET_SEND_QUEUE;
        private Duration blockConcurrencyTimeout = Duration.ofSeconds(30);
        private String compatibilityDate;
        private List<String> compatibilityFlags = new ArrayList<>();
        private Path persistTo;
        private Duration idleTimeout = Duration.ofSeconds(10);
        private Duration eventTimeout = Duration.ofSeconds(60);
        private int attachmentLimit = DEFAULT_ATTACHMENT_LIMIT;
        private boolean pointInTimeRecovery;
        private boolean honourRetryAlarm = true;
        private int timelineSize = DEFAULT_TIMELINE_SIZE;
        private Duration settleTimeout = Duration.ofSeconds(10);
        private boolean autoTimeSkipping;
        private boolean chaosHibernation;
        private boolean journal;
        private OutboundHandler outbound;
        private final List<String> cronTriggers = new ArrayList<>();
        private boolean testScheduled;
        private ObjectRouter objectRouter;
        private final List<ServiceBindingSpec> services = new ArrayList<>();
        private final List<NamedWorker> workers = new ArrayList<>();
        private final Map<String, Class<? extends WorkerEntrypoint>> entrypoints = new LinkedHashMap<>();
        private boolean sharedStateDirectory;
        private Migrations migrations = Migrations.none();

        private Builder() {}

        /** The Worker's name ({@code name} in wrangler.toml); ids derive from it. */
        public Builder workerName(String name) {
            this.workerName = Objects.requireNonNull(name, "workerName");
            return this;
        }

        /** The Worker that serves every request. */
        public Builder worker(Worker w) {
            this.worker = w;
            return this;
        }

        /**
         * The main Worker as a class: each event runs on a new instance of {@code type}, whose public
         * methods are callable over RPC through service bindings ({@code export default class extends
         * WorkerEntrypoint}).
         */
        public Builder worker(Class<? extends WorkerEntrypoint> type) {
            return worker(WorkerEntrypoint.asWorker(type));
        }

        /**
         * Adds a named entrypoint of the main Worker under the simple name of {@code type} ({@code
         * export class Admin extends WorkerEntrypoint}); service bindings reach it with {@code
         * entrypoint = "Admin"}.
         */
        public Builder entrypoint(Class<? extends WorkerEntrypoint> type) {
            return entrypoint(type.getSimpleName(), type);
        }

        /** Adds a named entrypoint of the main Worker under {@code name}. */
        public Builder entrypoint(String name, Class<? extends WorkerEntrypoint> type) {
            WorkerEntrypoint.asWorker(type); // checks the class now
            entrypoints.put(Objects.requireNonNull(name, "name"), type);
            return this;
        }

        /**
         * Adds a Worker besides the main one, under {@code name}: service bindings reach it by that name
         * ({@code [[services]] service = "name"}). It has no bindings; see {@link #worker(NamedWorker)}.
         */
        public Builder worker(String name, Worker w) {
            return worker(NamedWorker.of(name, w));
        }

        /** Adds a Worker besides the main one, with its own vars and service bindings. */
        public Builder worker(NamedWorker w) {
            workers.add(Objects.requireNonNull(w, "worker"));
            return this;
        }

        /**
         * Gives the main Worker a service binding: {@code env.service(binding)} reaches the Worker named
         * {@code service} (as {@code [[services]] binding = "..." service = "..."}). {@link #build()}
         * fails when no Worker of that name was added.
         */
        public Builder service(String binding, String service) {
            return service(new ServiceBindingSpec(binding, service));
        }

        /** A service binding to the named entrypoint {@code entrypoint} of Worker {@code service}. */
        public Builder service(String binding, String service, String entrypoint) {
            return service(new ServiceBindingSpec(binding, service, entrypoint));
        }

        public Builder service(ServiceBindingSpec spec) {
            services.add(Objects.requireNonNull(spec, "spec"));
            return this;
        }

        /** Binds {@code type} under {@code binding} (SQLite-backed, as {@code new_sqlite_classes}). */
        public Builder durableObject(String binding, Class<? extends DurableObject> type) {
            return durableObject(new DurableObjectBinding(binding, type.getName(), type, true));
        }

        /**
         * Binds the class {@code className} of the Worker {@code scriptName} under {@code binding}
         * ({@code [[durable_objects.bindings]] script_name = "..."}); see {@link
         * DurableObjectBinding#ofWorker}.
         */
        public Builder durableObject(String binding, String className, String scriptName) {
            return durableObject(DurableObjectBinding.ofWorker(binding, className, scriptName));
        }

        /** Binds a KV-backed class ({@code new_classes}): no SQL API. */
        public Builder kvDurableObject(String binding, Class<? extends DurableObject> type) {
            return durableObject(new DurableObjectBinding(binding, type.getName(), type, false));
        }

        public Builder durableObject(DurableObjectBinding b) {
            durableObjects.add(b);
            return this;
        }

        public Builder var(String name, Object value) {
            vars.put(name, value);
            return this;
        }

        public Builder vars(Map<String, ?> values) {
            vars.putAll(values);
            return this;
        }

        /** Serve HTTP on a port ({@code true}, the default) or only in-process. */
        public Builder http(boolean enabled) {
            this.http = enabled;
            return this;
        }

        /** The address to bind; 127.0.0.1 by default. */
        public Builder host(String h) {
            this.host = Objects.requireNonNull(h, "host");
            return this;
        }

        /** The port; 0 (the default) picks a free one. */
        public Builder port(int p) {
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("Port must be between 0 and 65535, got " + p);
            }
            this.port = p;
            return this;
        }

        /** Use a controllable clock starting at {@code epochMillis} (see {@link TimeControl}). */
        public Builder manualClock(long epochMillis) {
            this.manualClockStart = epochMillis;
            return this;
        }

        /** Real time (the default). */
        public Builder realClock() {
            this.manualClockStart = null;
            return this;
        }

        /** Where objects created without a location hint run (a location hint name). */
        public Builder defaultLocation(String location) {
            this.defaultLocation = Objects.requireNonNull(location, "defaultLocation");
            return this;
        }

        /** Enforce production limits instead of local workerd's looser ones. */
        public Builder strictLimits(boolean strict) {
            this.strictLimits = strict;
            return this;
        }

        public Builder maxRequestBodyBytes(long bytes) {
            this.maxRequestBodyBytes = bytes;
            return this;
        }

        /**
         * How many request body bytes the requests in flight may hold together; a request whose body
         * would go past it is answered 503 and its connection closed, so a flood of large uploads
         * cannot exhaust the heap. A quarter of the maximum heap by default.
         */
        public Builder maxBufferedRequestBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxBufferedRequestBytes must be positive, got " + bytes);
            }
            this.maxBufferedRequestBytes = bytes;
            return this;
        }

        public Builder maxWebSocketMessageBytes(long bytes) {
            this.maxWebSocketMessageBytes = bytes;
            return this;
        }

        /**
         * Bound of the bytes queued for one WebSocket client that does not read; when a send would
         * exceed it the connection is dropped and the object sees it close (1006) with an error naming
         * the bound. Default {@link #DEFAULT_WEBSOCKET_SEND_QUEUE}.
         */
        public Builder maxWebSocketSendQueueBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxWebSocketSendQueueBytes must be positive, got " + bytes);
            }
            this.maxWebSocketSendQueueBytes = bytes;
            return this;
        }

        public Builder blockConcurrencyTimeout(Duration d) {
            this.blockConcurrencyTimeout = Objects.requireNonNull(d);
            return this;
        }

        /**
         * Keep storage in {@code dir} (created with owner-only permissions), so it survives restarts;
         * null (the default) keeps it in memory.
         */
        public Builder persistTo(Path dir) {
            this.persistTo = dir;
            return this;
        }

        /**
         * Let several emulators (the nodes of a cluster, in this process or others on this machine)
         * use one state directory (off by default: a directory is locked by the one process using
         * it). Each object's database is then locked while it is open ({@code <id>.lock} beside it),
         * so an object is never open in two emulators at once; one that is open elsewhere is waited
         * for (a few seconds: a hand-off in progress), then refused.
         */
        public Builder sharedStateDirectory(boolean shared) {
            this.sharedStateDirectory = shared;
            return this;
        }

        /**
         * The main Worker's class history ({@code [[migrations]]} or {@code exports} of its config):
         * a renamed or transferred class keeps the stored objects and ids of the class it replaces;
         * the stored objects of a deleted class are deleted at start and reload.
         */
        public Builder migrations(Migrations m) {
            this.migrations = Objects.requireNonNull(m, "migrations");
            return this;
        }

        /**
         * How long an object may stay idle before it hibernates (hibernatable sockets only) or is
         * evicted: 10 s, as local workerd; null never evicts.
         */
        public Builder idleTimeout(Duration d) {
            this.idleTimeout = d;
            return this;
        }

        /**
         * Point-in-time recovery for SQLite-backed objects (off by default, as local workerd, which
         * refuses {@code getBookmarkForTime} and {@code onNextSessionRestoreBookmark}): every commit
         * keeps an image of the object's database for 30 days of runtime time, so bookmarks can be
         * taken for any moment and restored to when the object next starts. Each commit then costs a
         * copy of the database: meant for developing and testing recovery code.
         */
        public Builder pointInTimeRecovery(boolean on) {
            this.pointInTimeRecovery = on;
            return this;
        }

        /**
         * Whether {@code ctx.abort(reason, {retryAlarm: false})} ({@code AbortOptions.NO_ALARM_RETRY})
         * called in {@code alarm()} drops the alarm instead of retrying it. True by default: Cloudflare
         * does so since August 2026 and so do workerd releases from then on; code that asks for no retry
         * means it. False reproduces local workerd 1.20260426 (the conformance suite's pin), which
         * predates the option, accepts it and retries anyway.
         */
        public Builder honourRetryAlarm(boolean on) {
            this.honourRetryAlarm = on;
            return this;
        }

        /**
         * The largest WebSocket attachment in serialized bytes: {@link #DEFAULT_ATTACHMENT_LIMIT}
         * (2,048) by default, {@link #PRODUCTION_ATTACHMENT_LIMIT} (16,384) as Cloudflare today.
         */
        public Builder attachmentLimit(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("The attachment limit must be positive, got " + bytes);
            }
            this.attachmentLimit = bytes;
            return this;
        }

        /**
         * How long one event may run while holding its object's input gate (real time; waits on timers,
         * fetch and other objects do not count) before the object is reset and its callers get a clear
         * error instead of hanging: 60 s by default; null disables the watchdog. Code that spins without
         * ever blocking keeps its thread busy even then (Java cannot stop it), but no caller waits for it.
         */
        public Builder eventTimeout(Duration d) {
            this.eventTimeout = d;
            return this;
        }

        /**
         * How many recent events each object's timeline keeps ({@link Emulator#timeline}):
         * {@link #DEFAULT_TIMELINE_SIZE} by default, 0 turns the timeline off. The timeline keeps
         * at most 100,000 events and 1,000 objects in all, forgetting the least recently active first.
         */
        public Builder timelineSize(int eventsPerObject) {
            if (eventsPerObject < 0) {
                throw new IllegalArgumentException("The timeline size cannot be negative, got " + eventsPerObject);
            }
            this.timelineSize = eventsPerObject;
            return this;
        }

        /**
         * How long (real time) settled time waits for work in flight (an event, an alarm run, a socket
         * event) to end or to wait on the clock, before {@link TimeControl#advance} and friends fail
         * naming that work: 10 s by default.
         */
        public Builder settleTimeout(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("The settle timeout must be positive, got " + d);
            }
            this.settleTimeout = d;
            return this;
        }

        /**
         * Automatic time skipping on the manual clock (as Temporal's test environment): while a caller
         * waits in a blocking call ({@link Emulator#fetch}, or any wait wrapped in {@link
         * TimeControl#whileWaiting}) and every object waits only on timers or alarms, the clock jumps to
         * the next one. Off by default; {@link TimeControl#setAutoSkip} changes it at run time.
         */
        public Builder autoTimeSkipping(boolean on) {
            this.autoTimeSkipping = on;
            return this;
        }

        /**
         * Chaos hibernation: after every event, each object that can hibernate is hibernated (or,
         * without hibernatable sockets, evicted), so the next event constructs it again. Code that keeps
         * state in fields where it must be in storage or socket attachments fails in tests at once,
         * not in production after 10 s of quiet. Objects pinned by a timer, a standard WebSocket or
         * {@code waitUntil} work are left alone, as the runtime would leave them.
         */
        public Builder chaosHibernation(boolean on) {
            this.chaosHibernation = on;
            return this;
        }

        /**
         * Records what every object receives (requests, RPC calls with their arguments, WebSocket
         * messages), for {@link Emulator#journal}. Off by default (the test harness turns it on).
         */
        public Builder journal(boolean on) {
            this.journal = on;
            return this;
        }

        /**
         * Hands every stub call to {@code router}, which runs it here or on the node that owns the id
         * (an SPI for {@code partyflare-cluster}; null, the default: every object runs here).
         */
        public Builder objectRouter(ObjectRouter router) {
            this.objectRouter = router;
            return this;
        }

        /**
         * Answers every outbound {@code fetch} of the Worker and of objects with {@code handler}
         * instead of the network (null: the network). {@link Emulator#setOutbound} changes it at run time.
         */
        public Builder outbound(OutboundHandler handler) {
            this.outbound = handler;
            return this;
        }

        /**
         * Behaviour as of this date ({@code YYYY-MM-DD}), as Cloudflare gates it; null (the default)
         * for today's.
         */
        public Builder compatibilityDate(String date) {
            this.compatibilityDate = date;
            return this;
        }

        /** Compatibility flags that turn a dated behaviour on before its date, or off after it. */
        public Builder compatibilityFlags(List<String> flags) {
            this.compatibilityFlags = new ArrayList<>(flags);
            return this;
        }

        /**
         * The Worker's cron triggers, as {@code [triggers] crons} in wrangler.toml: each fires the Worker's
         * {@code scheduled} handler at every matching minute of the runtime clock (UTC), so a manual
         * clock's {@code advance} fires them too. Cloudflare's syntax: five fields, lists, ranges, steps,
         * month and weekday names, {@code L}, {@code W} and {@code #}. Replaces earlier ones.
         *
         * @throws IllegalArgumentException naming the expression and what is wrong with it
         */
        public Builder cronTriggers(List<String> crons) {
            for (String c : crons) {
                dev.partyflare.emulator.internal.cron.CronExpression.parse(c);
            }
            this.cronTriggers.clear();
            this.cronTriggers.addAll(crons);
            return this;
        }

        /**
         * Serves {@code /__scheduled?cron=…}, which runs the Worker's scheduled handler, as {@code wrangler
         * dev --test-scheduled} does. Off by default: the path then reaches the Worker. ({@code
         * /cdn-cgi/handler/scheduled} is always served, as {@code wrangler dev} does.)
         */
        public Builder testScheduled(boolean on) {
            this.testScheduled = on;
            return this;
        }

        public EmulatorOptions build() {
            return new EmulatorOptions(this);
        }

        /**
         * This builder's Worker as one of several in another emulator ({@code wrangler dev -c main -c
         * this}): its name, Worker, vars, service bindings, named entrypoints, Durable Object bindings,
         * class history and cron triggers. The settings of the emulator itself (port, clock, storage,
         * limits, compatibility) are the main Worker's and are not carried.
         *
         * @throws IllegalStateException when it has no name or no Worker
         */
        public NamedWorker toNamedWorker() {
            if (workerName == null || workerName.equals(DEFAULT_WORKER_NAME)) {
                throw new IllegalStateException(
                        "A Worker beside the main one needs a name (set \"name\" in its config): service bindings"
                                + " and script_name reach it by that name");
            }
            if (worker == null) {
                throw new IllegalStateException("Worker \"" + workerName + "\" has no Worker class (\"main\")");
            }
            return new NamedWorker(
                    workerName, worker, vars, services, entrypoints, durableObjects, migrations, cronTriggers);
        }
    }
}
