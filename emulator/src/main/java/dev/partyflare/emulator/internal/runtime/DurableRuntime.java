package dev.partyflare.emulator.internal.runtime;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.Worker;
import dev.partyflare.durable.WorkerEntrypoint;
import dev.partyflare.emulator.internal.actor.ActorNamespace;
import dev.partyflare.emulator.internal.actor.ActorServices;
import dev.partyflare.emulator.internal.actor.AlarmScheduler;
import dev.partyflare.emulator.internal.actor.Timeline;
import dev.partyflare.emulator.internal.config.Compatibility;
import dev.partyflare.emulator.internal.exec.EventContext;
import dev.partyflare.emulator.internal.storage.StorageEngine;
import dev.partyflare.emulator.internal.time.RuntimeClock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runtime behind an emulator: the clock, the namespaces, the Worker and its env. It serves
 * requests in-process ({@link #fetch(Request)}); the HTTP frontend is a thin layer on top.
 */
public final class DurableRuntime implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.partyflare.emulator");

    private final RuntimeClock clock;
    /**
     * The main Worker's bindings to its own classes. Replaced whole on reload, never changed in place:
     * readers need no lock.
     */
    private volatile Map<String, ActorNamespace> ownNamespaces = Map.of();

    private volatile Env env;
    private volatile Worker worker;
    private final String workerName;
    /** The main Worker's service bindings; replaced whole. */
    private volatile Map<String, ServiceTarget> mainServices = Map.of();
    /** The main Worker's named entrypoints; replaced whole. */
    private volatile Map<String, WorkerEntrypoint.Exported> mainEntrypoints = Map.of();
    /** The other Workers by name; replaced whole. */
    private volatile Map<String, WorkerUnit> otherWorkers = Map.of();

    private final Outbound outbound = new Outbound();
    private final ErrorListener errorListener;
    private final StorageEngine storage;
    private final AlarmScheduler alarms;
    private final ActorServices services;
    private final Timeline timeline;
    private final dev.partyflare.emulator.internal.exec.Activity activity =
            new dev.partyflare.emulator.internal.exec.Activity();
    private final dev.partyflare.emulator.internal.actor.Journal journal;
    private final dev.partyflare.emulator.internal.actor.ObjectFaults faults =
            new dev.partyflare.emulator.internal.actor.ObjectFaults();
    private final CronScheduler crons;
    /** The cron triggers of the other Workers, by Worker name. */
    private final Map<String, CronScheduler> otherCrons = new java.util.concurrent.ConcurrentHashMap<>();

    private final TriggerRoutes triggerRoutes = new TriggerRoutes(this);
    private volatile boolean testScheduled;
    /** Where stub calls are delivered; null: every object runs here. */
    private volatile dev.partyflare.emulator.ObjectRouter router;
    /** Answers outbound fetch in place of the network when set (tests). */
    private volatile java.util.function.Function<Request, Response> outboundHandler;

    /**
     * A Durable Object class bound under {@code binding}; {@code scriptName} names the Worker that
     * defines it when that is another Worker ({@code script_name}), else null.
     */
    public record Binding(
            String binding, String className, Class<? extends DurableObject> type, boolean sqlite, String scriptName) {
        public Binding(String binding, String className, Class<? extends DurableObject> type, boolean sqlite) {
            this(binding, className, type, sqlite, null);
        }
    }

    /**
     * What a service binding reaches: Worker {@code service}, its named {@code entrypoint} (null: the
     * default export), with {@code props} as the target's {@code ctx.props}.
     */
    public record ServiceTarget(String service, String entrypoint, Map<String, Object> props) {}

    /**
     * A Worker other than the main one, reached through service bindings only.
     *
     * @param services its service bindings by binding name
     * @param entrypoints its named entrypoints by name
     */
    public record OtherWorker(
            String name,
            Worker worker,
            Map<String, Object> vars,
            Map<String, ServiceTarget> services,
            Map<String, Class<? extends WorkerEntrypoint>> entrypoints,
            List<Binding> durableObjects,
            dev.partyflare.emulator.Migrations migrations,
            List<dev.partyflare.emulator.internal.cron.CronExpression> crons) {}

    private record WorkerUnit(Worker worker, Env env, Map<String, WorkerEntrypoint.Exported> entrypoints) {}

    /**
     * The namespaces of classes that other Workers define, by Worker and then by class (simple) name;
     * replaced whole. A namespace keeps its objects, storage and alarms across reloads.
     */
    private volatile Map<String, Map<String, ActorNamespace>> workerNamespaces = Map.of();

    /** The main Worker's bindings to classes of other Workers ({@code script_name}); replaced whole. */
    private volatile Map<String, ActorNamespace> mainForeign = Map.of();

    /** Receives errors that reach no caller (and 500s), for logs. */
    @FunctionalInterface
    public interface ErrorListener {
        void onError(String where, Throwable error);
    }

    public DurableRuntime(
            RuntimeClock clock,
            String workerName,
            Worker worker,
            List<Binding> bindings,
            dev.partyflare.emulator.Migrations migrations,
            Map<String, Object> vars,
            String defaultLocation,
            boolean strictLimits,
            long blockConcurrencyTimeoutMillis,
            ErrorListener errorListener,
            StorageEngine storage,
            long idleTimeoutMillis,
            int attachmentLimit,
            Compatibility compatibility,
            boolean pointInTimeRecovery,
            int timelinePerObject,
            boolean journal,
            boolean chaosHibernation,
            boolean honourRetryAlarm) {
        this.clock = clock;
        this.workerName = workerName;
        this.timeline = new Timeline(clock, timelinePerObject);
        this.journal = journal ? new dev.partyflare.emulator.internal.actor.Journal(clock) : null;
        this.errorListener = errorListener;
        this.storage = storage;
        this.alarms = new AlarmScheduler(clock);
        this.crons = new CronScheduler(clock, activity, this::scheduled);
        this.services = new ActorServices(
                clock,
                this::env,
                this::outbound,
                defaultLocation,
                strictLimits,
                blockConcurrencyTimeoutMillis,
                this::reportError,
                alarms,
                idleTimeoutMillis,
                attachmentLimit,
                compatibility,
                pointInTimeRecovery,
                timeline,
                activity,
                this.journal,
                chaosHibernation,
                faults,
                honourRetryAlarm,
                () -> router,
                () -> exportsOf(workerName));
        applyMigrations(workerName, migrations, bindings);
        Map<String, ActorNamespace> namespaces = new LinkedHashMap<>();
        for (Binding b : bindings) {
            if (namespaces.containsKey(b.binding())) {
                throw new IllegalArgumentException("Durable Object binding \"" + b.binding() + "\" is declared twice");
            }
            String key = keyOf(workerName, b);
            checkUnique(namespaces.values(), key, b);
            namespaces.put(
                    b.binding(),
                    new ActorNamespace(
                            b.binding(),
                            b.type(),
                            key,
                            services,
                            storage.namespace(key, "binding " + b.binding() + " (" + b.className() + ")"),
                            b.sqlite()));
        }
        this.ownNamespaces = java.util.Collections.unmodifiableMap(namespaces);
        this.env = new EnvImpl(this.ownNamespaces, vars);
        this.worker = worker != null
                ? worker
                : (req, e, ctx) -> Response.text("No Worker is configured for this emulator.", 404);
    }

    /** Each Worker's lineage: which stored namespace each of its classes owns. */
    private final Map<String, NamespaceLineage> lineages = new java.util.concurrent.ConcurrentHashMap<>();

    /** The key of the namespace binding {@code b}'s class owns in Worker {@code worker}. */
    private String keyOf(String worker, Binding b) {
        NamespaceLineage l = lineages.get(worker);
        return l != null ? l.keyOf(b.className()) : worker + "-" + simpleName(b.className());
    }

    /**
     * Applies Worker {@code worker}'s class history: refuses a binding to a class that is gone,
     * deletes the stored objects of deleted classes (dropping their live objects first) and remembers
     * which classes took over other classes' objects.
     */
    private void applyMigrations(String worker, dev.partyflare.emulator.Migrations m, List<Binding> bound) {
        NamespaceLineage l = NamespaceLineage.of(worker, m, storage.lineage(worker));
        for (Binding b : bound) {
            if (b.scriptName() != null && !b.scriptName().equals(worker)) {
                continue;
            }
            String why = l.whyGone(b.className());
            if (why != null) {
                throw new IllegalArgumentException("Durable Object binding \"" + b.binding() + "\" of Worker \""
                        + worker + "\" names class " + b.className() + ", but " + why
                        + "; bind the class that exists now, or remove the binding");
            }
        }
        for (String key : l.deletedKeys()) {
            for (ActorNamespace ns : allNamespaces()) {
                if (ns.uniqueKey().equals(key)) {
                    ns.dropAll();
                }
            }
            if (storage.deleteNamespace(key)) {
                LOG.log(
                        System.Logger.Level.INFO,
                        "Deleted the stored objects of " + key + ": its class is deleted (deleted_classes)");
            }
        }
        storage.rememberLineage(worker, l.aliases());
        lineages.put(worker, l);
    }

    /** Two bindings of one Worker may name one class, never two classes that own the same objects. */
    private static void checkUnique(java.util.Collection<ActorNamespace> made, String key, Binding b) {
        for (ActorNamespace other : made) {
            if (other.uniqueKey().equals(key) && other.type() != b.type()) {
                throw new IllegalArgumentException("Durable Object binding \"" + b.binding() + "\" (class "
                        + b.className() + ") and binding \"" + other.binding() + "\" (class " + other.className()
                        + ") would own the same stored objects (" + key + "); a class takes over another's objects"
                        + " only through a migration that renames or transfers it, after which the old class is gone");
            }
        }
    }

    /** The class name as a JS export would be named: the simple name. */
    static String simpleName(String className) {
        int cut = Math.max(className.lastIndexOf('.'), className.lastIndexOf('$'));
        return className.substring(cut + 1);
    }

    public RuntimeClock clock() {
        return clock;
    }

    public Env env() {
        return env;
    }

    /** The main Worker's namespaces by binding, those of other Workers' classes it binds included. */
    public Map<String, ActorNamespace> namespaces() {
        return mainNamespaces();
    }

    Response outbound(Request request) {
        java.util.function.Function<Request, Response> h = outboundHandler;
        if (h != null) {
            Response r = h.apply(request);
            if (r == null) {
                throw new IllegalStateException("The outbound handler returned no response for " + request);
            }
            return r;
        }
        return outbound.send(request);
    }

    /**
     * Schedules the stored alarms of this Worker's own namespaces (once, at start, after the router
     * is set; other Workers' classes schedule theirs when they are configured).
     */
    public void scheduleStoredAlarms() {
        for (ActorNamespace ns : ownNamespaces.values()) {
            ns.scheduleStoredAlarms();
        }
    }

    /** Reads every own namespace's stored alarms again from the state directory and schedules them. */
    public void rescheduleStoredAlarms() {
        for (ActorNamespace ns : ownNamespaces.values()) {
            ns.rescheduleStoredAlarms();
        }
    }

    /** Hands every stub call to {@code r} (null: run every object here). */
    public void setObjectRouter(dev.partyflare.emulator.ObjectRouter r) {
        this.router = r;
    }

    /** Answers outbound fetch with {@code handler} from now on (null: the network again). */
    public void setOutboundHandler(java.util.function.Function<Request, Response> handler) {
        this.outboundHandler = handler;
    }

    /** The work in flight, for settled time. */
    public dev.partyflare.emulator.internal.exec.Activity activity() {
        return activity;
    }

    /** Forgets work that waits on a clock reset away (a full reset): it can never run. */
    public void forgetWaitingWork() {
        activity.forgetParked();
    }

    /** Faults injected into calls to objects. */
    public dev.partyflare.emulator.internal.actor.ObjectFaults faults() {
        return faults;
    }

    /** What objects received, or null when the journal is off. */
    public dev.partyflare.emulator.internal.actor.Journal journal() {
        return journal;
    }

    /**
     * Runs the Worker's {@code fetch} on the calling thread (which should be a virtual thread). Never
     * throws: an uncaught exception becomes a 500 and is reported.
     */
    public Response fetch(Request request) {
        dev.partyflare.emulator.internal.exec.Activity.Work work =
                activity.enter("Worker fetch", () -> request.method() + " " + request.path());
        try {
            return fetchCounted(request);
        } finally {
            work.end();
        }
    }

    /** {@link #fetch(Request)} for work already counted (and attached to this thread) by the caller. */
    public Response fetchCounted(Request request) {
        if (triggerRoutes.handles(request, testScheduled)) {
            return triggerRoutes.serve(request);
        }
        EventContext previous = EventContext.enterWorker();
        try {
            Response r = worker.fetch(request, env, new ExecutionContextImpl(this, workerName));
            if (r == null) {
                throw new IllegalStateException("The Worker's fetch() returned null instead of a Response");
            }
            return r;
        } catch (Exception | Error e) {
            if (e instanceof VirtualMachineError vme && !(e instanceof StackOverflowError)) {
                throw vme;
            }
            reportError("Worker fetch " + request.method() + " " + request.path(), e);
            return ErrorResponses.internalError(e);
        } finally {
            EventContext.exit(previous);
        }
    }

    /**
     * Sets the main Worker's service bindings and the other Workers (replacing earlier ones); targets
     * must have been checked: a binding to a Worker that is not here fails when called.
     */
    public synchronized void configureWorkers(
            Map<String, ServiceTarget> services,
            Map<String, Class<? extends WorkerEntrypoint>> entrypoints,
            List<Binding> foreign,
            List<OtherWorker> others) {
        for (OtherWorker o : others) {
            if (o.name().equals(workerName)) {
                throw new IllegalArgumentException("The Worker name \"" + o.name() + "\" is used twice");
            }
        }
        // the classes each other Worker defines: kept (with a new class) or created, the rest dropped
        Map<String, Map<String, ActorNamespace>> old = this.workerNamespaces;
        Map<String, Map<String, ActorNamespace>> defined = new LinkedHashMap<>();
        for (OtherWorker o : others) {
            applyMigrations(o.name(), o.migrations(), o.durableObjects());
        }
        for (OtherWorker o : others) {
            Map<String, ActorNamespace> classes = new LinkedHashMap<>();
            Map<String, ActorNamespace> before = old.getOrDefault(o.name(), Map.of());
            ActorServices forWorker =
                    this.services.forWorker(() -> otherWorkers.get(o.name()).env(), () -> exportsOf(o.name()));
            for (Binding b : o.durableObjects()) {
                if (b.scriptName() != null && !b.scriptName().equals(o.name())) {
                    continue;
                }
                String className = simpleName(b.className());
                if (classes.containsKey(className)) {
                    continue;
                }
                ActorNamespace ns = before.get(className);
                if (ns != null) {
                    ns.replaceClass(b.type());
                } else {
                    String key = keyOf(o.name(), b);
                    ns = new ActorNamespace(
                            b.binding(),
                            b.type(),
                            key,
                            forWorker,
                            storage.namespace(
                                    key, "binding " + b.binding() + " (" + b.className() + ") of Worker " + o.name()),
                            b.sqlite());
                    ns.scheduleStoredAlarms();
                }
                classes.put(className, ns);
            }
            defined.put(o.name(), java.util.Collections.unmodifiableMap(classes));
        }
        Map<String, String> owners = new java.util.HashMap<>();
        for (ActorNamespace ns : ownNamespaces.values()) {
            owners.put(ns.uniqueKey(), workerName + "'s class " + ns.className());
        }
        for (Map.Entry<String, Map<String, ActorNamespace>> w : defined.entrySet()) {
            for (ActorNamespace ns : w.getValue().values()) {
                String other = owners.put(ns.uniqueKey(), w.getKey() + "'s class " + ns.className());
                if (other != null) {
                    throw new IllegalArgumentException("Worker " + other + " and Worker " + w.getKey() + "'s class "
                            + ns.className() + " would own the same stored objects (" + ns.uniqueKey()
                            + "); after a class is transferred (transferred_classes), only the Worker it went to"
                            + " defines it: bind it elsewhere with script_name");
                }
            }
        }
        for (Map.Entry<String, Map<String, ActorNamespace>> w : old.entrySet()) {
            Map<String, ActorNamespace> now = defined.getOrDefault(w.getKey(), Map.of());
            w.getValue().forEach((className, ns) -> {
                if (now.get(className) != ns) {
                    ns.dropAll();
                }
            });
        }
        this.workerNamespaces = java.util.Collections.unmodifiableMap(defined);
        Map<String, WorkerUnit> units = new LinkedHashMap<>();
        for (OtherWorker o : others) {
            if (units.containsKey(o.name())) {
                throw new IllegalArgumentException("The Worker name \"" + o.name() + "\" is used twice");
            }
            Map<String, ActorNamespace> bound = new LinkedHashMap<>();
            for (Binding b : o.durableObjects()) {
                bound.put(b.binding(), resolve(b, o.name()));
            }
            units.put(
                    o.name(),
                    new WorkerUnit(
                            o.worker(),
                            new EnvImpl(
                                    java.util.Collections.unmodifiableMap(bound),
                                    serviceBindings(o.services()),
                                    o.vars()),
                            exported(o.entrypoints())));
        }
        this.otherWorkers = java.util.Collections.unmodifiableMap(units);
        for (OtherWorker o : others) {
            CronScheduler s = otherCrons.computeIfAbsent(
                    o.name(), n -> new CronScheduler(clock, activity, (cron, due) -> scheduledOf(n, cron, due)));
            List<String> wanted = o.crons().stream()
                    .map(dev.partyflare.emulator.internal.cron.CronExpression::text)
                    .toList();
            if (!s.crons().equals(wanted)) {
                s.replace(o.crons()); // unchanged triggers keep their timers across a reload
            }
        }
        otherCrons.entrySet().removeIf(e -> {
            if (units.containsKey(e.getKey())) {
                return false;
            }
            e.getValue().stop();
            return true;
        });
        Map<String, ActorNamespace> mainBound = new LinkedHashMap<>();
        for (Binding b : foreign) {
            mainBound.put(b.binding(), resolve(b, workerName));
        }
        this.mainForeign = java.util.Collections.unmodifiableMap(mainBound);
        this.mainEntrypoints = exported(entrypoints);
        this.mainServices = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(services));
        this.env = ((EnvImpl) env).with(mainNamespaces(), serviceBindings(this.mainServices));
    }

    /** The namespace binding {@code b} of Worker {@code owner} reaches. */
    private ActorNamespace resolve(Binding b, String owner) {
        String definer = b.scriptName() == null ? owner : b.scriptName();
        String className = simpleName(b.className());
        ActorNamespace ns;
        if (definer.equals(workerName)) {
            ns = ownNamespaces.values().stream()
                    .filter(n -> simpleName(n.className()).equals(className))
                    .findFirst()
                    .orElse(null);
        } else {
            ns = workerNamespaces.getOrDefault(definer, Map.of()).get(className);
        }
        if (ns == null) {
            throw new IllegalArgumentException("Durable Object binding \"" + b.binding() + "\" of Worker \"" + owner
                    + "\" names the class " + className + " of Worker \"" + definer + "\", which does not bind it");
        }
        return ns;
    }

    /** The exports of Worker {@code worker} ({@code ctx.exports}), read at each use. */
    dev.partyflare.durable.WorkerExports exportsOf(String worker) {
        return new WorkerExportsImpl(this, worker);
    }

    /** The named entrypoints of Worker {@code worker}, in declaration order. */
    java.util.Set<String> entrypointNames(String worker) {
        if (worker.equals(workerName)) {
            return mainEntrypoints.keySet();
        }
        WorkerUnit u = otherWorkers.get(worker);
        return u == null ? java.util.Set.of() : u.entrypoints().keySet();
    }

    /** The Durable Object classes Worker {@code worker} defines, by simple name. */
    Map<String, ActorNamespace> classesOf(String worker) {
        if (!worker.equals(workerName)) {
            return workerNamespaces.getOrDefault(worker, Map.of());
        }
        Map<String, ActorNamespace> out = new LinkedHashMap<>();
        for (ActorNamespace ns : ownNamespaces.values()) {
            out.putIfAbsent(simpleName(ns.className()), ns);
        }
        return out;
    }

    /** The main Worker's namespaces by binding: its own classes, then other Workers' it binds. */
    private Map<String, ActorNamespace> mainNamespaces() {
        Map<String, ActorNamespace> all = new LinkedHashMap<>(ownNamespaces);
        all.putAll(mainForeign);
        return java.util.Collections.unmodifiableMap(all);
    }

    /**
     * Every namespace of the emulator, each once: the main Worker's and those of other Workers' classes
     * (a class bound by several Workers too).
     */
    public List<ActorNamespace> allNamespaces() {
        java.util.Set<ActorNamespace> all = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        List<ActorNamespace> out = new java.util.ArrayList<>();
        for (ActorNamespace ns : ownNamespaces.values()) {
            if (all.add(ns)) {
                out.add(ns);
            }
        }
        for (Map<String, ActorNamespace> w : workerNamespaces.values()) {
            for (ActorNamespace ns : w.values()) {
                if (all.add(ns)) {
                    out.add(ns);
                }
            }
        }
        return out;
    }

    private static Map<String, WorkerEntrypoint.Exported> exported(
            Map<String, Class<? extends WorkerEntrypoint>> entrypoints) {
        Map<String, WorkerEntrypoint.Exported> out = new LinkedHashMap<>();
        entrypoints.forEach((name, type) -> out.put(name, WorkerEntrypoint.asWorker(type)));
        return java.util.Collections.unmodifiableMap(out);
    }

    private Map<String, ServiceBindingImpl> serviceBindings(Map<String, ServiceTarget> services) {
        Map<String, ServiceBindingImpl> out = new LinkedHashMap<>();
        services.forEach((binding, target) -> out.put(binding, new ServiceBindingImpl(this, binding, target)));
        return out;
    }

    /** The names of every Worker here, the main one first. */
    public List<String> workerNames() {
        List<String> names = new java.util.ArrayList<>();
        names.add(workerName);
        names.addAll(otherWorkers.keySet());
        return names;
    }

    /** The handler a service binding reaches and the env it runs with. */
    private record Target(Worker worker, Env env) {}

    private Target target(ServiceTarget t) {
        Worker w;
        Env e;
        Map<String, WorkerEntrypoint.Exported> named;
        if (t.service().equals(workerName)) {
            w = worker;
            e = env;
            named = mainEntrypoints;
        } else {
            WorkerUnit u = otherWorkers.get(t.service());
            if (u == null) {
                throw new IllegalStateException("The service binding's Worker \"" + t.service()
                        + "\" is not running in this emulator; the Workers are " + workerNames());
            }
            w = u.worker();
            e = u.env();
            named = u.entrypoints();
        }
        if (t.entrypoint() != null) {
            w = named.get(t.entrypoint());
            if (w == null) {
                throw new IllegalStateException("The Worker \"" + t.service() + "\" has no entrypoint named \""
                        + t.entrypoint() + "\"; its named entrypoints are " + named.keySet());
            }
        }
        return new Target(w, e);
    }

    /**
     * Runs the {@code fetch} of the Worker (or named entrypoint) {@code t} on the calling thread for a
     * service binding, as an event of its own (its own {@code ctx}). An exception of the target is
     * reported and thrown to the caller as a remote {@link dev.partyflare.durable.DurableObjectException},
     * as workerd rejects the caller's {@code fetch()} with the target's error.
     */
    Response serviceFetch(ServiceTarget t, Request request) {
        return serviceEvent(
                t, "Service fetch " + describe(t) + " " + request.method() + " " + request.path(), (target, ctx) -> {
                    Response r = target.worker().fetch(request, target.env(), ctx);
                    if (r == null) {
                        throw new IllegalStateException(
                                "The fetch() of Worker \"" + t.service() + "\" returned null instead of a Response");
                    }
                    return r;
                });
    }

    /**
     * Runs RPC method {@code method} of the entrypoint {@code t} on a new instance, for a service
     * binding; arguments and result are serialized copies. A target that is not a {@link
     * WorkerEntrypoint} offers its handler functions, with one argument ({@link
     * dev.partyflare.emulator.internal.rpc.RpcInvoker#invokeHandler}).
     */
    byte[] serviceRpc(ServiceTarget t, String method, byte[][] args) {
        return serviceEvent(t, "Service RPC " + describe(t) + " " + method + "()", (target, ctx) -> {
            Worker w = target.worker();
            for (int hops = 0; w instanceof dev.partyflare.emulator.ForwardingWorker f && hops < 8; hops++) {
                w = f.target();
            }
            if (!(w instanceof WorkerEntrypoint.Exported exported)) {
                return dev.partyflare.emulator.internal.rpc.RpcInvoker.invokeHandler(
                        w, method, args, target.env(), ctx);
            }
            return dev.partyflare.emulator.internal.rpc.RpcInvoker.invoke(
                    exported.instantiate(ctx, target.env()), method, args);
        });
    }

    private static String describe(ServiceTarget t) {
        return t.entrypoint() == null ? t.service() : t.service() + "#" + t.entrypoint();
    }

    @FunctionalInterface
    private interface ServiceCall<T> {
        T run(Target target, ExecutionContextImpl ctx) throws Exception;
    }

    private <T> T serviceEvent(ServiceTarget t, String where, ServiceCall<T> call) {
        Target target = target(t);
        dev.partyflare.emulator.internal.exec.Activity.Work work = activity.enter("Service call", () -> where);
        EventContext previous = EventContext.enterWorkerCall();
        try {
            return call.run(target, new ExecutionContextImpl(this, false, t.props(), t.service()));
        } catch (Exception | Error ex) {
            if (ex instanceof VirtualMachineError vme && !(ex instanceof StackOverflowError)) {
                throw vme;
            }
            if (ex instanceof dev.partyflare.emulator.internal.rpc.RpcInvoker.NoSuchMethodException) {
                throw dev.partyflare.durable.DurableObjectException.remote(
                        "java.lang.NoSuchMethodException", ex.getMessage(), "");
            }
            if (ex instanceof dev.partyflare.emulator.internal.rpc.RpcInvoker.WrongArgumentCountException) {
                throw dev.partyflare.durable.DurableObjectException.remote(
                        "java.lang.IllegalArgumentException", ex.getMessage(), "");
            }
            reportError(where, ex);
            if (ex instanceof dev.partyflare.durable.DurableObjectException de) {
                throw de;
            }
            java.io.StringWriter trace = new java.io.StringWriter();
            ex.printStackTrace(new java.io.PrintWriter(trace));
            throw dev.partyflare.durable.DurableObjectException.remote(
                    ex.getClass().getName(), ex.getMessage() == null ? "" : ex.getMessage(), trace.toString());
        } finally {
            EventContext.exit(previous);
            work.end();
        }
    }

    /** How a scheduled event ended: {@code ok} or not, {@code noRetry()} called, what failed. */
    public record ScheduledRun(boolean ok, boolean noRetry, Throwable error) {}

    /**
     * Runs the Worker's {@code scheduled} on the calling thread (which should hold counted work); the
     * result completes once the handler and its {@code waitUntil} work have ended. Never throws for
     * errors of user code: they make the outcome an exception and are reported.
     */
    public java.util.concurrent.CompletableFuture<ScheduledRun> scheduled(String cron, long scheduledTime) {
        return scheduled(worker, env, workerName, cron, scheduledTime);
    }

    /** {@link #scheduled(String, long)} of the other Worker {@code name} (its own cron triggers). */
    void scheduledOf(String name, String cron, long scheduledTime) {
        Target t;
        try {
            t = target(new ServiceTarget(name, null, Map.of()));
        } catch (IllegalStateException gone) {
            return; // the Worker was removed by a reload meanwhile
        }
        scheduled(t.worker(), t.env(), name, cron, scheduledTime);
    }

    private java.util.concurrent.CompletableFuture<ScheduledRun> scheduled(
            Worker target, Env targetEnv, String name, String cron, long scheduledTime) {
        dev.partyflare.durable.ScheduledController controller =
                new dev.partyflare.durable.ScheduledController(cron, scheduledTime);
        ExecutionContextImpl ctx = new ExecutionContextImpl(this, true, Map.of(), name);
        String where = (name.equals(workerName) ? "Worker" : "Worker \"" + name + "\"") + " scheduled \"" + cron + "\"";
        Throwable failure = null;
        EventContext previous = EventContext.enterWorker();
        try {
            target.scheduled(controller, targetEnv, ctx);
        } catch (Exception | Error e) {
            if (e instanceof VirtualMachineError vme && !(e instanceof StackOverflowError)) {
                throw vme;
            }
            failure = e;
            reportError(where, e);
        } finally {
            EventContext.exit(previous);
        }
        Throwable thrown = failure;
        return ctx.allWaitUntil().handle((v, e) -> {
            Throwable error = thrown != null
                    ? thrown
                    : e instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null
                            ? ce.getCause()
                            : e;
            return new ScheduledRun(error == null, controller.noRetryCalled(), error);
        });
    }

    /**
     * Runs the Worker's {@code scheduled} as {@code wrangler dev --test-scheduled}'s {@code /__scheduled}
     * does: nothing when the Worker has no handler; errors propagate; waitUntil work is not awaited.
     */
    void scheduledAsTest(String cron, long scheduledTime) throws Exception {
        EventContext previous = EventContext.enterWorker();
        try {
            worker.scheduled(
                    new dev.partyflare.durable.ScheduledController(cron, scheduledTime),
                    env,
                    new ExecutionContextImpl(this, workerName));
        } catch (UnsupportedOperationException e) {
            // Worker's default: no handler (also behind a wrapper such as the dev dashboard)
            if (!Worker.NO_SCHEDULED_HANDLER.equals(e.getMessage())) {
                throw e;
            }
        } finally {
            EventContext.exit(previous);
        }
    }

    /** Fires the configured cron triggers on the clock from now on, replacing the previous ones. */
    public void setCronTriggers(List<dev.partyflare.emulator.internal.cron.CronExpression> expressions) {
        crons.replace(expressions);
    }

    /** The cron triggers and their next runs. */
    public List<CronScheduler.Entry> cronTriggers() {
        return crons.entries();
    }

    /** The cron triggers of the other Worker {@code name} and their next runs (none for an unknown name). */
    public List<CronScheduler.Entry> cronTriggersOf(String name) {
        CronScheduler s = otherCrons.get(name);
        return s == null ? List.of() : s.entries();
    }

    /** Schedules the cron triggers again from now (the manual clock forgot its timers on a full reset). */
    public void rescheduleCronTriggers() {
        crons.reschedule();
        otherCrons.values().forEach(CronScheduler::reschedule);
    }

    /** Serves {@code /__scheduled} as {@code wrangler dev --test-scheduled} does. */
    public void setTestScheduled(boolean on) {
        this.testScheduled = on;
    }

    void reportError(String where, Throwable e) {
        if (errorListener != null) {
            errorListener.onError(where, e);
        } else {
            LOG.log(System.Logger.Level.WARNING, "Uncaught exception in " + where, e);
        }
    }

    /** Code run inside an object by {@link #runInObject}. */
    @FunctionalInterface
    public interface ObjectCode<O, T> {
        T run(O instance, dev.partyflare.durable.DurableObjectState ctx) throws Exception;
    }

    /**
     * Swaps in new code: the Worker, the vars and the classes of the bindings. Bindings keep their
     * storage, alarms and hibernatable sockets; live objects are rebuilt from the new classes on
     * their next event. A new binding starts empty; a removed one drops its objects and sockets.
     */
    public synchronized void reload(
            Worker newWorker,
            List<Binding> bindings,
            dev.partyflare.emulator.Migrations migrations,
            Map<String, Object> vars,
            String workerName) {
        applyMigrations(workerName, migrations, bindings);
        Map<String, Binding> wanted = new LinkedHashMap<>();
        for (Binding b : bindings) {
            wanted.put(b.binding(), b);
        }
        Map<String, ActorNamespace> old = this.ownNamespaces;
        Map<String, ActorNamespace> namespaces = new LinkedHashMap<>();
        for (Map.Entry<String, ActorNamespace> e : old.entrySet()) {
            if (!wanted.containsKey(e.getKey())) {
                e.getValue().dropAll();
            }
        }
        for (Binding b : bindings) {
            String key = keyOf(workerName, b);
            ActorNamespace ns = old.get(b.binding());
            if (ns != null && ns.uniqueKey().equals(key)) {
                ns.replaceClass(b.type());
                namespaces.put(b.binding(), ns);
            } else {
                if (ns != null) {
                    ns.dropAll(); // the binding now reaches another class's objects
                }
                checkUnique(namespaces.values(), key, b);
                ActorNamespace created = new ActorNamespace(
                        b.binding(),
                        b.type(),
                        key,
                        services,
                        storage.namespace(key, "binding " + b.binding() + " (" + b.className() + ")"),
                        b.sqlite());
                namespaces.put(b.binding(), created);
                created.scheduleStoredAlarms();
            }
        }
        this.ownNamespaces = java.util.Collections.unmodifiableMap(namespaces);
        this.env = new EnvImpl(mainNamespaces(), serviceBindings(mainServices), vars);
        this.worker = newWorker != null ? newWorker : this.worker;
    }

    /** Stops: events queued from now on are dropped (the socket closes the shutdown itself causes among them). */
    public void beginShutdown() {
        for (ActorNamespace ns : allNamespaces()) {
            ns.stopAcceptingEvents();
        }
    }

    /** Closes every WebSocket with {@code code}; returns how many. */
    public int closeAllSockets(int code, String reason) {
        int n = 0;
        for (ActorNamespace ns : allNamespaces()) {
            n += ns.closeAllSockets(code, reason);
        }
        return n;
    }

    /** The namespace that made {@code stub}. */
    public ActorNamespace namespaceOf(dev.partyflare.durable.DurableObjectStub stub) {
        for (ActorNamespace candidate : allNamespaces()) {
            if (candidate.owns(stub)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("The stub " + stub.id() + " belongs to no namespace of this emulator");
    }

    /** The storage of the object behind {@code stub}, from outside it (tools). */
    public dev.partyflare.emulator.internal.actor.ObjectAdmin storageAdmin(
            dev.partyflare.durable.DurableObjectStub stub) {
        return namespaceOf(stub).admin(stub);
    }

    /** Runs {@code code} as an event of the object behind {@code stub} (tests, tools). */
    public <O extends DurableObject, T> T runInObject(
            dev.partyflare.durable.DurableObjectStub stub, ObjectCode<O, T> code) throws Exception {
        ActorNamespace ns = null;
        for (ActorNamespace candidate : allNamespaces()) {
            if (candidate.owns(stub)) {
                ns = candidate;
            }
        }
        if (ns == null) {
            throw new IllegalArgumentException("The stub " + stub.id() + " belongs to no namespace of this emulator");
        }
        return ns.runIn(stub, code::run);
    }

    /**
     * Starts the watchdog: every half second, objects whose event has held the gate longer than
     * {@code limit} are reset (their callers get a clear error) and their thread interrupted.
     */
    public void startWatchdog(java.time.Duration limit) {
        if (limit == null || watchdog != null) {
            return;
        }
        long limitNanos = limit.toNanos();
        long period = Math.max(10, Math.min(500, limit.toMillis() / 4));
        // one thread watches every runtime of the JVM (tests start thousands of emulators)
        watchdog = WATCHDOG.scheduleWithFixedDelay(
                () -> {
                    try {
                        long now = System.nanoTime();
                        for (ActorNamespace ns : allNamespaces()) {
                            ns.checkRunningTimes(now, limitNanos);
                        }
                    } catch (RuntimeException | Error e) {
                        LOG.log(System.Logger.Level.WARNING, "The watchdog failed a round", e);
                    }
                },
                period,
                period,
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private static final java.util.concurrent.ScheduledThreadPoolExecutor WATCHDOG = watchdogExecutor();

    private static java.util.concurrent.ScheduledThreadPoolExecutor watchdogExecutor() {
        java.util.concurrent.ScheduledThreadPoolExecutor e = new java.util.concurrent.ScheduledThreadPoolExecutor(
                1, r -> Thread.ofPlatform().daemon().name("partyflare-watchdog").unstarted(r));
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    private volatile java.util.concurrent.ScheduledFuture<?> watchdog;

    public StorageEngine storage() {
        return storage;
    }

    public AlarmScheduler alarms() {
        return alarms;
    }

    /** True when no object has an event running or queued and no alarm run is starting or running. */
    public boolean idle() {
        if (alarms.running() > 0) {
            return false;
        }
        for (ActorNamespace ns : allNamespaces()) {
            for (dev.partyflare.emulator.internal.actor.Actor a : ns.liveActors()) {
                if (a.gate().active() > 0 || a.gate().queued() > 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Every object's recent events. */
    public Timeline timeline() {
        return timeline;
    }

    /** The reset of an object whose event still ran user code when its runtime closed. */
    static final String CLOSED_WHILE_RUNNING =
            "partyflare: the runtime closed while this Durable Object's event was still running.";

    @Override
    public void close() {
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        // no watchdog from here on: an event still spinning would hold a core until the JVM exits
        for (ActorNamespace ns : allNamespaces()) {
            ns.stopRunningEvents("Error", CLOSED_WHILE_RUNNING);
        }
        crons.stop();
        otherCrons.values().forEach(CronScheduler::stop);
        alarms.cancelAll();
        clock.shutdown();
        outbound.close();
        storage.close();
    }

    /** Stops as a crash would: nothing is flushed beyond what was committed. */
    public void crash() {
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        crons.stop();
        otherCrons.values().forEach(CronScheduler::stop);
        alarms.cancelAll();
        clock.shutdown();
        storage.crash();
    }
}
