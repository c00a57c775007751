package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.durable.DurableObjectNamespace;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.GetOptions;
import dev.partyflare.emulator.internal.storage.NamespaceStorage;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Durable Object namespace (workerd's {@code ActorNamespace}): one class, its ids, and the live
 * actors by id. Jurisdictional sub-namespaces share the actor table, so an id has one instance in
 * the whole runtime.
 *
 * <p>Over 500 lines: the namespace API, its table of live actors and the tools' actions on them
 * share the table and its retire-and-remove protocol; inspection is in NamespaceInspector.
 */
public final class ActorNamespace implements DurableObjectNamespace {
    private static final System.Logger LOG = System.getLogger("dev.partyflare.emulator");

    private final String binding;
    private volatile boolean stopping;
    private volatile Class<? extends DurableObject> type;
    private volatile Constructor<? extends DurableObject> constructor;
    private final String uniqueKey;
    private final IdFactory ids;
    private final String jurisdiction;
    private final ActorServices services;
    private final Map<String, Actor> actors;
    private final Map<String, String> placements;
    private final Map<String, ActorNamespace> jurisdictions;
    private final NamespaceStorage store;
    private final boolean sqlite;
    private volatile boolean hasAlarmHandler;
    private final HibernationManager hibernation;

    /**
     * @param uniqueKey what every id derives from: {@code "<worker>-<class>"} of the class that
     *     created the namespace (a renamed or transferred class keeps it), the class name as a JS
     *     export would have it (the simple Java name)
     */
    public ActorNamespace(
            String binding,
            Class<? extends DurableObject> type,
            String uniqueKey,
            ActorServices services,
            NamespaceStorage store,
            boolean sqlite) {
        this(
                binding,
                type,
                constructorOf(type),
                uniqueKey,
                null,
                services,
                new ConcurrentHashMap<>(),
                new ConcurrentHashMap<>(),
                new ConcurrentHashMap<>(),
                store,
                sqlite,
                null);
    }

    private ActorNamespace(
            String binding,
            Class<? extends DurableObject> type,
            Constructor<? extends DurableObject> constructor,
            String uniqueKey,
            String jurisdiction,
            ActorServices services,
            Map<String, Actor> actors,
            Map<String, String> placements,
            Map<String, ActorNamespace> jurisdictions,
            NamespaceStorage store,
            boolean sqlite,
            HibernationManager sharedHibernation) {
        this.binding = binding;
        this.store = store;
        this.sqlite = sqlite;
        this.hasAlarmHandler = overridesAlarm(type);
        this.hibernation = sharedHibernation != null ? sharedHibernation : new HibernationManager(this);
        this.type = type;
        this.constructor = constructor;
        this.uniqueKey = uniqueKey;
        this.ids = new IdFactory(uniqueKey, jurisdiction);
        this.jurisdiction = jurisdiction;
        this.services = services;
        this.actors = actors;
        this.placements = placements;
        this.jurisdictions = jurisdictions;
    }

    /**
     * The public {@code (DurableObjectState, Env)} constructor of {@code type}, or an error that says
     * what is missing.
     */
    public static Constructor<? extends DurableObject> constructorOf(Class<? extends DurableObject> type) {
        if (Modifier.isAbstract(type.getModifiers())) {
            throw new IllegalArgumentException(
                    "Durable Object class " + type.getName() + " is abstract; bind a concrete class");
        }
        if (!Modifier.isPublic(type.getModifiers())) {
            throw new IllegalArgumentException("Durable Object class " + type.getName() + " must be public");
        }
        try {
            return type.getConstructor(DurableObjectState.class, Env.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("Durable Object class "
                    + type.getName()
                    + " needs a public constructor ("
                    + DurableObjectState.class.getSimpleName()
                    + " ctx, Env env) that calls super(ctx, env)");
        }
    }

    private static boolean overridesAlarm(Class<?> type) {
        try {
            return type.getMethod("alarm", dev.partyflare.durable.AlarmInvocationInfo.class)
                            .getDeclaringClass()
                    != DurableObject.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    public String binding() {
        return binding;
    }

    public String uniqueKey() {
        return uniqueKey;
    }

    public NamespaceStorage store() {
        return store;
    }

    boolean sqlite() {
        return sqlite;
    }

    boolean hasAlarmHandler() {
        return hasAlarmHandler;
    }

    ClassLoader classLoader() {
        return type.getClassLoader();
    }

    /** Schedules every stored alarm of this namespace (at start-up). */
    public void scheduleStoredAlarms() {
        for (NamespaceStorage.StoredAlarm a : store.alarms()) {
            services.alarms().set(this, a.objectId(), a.jurisdiction(), a.at());
        }
    }

    /**
     * Reads the stored alarms of this namespace again from the shared state directory and schedules
     * them (the nodes of a cluster: alarms other nodes' objects set since this node read them). With
     * a router each is routed to its object's owner when due, and runs there only if still due.
     */
    public void rescheduleStoredAlarms() {
        for (NamespaceStorage.StoredAlarm a : store.reloadAlarms()) {
            services.alarms().set(this, a.objectId(), a.jurisdiction(), a.at());
        }
    }

    /** Runs the alarm of object {@code idHex}, creating it if needed; then {@code done}. */
    void fireAlarm(String idHex, String jurisdiction, Runnable done) {
        fireAlarm(idHex, jurisdiction, done, 0);
    }

    /**
     * Runs the alarm of object {@code idHex} here or, with a router, on the node that owns it;
     * then {@code done}. {@code deliveries} counts the routed attempts that found no owner before.
     */
    void fireAlarm(String idHex, String jurisdiction, Runnable done, int deliveries) {
        ActorNamespace ns = jurisdiction == null ? this : (ActorNamespace) jurisdiction(jurisdiction);
        DurableObjectId id = new DurableObjectId(idHex, null, jurisdiction);
        dev.partyflare.emulator.internal.exec.Activity.Work work =
                services.activity().begin("alarm", () -> describe(id));
        Thread.ofVirtual().name("partyflare-alarm").start(() -> {
            work.attach();
            try {
                dev.partyflare.emulator.ObjectRouter router = services.router().get();
                if (router == null) {
                    ns.actorFor(id, null).alarms().run(false);
                } else {
                    ns.routeAlarm(id, router, deliveries);
                }
            } finally {
                done.run();
                work.end();
            }
        });
    }

    /**
     * A due alarm, handed to the router like a call: it runs on the node that owns the id, only if
     * still due there (so the same alarm routed by several nodes runs once). When no owner answers
     * (its node may be gone), the delivery is tried again after the alarm backoff.
     */
    private void routeAlarm(DurableObjectId id, dev.partyflare.emulator.ObjectRouter router, int deliveries) {
        try {
            router.alarm(dev.partyflare.emulator.ObjectRouter.Call.of(binding, id, null, () -> runDueAlarm(id)));
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "The alarm of {0} could not be delivered to its owner (try {1}): {2}",
                    describe(id),
                    deliveries + 1,
                    e.getMessage());
            services.alarms()
                    .deliverAgain(
                            this,
                            id.toString(),
                            id.jurisdiction().orElse(null),
                            services.clock().millis() + AlarmScheduler.retryDelayMillis(deliveries),
                            deliveries + 1);
        }
    }

    /**
     * Where a routed alarm enters the node that owns the object: runs its stored alarm if it is due
     * now; one stored for later is taken over by this node's scheduler instead (the node that routed
     * it may run ahead, or know of an alarm that moved), and none (it ran, or was deleted) is a no-op.
     * The check is a storage event, so a duplicate constructs nothing. True when the alarm ran.
     */
    public boolean runDueAlarm(DurableObjectId id) {
        ActorNamespace ns = id.jurisdiction().isPresent() && jurisdiction == null
                ? (ActorNamespace) jurisdiction(id.jurisdiction().get())
                : this;
        NamespaceStorage.StoredAlarm stored;
        try {
            stored = ns.run(id, null, (Actor.StorageEventBody<NamespaceStorage.StoredAlarm>)
                    actor -> actor.storage().store().alarm());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            Actor a = ns.liveActor(id);
            if (a != null) {
                a.lifecycle().retireIfNeverStarted();
            }
        }
        if (stored == null) {
            return false;
        }
        if (stored.at() > services.clock().millis()) {
            services.alarms().set(ns, id.toString(), id.jurisdiction().orElse(null), stored.at(), stored.retryCount());
            return false;
        }
        return ns.actorFor(id, null).alarms().run(false);
    }

    /** A committed write changed the alarm of {@code id}: the scheduler wakes the object then (or no more). */
    void alarmStored(DurableObjectId id, NamespaceStorage.StoredAlarm a) {
        services.alarms()
                .set(
                        this,
                        id.toString(),
                        id.jurisdiction().orElse(null),
                        a == null ? null : a.at(),
                        a == null ? 0 : a.retryCount());
    }

    public String className() {
        return type.getName();
    }

    Constructor<? extends DurableObject> constructor() {
        return constructor;
    }

    ActorServices services() {
        return services;
    }

    @Override
    public DurableObjectId idFromName(String name) {
        return ids.fromName(name);
    }

    @Override
    public DurableObjectId newUniqueId() {
        return ids.unique();
    }

    @Override
    public DurableObjectId newUniqueId(String j) {
        return jurisdiction(j).newUniqueId();
    }

    @Override
    public DurableObjectId idFromString(String hex) {
        return ids.fromString(hex);
    }

    @Override
    public DurableObjectStub get(DurableObjectId id) {
        return get(id, GetOptions.NONE);
    }

    @Override
    public DurableObjectStub get(DurableObjectId id, GetOptions options) {
        if (id == null) {
            throw new IllegalArgumentException("get() needs a Durable Object id");
        }
        if (!ownsJurisdiction(id)) {
            throw new IllegalArgumentException("Durable Object ID is not valid for this namespace.");
        }
        String hint = options == null ? null : options.locationHint();
        if (hint != null && !Locations.HINTS.contains(hint)) {
            if (services.strictLimits()) {
                throw new IllegalArgumentException(
                        "Unknown location hint \"" + hint + "\"; valid hints are " + Locations.HINTS);
            }
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Unknown location hint \"{0}\" for {1}; Cloudflare knows {2}. Using the default location.",
                    hint,
                    binding,
                    Locations.HINTS);
            hint = null;
        }
        return new StubImpl(this, id, hint);
    }

    /**
     * A stub whose calls run here, without the emulator's {@link dev.partyflare.emulator.ObjectRouter}:
     * how a call that a router delivered to this node enters its object.
     */
    public DurableObjectStub stubHere(DurableObjectId id, String locationHint) {
        ActorNamespace ns = id.jurisdiction().isPresent() && jurisdiction == null
                ? (ActorNamespace) jurisdiction(id.jurisdiction().get())
                : this;
        StubImpl checked = (StubImpl) ns.get(id, GetOptions.locationHint(locationHint));
        return new StubImpl(checked.namespace(), id, checked.locationHint(), false);
    }

    /** {@link #stubHere}'s RPC: JSON arguments in, JSON result out. */
    public static byte[] rpcHere(DurableObjectStub here, String method, byte[][] jsonArgs) {
        // a reference in the result carries one reference for its reader (RpcReferences)
        return ((StubImpl) here).rpcHere(method, jsonArgs);
    }

    private boolean ownsJurisdiction(DurableObjectId id) {
        return java.util.Objects.equals(id.jurisdiction().orElse(null), jurisdiction);
    }

    @Override
    public DurableObjectNamespace jurisdiction(String j) {
        if (j == null || !Locations.JURISDICTIONS.contains(j)) {
            throw new IllegalArgumentException(
                    "Unknown jurisdiction \"" + j + "\"; valid jurisdictions are " + Locations.JURISDICTIONS);
        }
        if (j.equals(jurisdiction)) {
            return this;
        }
        return jurisdictions.computeIfAbsent(
                j,
                k -> new ActorNamespace(
                        binding,
                        type,
                        constructor,
                        uniqueKey,
                        k,
                        services,
                        actors,
                        placements,
                        jurisdictions,
                        store,
                        sqlite,
                        hibernation));
    }

    /** The live actor for {@code id}, created if needed; exactly one per id. */
    Actor actorFor(DurableObjectId id, String hint) {
        Actor a = actors.get(id.toString());
        if (a != null) {
            return a;
        }
        return actors.computeIfAbsent(id.toString(), hex -> {
            String location = placements.computeIfAbsent(hex, h -> {
                String stored = store.placement(h);
                if (stored != null) {
                    return stored;
                }
                if (hint == null) {
                    // the default placement is derived, so it needs no record
                    return Locations.defaultFor(id.jurisdiction().orElse(null), services.defaultLocation());
                }
                store.savePlacement(h, id.jurisdiction().orElse(null), id.name().orElse(null), hint);
                return hint;
            });
            return new Actor(this, id, location);
        });
    }

    /**
     * Code reload: later events build instances of {@code newType}. Live objects are dropped (their
     * standard WebSockets closed with 1012 so clients reconnect, their timers cancelled); storage,
     * alarms and hibernatable WebSockets stay, and the next event constructs the new class.
     */
    public void replaceClass(Class<? extends DurableObject> newType) {
        Constructor<? extends DurableObject> ctor = constructorOf(newType);
        boolean alarmHandler = overridesAlarm(newType);
        java.util.List<ActorNamespace> all = new java.util.ArrayList<>(jurisdictions.values());
        all.add(this);
        for (ActorNamespace ns : all) {
            ns.type = newType;
            ns.constructor = ctor;
            ns.hasAlarmHandler = alarmHandler;
        }
        for (Actor a : new java.util.ArrayList<>(actors.values())) {
            a.lifecycle().retireForReload();
        }
    }

    /** Closes every WebSocket of every object of this namespace with {@code code} (shutdown: 1001). */
    public int closeAllSockets(int code, String reason) {
        int n = 0;
        for (Actor a : actors.values()) {
            n += a.lifecycle().closeStandardSockets(code, reason);
        }
        for (HibernationManager.Sockets s : hibernation.all().values()) {
            for (dev.partyflare.emulator.internal.websocket.WebSocketEnd ws : s.open(null)) {
                try {
                    ws.close(code, reason);
                    n++;
                } catch (RuntimeException e) {
                    ws.drop();
                }
            }
        }
        return n;
    }

    /** The binding was removed by a reload: drop every object and socket. */
    public void dropAll() {
        for (Actor a : new java.util.ArrayList<>(actors.values())) {
            a.lifecycle().retireForReload();
        }
        for (HibernationManager.Sockets s :
                new java.util.ArrayList<>(hibernation.all().values())) {
            s.dropAll();
        }
    }

    /** The class objects are built from. */
    public Class<? extends DurableObject> type() {
        return type;
    }

    /** True when {@code stub} is a stub of this namespace (or one of its jurisdictions). */
    public boolean owns(DurableObjectStub stub) {
        return stub instanceof StubImpl s && s.namespace().uniqueKey().equals(uniqueKey);
    }

    /** Code run inside an object. */
    @FunctionalInterface
    public interface InObject<O, T> {
        T run(O instance, dev.partyflare.durable.DurableObjectState ctx) throws Exception;
    }

    /** Runs {@code code} as an event of the object behind {@code stub}. */
    @SuppressWarnings("unchecked")
    public <O, T> T runIn(DurableObjectStub stub, InObject<O, T> code) throws Exception {
        StubImpl s = (StubImpl) stub;
        Actor actor = s.namespace().actorFor(s.id(), s.locationHint());
        try {
            return s.namespace().run(s.id(), null, obj -> code.run((O) obj, actor.state()));
        } catch (ActorBrokenException e) {
            throw dev.partyflare.durable.DurableObjectException.builder(e.errorType(), e.getMessage())
                    .remote(true)
                    .durableObjectReset(true)
                    .build();
        }
    }

    /** The manager of this namespace's hibernatable sockets (shared with its jurisdictions). */
    HibernationManager hibernation() {
        return hibernation;
    }

    /**
     * Runs an event of object {@code id} on the calling thread, after the ones queued before it. If
     * the object hibernated or was evicted meanwhile, a new instance takes the event.
     */
    <T> T run(DurableObjectId id, String hint, EventRunner.EventBody<T> body) throws Exception {
        dev.partyflare.emulator.internal.exec.Activity.Work work =
                services.activity().enter("event", () -> describe(id));
        try {
            while (true) {
                Actor a = actorFor(id, hint);
                dev.partyflare.emulator.internal.exec.InputGate.Ticket t =
                        a.gate().enqueueEvent();
                if (t != null) {
                    return a.runTicket(t, body);
                }
                awaitRemoval(a);
            }
        } finally {
            work.end();
        }
    }

    /**
     * {@code COUNTER "a" (dev.example.Counter 1f0c…64 hex) (alarm)}: where an error of object {@code
     * id} happened, binding and name first, as tests name objects.
     */
    String where(DurableObjectId id, Timeline.Log log, String description) {
        String name = id.name().orElseGet(() -> log == null ? null : log.name());
        return binding + (name == null ? "" : " \"" + name + "\"") + " (" + className() + " " + id + ") (" + description
                + ")";
    }

    /** {@code COUNTER "a" (id 1f0c2a…)}: for messages about work in flight. */
    String describe(DurableObjectId id) {
        String name = id.name().orElseGet(() -> services.timeline().nameOf(this, id.toString()));
        String hex = id.toString();
        return binding + (name == null ? "" : " \"" + name + "\"") + " (id "
                + hex.substring(0, Math.min(12, hex.length())) + "…)";
    }

    /**
     * The runtime stops: events queued from now on (socket closes its own shutdown causes, timers,
     * waitUntil tasks) are dropped, as no handler runs once workerd's process ends; they would only
     * meet closed storage and print its errors while the server stops.
     */
    public void stopAcceptingEvents() {
        stopping = true;
    }

    /** Whether the runtime is stopping (see {@link #stopAcceptingEvents()}). */
    boolean stopping() {
        return stopping;
    }

    /** Queues an event of object {@code id} now (in call order) and runs it on its own thread. */
    void dispatchToInstance(DurableObjectId id, String description, EventRunner.ObjectEvent event, long timeoutMillis) {
        if (stopping) {
            return;
        }
        dev.partyflare.emulator.internal.exec.Activity.Work work =
                services.activity().begin(description, () -> describe(id));
        try {
            while (true) {
                Actor a = actorFor(id, null);
                dev.partyflare.emulator.internal.exec.InputGate.Ticket t =
                        a.gate().enqueueEvent();
                if (t != null) {
                    a.events().runOnThread(t, description, event, timeoutMillis, work);
                    return;
                }
                awaitRemoval(a);
            }
        } catch (RuntimeException | Error e) {
            work.end();
            throw e;
        }
    }

    private void awaitRemoval(Actor retired) {
        while (actors.get(retired.id().toString()) == retired) {
            Thread.onSpinWait();
        }
    }

    /**
     * Runs {@code body} as an event of the object behind {@code stub} without constructing its class
     * (storage from outside: tools, the admin API). An actor made for it is retired again at once, so
     * a hibernated or evicted object stays so.
     */
    <T> T runStorageEvent(DurableObjectStub stub, Actor.StorageEventBody<T> body) throws Exception {
        StubImpl s = (StubImpl) stub;
        ActorNamespace ns = s.namespace();
        try {
            return ns.run(s.id(), s.locationHint(), body);
        } catch (ActorBrokenException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } finally {
            Actor a = ns.liveActor(s.id());
            if (a != null) {
                a.lifecycle().retireIfNeverStarted();
            }
        }
    }

    /** Storage of the object behind {@code stub}, from outside it. */
    public ObjectAdmin admin(DurableObjectStub stub) {
        StubImpl s = (StubImpl) stub;
        return new ObjectAdmin(s.namespace(), s);
    }

    /** Runs the stored alarm of the object behind {@code stub} now; false when it has none. */
    public boolean runAlarmNow(DurableObjectStub stub) {
        return ((StubImpl) stub).runAlarmNow();
    }

    void remove(Actor actor) {
        actors.remove(actor.id().toString(), actor);
    }

    /** Forces the object behind {@code stub} to hibernate (or be evicted); the reasons when it cannot. */
    public java.util.List<String> hibernate(DurableObjectStub stub) {
        Actor a = actors.get(stub.id().toString());
        if (a == null) {
            return java.util.List.of();
        }
        java.util.List<String> why = a.lifecycle().hibernationBlockers();
        if (why.isEmpty() && !a.lifecycle().retireIfIdle("forced")) {
            return java.util.List.of("an event is running or queued");
        }
        return why;
    }

    /** Drops the instance of {@code stub} now (see {@link ObjectLifecycle#evict}). */
    public void evict(DurableObjectStub stub, boolean closeSockets) {
        Actor a = actors.get(stub.id().toString());
        if (a != null) {
            a.lifecycle().evict(closeSockets);
        } else if (closeSockets) {
            HibernationManager.Sockets s = hibernation.existing(stub.id());
            if (s != null) {
                s.dropAll();
            }
        }
    }

    /** Why the object behind {@code stub} cannot hibernate now (empty: it can, or is not live). */
    public java.util.List<String> hibernationBlockers(DurableObjectStub stub) {
        Actor a = actors.get(stub.id().toString());
        return a == null ? java.util.List.of() : a.lifecycle().hibernationBlockers();
    }

    /** Notes a change made from outside in the object's timeline. */
    public void recordAdmin(DurableObjectStub stub, String action, String detail) {
        services.timeline()
                .record(timelineLog(stub.id()), dev.partyflare.emulator.TimelineEvent.Kind.ADMIN, action, detail, 0, 0);
    }

    /**
     * Resets the object behind {@code stub} as {@code ctx.abort(reason)} would: its instance and every
     * socket are dropped, uncommitted writes too; storage stays. False when nothing was live.
     */
    public boolean resetObject(DurableObjectStub stub, String reason) {
        Actor a = actors.get(stub.id().toString());
        boolean any = false;
        if (a != null) {
            a.reset("java.lang.Error", reason);
            any = true;
        }
        HibernationManager.Sockets h = hibernation.existing(stub.id());
        if (h != null && h.size() > 0) {
            h.dropAll();
            any = true;
        }
        return any;
    }

    /**
     * Resets the whole namespace: every live object is reset, every socket dropped, every pending
     * alarm cancelled, every object's storage deleted and the timeline forgotten.
     */
    public void resetAll(String reason) {
        for (Actor a : new ArrayList<>(actors.values())) {
            a.reset("java.lang.Error", reason);
        }
        for (HibernationManager.Sockets sockets :
                new ArrayList<>(hibernation.all().values())) {
            sockets.dropAll();
        }
        services.alarms().cancel(this);
        store.deleteAll();
        placements.clear();
        services.timeline().clear(binding);
    }

    /** Resets objects whose running event exceeded {@code limitNanos} (the runtime's watchdog). */
    public void checkRunningTimes(long now, long limitNanos) {
        for (Actor a : actors.values()) {
            a.events().checkRunningTime(now, limitNanos);
        }
    }

    /** The runtime closes: stops the events still running user code (see {@link EventRunner#stopAtShutdown}). */
    public void stopRunningEvents(String errorType, String message) {
        for (Actor a : actors.values()) {
            a.events().stopAtShutdown(errorType, message);
        }
    }

    /** The live actors (for inspection and tests). */
    public List<Actor> liveActors() {
        return new ArrayList<>(actors.values());
    }

    /** The timeline log of object {@code id}: its live actor's, else found or made (null when the timeline is off). */
    Timeline.Log timelineLog(DurableObjectId id) {
        Actor a = actors.get(id.toString());
        return a != null ? a.log : services.timeline().log(this, id);
    }

    /** The ids of the live actors. */
    java.util.Set<String> actorIds() {
        return actors.keySet();
    }

    /** The live actors, as they are now. */
    java.util.Collection<Actor> actors() {
        return actors.values();
    }

    /**
     * The location recorded for {@code id} in the (shared) namespace index, recording {@code
     * proposed} first when none is and it is not null (the first of several placements wins).
     */
    public String place(DurableObjectId id, String proposed) {
        if (proposed != null && !Locations.HINTS.contains(proposed)) {
            throw new IllegalArgumentException(
                    "Unknown location \"" + proposed + "\"; valid locations are " + Locations.HINTS);
        }
        return store.place(
                id.toString(), id.jurisdiction().orElse(null), id.name().orElse(null), proposed);
    }

    /** The location object {@code hex} was placed in, if it was placed since start-up. */
    String placement(String hex) {
        return placements.get(hex);
    }

    /** What tools see of this namespace's objects. */
    public NamespaceInspector inspector() {
        return new NamespaceInspector(this);
    }

    /** The live actor of {@code id}, or null. */
    public Actor liveActor(DurableObjectId id) {
        return actors.get(id.toString());
    }
}
