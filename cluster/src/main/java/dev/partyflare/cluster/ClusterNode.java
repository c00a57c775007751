package dev.partyflare.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.partyflare.cluster.internal.AlarmTakeover;
import dev.partyflare.cluster.internal.EntityCommand;
import dev.partyflare.cluster.internal.ObjectEntity;
import dev.partyflare.cluster.internal.Placement;
import dev.partyflare.cluster.internal.ReferenceRelay;
import dev.partyflare.cluster.internal.ShardedRouter;
import dev.partyflare.cluster.internal.SocketRelay;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;

/**
 * One node of a partyflare cluster: an emulator whose Durable Objects are Apache Pekko Cluster
 * Sharding entities. A stub call on any node (from the Worker, an object or a test) is delivered to
 * the node that owns the id and runs there, behind that node's input gate; each id is live on at
 * most one node at a time (docs/cluster.md says what is and is not guaranteed).
 *
 * <p>Every node of a cluster must be started with the same Worker, classes and bindings.
 */
public final class ClusterNode implements AutoCloseable {
    /** The Pekko actor system name every node of a partyflare cluster shares. */
    public static final String SYSTEM_NAME = "partyflare";

    private final String name;
    private final ActorSystem<Void> system;
    private final Emulator emulator;
    private final SocketRelay sockets;
    private final ReferenceRelay references;
    private final String dataCenter;
    private final ShardedRouter router;
    /** The entity types whose shards this node hosts (its shard regions, not proxies), by name. */
    private final List<String> hostedTypes;

    private volatile boolean crashed;
    private volatile boolean closed;
    /** Set before a crash: entities that stop then leave their objects as they are (no eviction). */
    private final java.util.concurrent.atomic.AtomicBoolean crashing;

    private ClusterNode(
            String name,
            ActorSystem<Void> system,
            Emulator emulator,
            SocketRelay sockets,
            ReferenceRelay references,
            java.util.concurrent.atomic.AtomicBoolean crashing,
            String dataCenter,
            ShardedRouter router,
            List<String> hostedTypes) {
        this.hostedTypes = List.copyOf(hostedTypes);
        this.references = references;
        this.crashing = crashing;
        this.router = router;
        this.dataCenter = dataCenter;
        this.sockets = sockets;
        this.name = name;
        this.system = system;
        this.emulator = emulator;
    }

    /** How to start a node. */
    public static final class Options {
        private final String name;
        private final EmulatorOptions.Builder emulator;
        private String host = "127.0.0.1";
        private int port;
        private List<String> seeds = List.of();
        private Duration callTimeout = Duration.ofSeconds(30);
        private BiConsumer<String, String> entityStarted = (binding, id) -> {};
        private BiConsumer<String, String> entityStopped = (binding, id) -> {};
        private String config = "";
        private String dataCenter;
        private java.util.Set<String> jurisdictions = EmulatorOptions.JURISDICTIONS;
        private Emulator.TrafficListener traffic;
        private Emulator.ErrorListener errors;

        /**
         * @param name this node's name (logs, tests)
         * @param emulator the app: the same Worker and bindings on every node
         */
        public Options(String name, EmulatorOptions.Builder emulator) {
            this.name = Objects.requireNonNull(name, "name");
            this.emulator = Objects.requireNonNull(emulator, "emulator");
        }

        /** The address other nodes reach this one at (default 127.0.0.1). */
        public Options host(String h) {
            this.host = h;
            return this;
        }

        /** The cluster port (default 0: any free port). */
        public Options port(int p) {
            this.port = p;
            return this;
        }

        /**
         * Nodes to join, as {@code host:port}; empty (the default): this node starts a new cluster, or
         * is joined later with {@link ClusterNode#join}.
         */
        public Options seeds(List<String> hostPorts) {
            this.seeds = List.copyOf(hostPorts);
            return this;
        }

        /** How long a call waits for the owning node (default 30 s). */
        public Options callTimeout(Duration d) {
            this.callTimeout = d;
            return this;
        }

        /** Told (binding, id) each time an object's entity starts on this node: for tests and metrics. */
        public Options onEntityStarted(BiConsumer<String, String> listener) {
            this.entityStarted = Objects.requireNonNull(listener);
            return this;
        }

        /**
         * Told (binding, id) each time an object's entity stops on this node (passivation, hand-off,
         * the actor system's end), after it evicted the object: for tests and metrics.
         */
        public Options onEntityStopped(BiConsumer<String, String> listener) {
            this.entityStopped = Objects.requireNonNull(listener);
            return this;
        }

        /**
         * This node's data center: one of Cloudflare's location hints ({@code wnam}, {@code enam},
         * {@code sam}, {@code weur}, {@code eeur}, {@code apac}, {@code oc}, {@code afr}, {@code me},
         * ...), set as Pekko's {@code pekko.cluster.multi-data-center.self-data-center}. Objects created
         * with that hint run in this data center, and {@code ctx.location()} of every object running
         * here reports it. Null (the default): none, as a cluster without data centers; every node of
         * a cluster has one, or none does. Needs a state directory shared by all nodes ({@code
         * persistTo}), where the place of each object is recorded (docs/cluster.md).
         */
        public Options dataCenter(String location) {
            if (location != null && !EmulatorOptions.LOCATION_HINTS.contains(location)) {
                throw new IllegalArgumentException("Unknown data center \"" + location
                        + "\": a data center is one of Cloudflare's location hints " + EmulatorOptions.LOCATION_HINTS);
            }
            this.dataCenter = location;
            return this;
        }

        /**
         * The jurisdictions ({@code eu}, {@code fedramp}, {@code fedramp-high}, {@code us}) whose objects
         * may run on this node (its Pekko roles {@code jurisdiction-<j>}); an object of a jurisdiction
         * runs only on nodes that have it. Default: every jurisdiction. Empty: none.
         */
        public Options jurisdictions(java.util.Collection<String> js) {
            for (String j : js) {
                if (!EmulatorOptions.JURISDICTIONS.contains(j)) {
                    throw new IllegalArgumentException("Unknown jurisdiction \"" + j + "\"; valid jurisdictions are "
                            + EmulatorOptions.JURISDICTIONS);
                }
            }
            this.jurisdictions = java.util.Set.copyOf(js);
            return this;
        }

        /** Told of every HTTP request and WebSocket this node's emulator serves (a dev server's log). */
        public Options traffic(Emulator.TrafficListener listener) {
            this.traffic = listener;
            return this;
        }

        /** Told of errors in user code that no caller sees (as {@link Emulator#start(EmulatorOptions,
         * Emulator.TrafficListener, Emulator.ErrorListener)}). */
        public Options onUncaught(Emulator.ErrorListener listener) {
            this.errors = listener;
            return this;
        }

        /**
         * Pekko settings (HOCON) over partyflare's defaults, e.g. {@code
         * pekko.cluster.split-brain-resolver.stable-after = 5s}.
         */
        public Options config(String hocon) {
            this.config = Objects.requireNonNull(hocon);
            return this;
        }
    }

    /**
     * Starts a node: its actor system, its emulator (routed through the cluster) and the sharded
     * entity type of every binding; then joins the seeds, if any.
     */
    public static ClusterNode start(Options o) {
        StringBuilder roles = new StringBuilder();
        for (String j : EmulatorOptions.JURISDICTIONS) {
            if (o.jurisdictions.contains(j)) {
                roles.append(roles.isEmpty() ? "" : ", ")
                        .append('"')
                        .append(Placement.role(j))
                        .append('"');
            }
        }
        Config config = ConfigFactory.parseString("pekko.remote.artery.canonical.hostname = \"" + o.host + "\"\n"
                        + "pekko.remote.artery.canonical.port = " + o.port + "\n"
                        + "pekko.cluster.roles = [" + roles + "]\n"
                        + (o.dataCenter == null
                                ? ""
                                : "pekko.cluster.multi-data-center.self-data-center = \"" + o.dataCenter + "\"\n"))
                // -Dpekko...=... on the command line wins, as with Pekko's own ConfigFactory.load()
                .withFallback(ConfigFactory.systemProperties())
                .withFallback(ConfigFactory.parseString(o.config))
                .withFallback(
                        ConfigFactory.parseResources(ClusterNode.class.getClassLoader(), "partyflare-cluster.conf"))
                .withFallback(ConfigFactory.defaultReference(ClusterNode.class.getClassLoader()))
                .resolve();
        // a data center given as a Pekko setting (-Dpekko.cluster.multi-data-center.self-data-center=weur,
        // Options.config) counts as one given by Options.dataCenter
        String configured = config.getString("pekko.cluster.multi-data-center.self-data-center");
        String dataCenter = configured.equals(Placement.DEFAULT_DATA_CENTER) ? null : configured;
        if (dataCenter != null && !EmulatorOptions.LOCATION_HINTS.contains(dataCenter)) {
            throw new IllegalArgumentException("Unknown data center \"" + dataCenter
                    + "\": a data center is one of Cloudflare's location hints " + EmulatorOptions.LOCATION_HINTS);
        }
        if (dataCenter != null) {
            // where objects run when nothing else is known (tools); each object's is recorded
            o.emulator.defaultLocation(dataCenter);
        }
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM_NAME, config);
        java.util.concurrent.atomic.AtomicBoolean crashing = new java.util.concurrent.atomic.AtomicBoolean();
        Emulator emulator;
        SocketRelay sockets = new SocketRelay(EmulatorOptions.MAX_WEBSOCKET_MESSAGE);
        ReferenceRelay references = new ReferenceRelay(system, sockets, o.callTimeout);
        ShardedRouter router;
        List<String> hostedTypes = new ArrayList<>();
        try {
            ClusterSharding sharding = ClusterSharding.get(system);
            system.systemActorOf(sockets.behavior(), SocketRelay.NAME, org.apache.pekko.actor.typed.Props.empty());
            // RpcTargets and functions passed by reference between nodes (docs/cluster.md)
            system.systemActorOf(
                    references.behavior(), ReferenceRelay.NAME, org.apache.pekko.actor.typed.Props.empty());
            Duration socketCheck = keepAliveCheckEvery(config);
            // the nodes of a cluster share one state directory: each object's database is locked while
            // it is open on a node (a fence behind sharding's one entity per id), not the directory
            Placement placement = new Placement(Cluster.get(system), dataCenter, o.callTimeout);
            router = new ShardedRouter(sharding, o.callTimeout, sockets, placement, references);
            EmulatorOptions emulatorOptions =
                    o.emulator.objectRouter(router).sharedStateDirectory(true).build();
            if (dataCenter != null && emulatorOptions.persistTo() == null) {
                throw new IllegalArgumentException("Cluster node " + o.name + " has data center " + dataCenter
                        + " but no state directory: with data centers, the place of each object is recorded in"
                        + " a state directory every node shares (EmulatorOptions.Builder.persistTo)");
            }
            emulator = Emulator.start(emulatorOptions, o.traffic, o.errors);
            placement.emulator(emulator);
            sockets.maxMessageBytes(emulator.options().maxWebSocketMessageBytes());
            ObjectEntity.Host host = new ObjectEntity.Host() {
                @Override
                public Emulator emulator() {
                    return emulator;
                }

                @Override
                public String nodeName() {
                    return o.name;
                }

                @Override
                public void entityStarted(String binding, String idHex) {
                    o.entityStarted.accept(binding, idHex);
                }

                @Override
                public boolean crashing() {
                    return crashing.get();
                }

                @Override
                public void entityStopped(String binding, String idHex) {
                    o.entityStopped.accept(binding, idHex);
                }

                @Override
                public SocketRelay sockets() {
                    return sockets;
                }

                @Override
                public ReferenceRelay references() {
                    return references;
                }

                @Override
                public void keepAlive(String binding, String jurisdiction, String idHex) {
                    sharding.entityRefFor(ShardedRouter.typeKey(binding, jurisdiction), idHex)
                            .tell(EntityCommand.KeepAlive.INSTANCE);
                }

                @Override
                public String location() {
                    return dataCenter;
                }

                @Override
                public Duration keepAliveCheckEvery() {
                    return socketCheck;
                }

                @Override
                public Duration callTimeout() {
                    return o.callTimeout;
                }
            };
            // one entity type per namespace, by the binding its stubs report: the main Worker's and
            // those of other Workers' own classes (a Worker bound to another's class uses that one)
            List<String> bindings = emulator.routedBindings();
            for (String binding : bindings) {
                if (bindings.indexOf(binding) != bindings.lastIndexOf(binding)) {
                    throw new IllegalStateException("Two Workers define a Durable Object binding named \"" + binding
                            + "\": a cluster routes by binding name; rename one");
                }
                sharding.init(Entity.of(
                                ShardedRouter.typeKey(binding, null),
                                ctx -> ObjectEntity.create(binding, null, ctx.getEntityId(), host))
                        .withStopMessage(EntityCommand.Stop.INSTANCE));
                hostedTypes.add(ShardedRouter.typeKey(binding, null).name());
                // a jurisdiction's objects: a type of their own, hosted only by nodes with its role
                for (String j : EmulatorOptions.JURISDICTIONS) {
                    sharding.init(Entity.of(
                                    ShardedRouter.typeKey(binding, j),
                                    ctx -> ObjectEntity.create(binding, j, ctx.getEntityId(), host))
                            .withStopMessage(EntityCommand.Stop.INSTANCE)
                            .withRole(Placement.role(j)));
                    if (o.jurisdictions.contains(j)) {
                        hostedTypes.add(ShardedRouter.typeKey(binding, j).name());
                    }
                }
            }
            // alarms are routed to their owners; this node learns those of removed nodes (docs/cluster.md)
            system.systemActorOf(
                    AlarmTakeover.create(emulator),
                    "partyflare-alarm-takeover",
                    org.apache.pekko.actor.typed.Props.empty());
        } catch (RuntimeException | Error e) {
            system.terminate();
            throw e;
        }
        ClusterNode node = new ClusterNode(
                o.name, system, emulator, sockets, references, crashing, dataCenter, router, hostedTypes);
        if (!o.seeds.isEmpty()) {
            Cluster.get(system)
                    .manager()
                    .tell(new JoinSeedNodes(o.seeds.stream()
                            .map(hp -> {
                                int colon = hp.lastIndexOf(':');
                                return new Address(
                                        "pekko",
                                        SYSTEM_NAME,
                                        hp.substring(0, colon),
                                        Integer.parseInt(hp.substring(colon + 1)));
                            })
                            .toList()));
        }
        return node;
    }

    /** A third of sharding's idle timeout: an entity holding sockets or timers tells its shard it is active that often. */
    private static Duration keepAliveCheckEvery(Config config) {
        String path = "pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout";
        try {
            Duration idle = config.getDuration(path);
            Duration third = idle.dividedBy(3);
            return third.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : third;
        } catch (RuntimeException e) {
            return Duration.ofSeconds(30); // "off" or another strategy: nothing to outrun, a cheap check
        }
    }

    /**
     * The name of the node that owns the object {@code id} of namespace {@code binding}, asked of the
     * cluster (for tests and tools): its entity answers, starting where sharding places it if it was
     * not running; the object itself is not constructed.
     *
     * @throws dev.partyflare.durable.DurableObjectException when the owner does not answer in time
     */
    public String ownerOf(String binding, dev.partyflare.durable.DurableObjectId id) {
        return router.owner(binding, id);
    }

    /** This node's name. */
    public String name() {
        return name;
    }

    /** This node's data center (a location hint), if it was given one. */
    public java.util.Optional<String> dataCenter() {
        return java.util.Optional.ofNullable(dataCenter);
    }

    /** This node's emulator: its {@code env}, {@code fetch} and namespaces reach objects anywhere in the cluster. */
    public Emulator emulator() {
        return emulator;
    }

    /**
     * The halves of WebSockets that cross nodes open on this node: one for each client connected
     * here to an object (its edge half) and one for each socket an object here holds (its owner half;
     * a client connected to its object's own node counts twice). For tests and metrics.
     */
    public int bridgedSockets() {
        return sockets.size();
    }

    /**
     * RpcTargets and functions of this node that other nodes hold stubs of (each passing to another
     * node counts once, until that node disposed its stubs, left or crashed). For tests and metrics.
     */
    public int referencesLent() {
        return references.lent();
    }

    /** Stand-ins on this node for RpcTargets and functions of other nodes that stubs here still reference. */
    public int referencesHeld() {
        return references.held();
    }

    /** This node's cluster address as {@code host:port}. */
    public String address() {
        Address a = Cluster.get(system).selfMember().address();
        return a.getHost().get() + ":" + a.getPort().get();
    }

    /** Joins the cluster that {@code other} belongs to (or starts one, when {@code other} is this node). */
    public void join(ClusterNode other) {
        Cluster.get(system)
                .manager()
                .tell(Join.create(Cluster.get(other.system).selfMember().address()));
    }

    /** True when this node is an Up member. */
    public boolean isUp() {
        return Cluster.get(system).selfMember().status() == MemberStatus.up();
    }

    /**
     * True once the shard coordinator has registered every shard region of this node, so sharding
     * places new ids here too. An Up node is not there yet: its regions register with the coordinator
     * when they find it (within {@code pekko.cluster.sharding.retry-interval}, 2 s). Ids placed
     * before that all go to the nodes already registered, and sharding's rebalance moves some of them
     * here about {@code rebalance-interval} (10 s) later, stopping their entities: their sockets drop
     * (1006) and their pending timers are lost. Asks the coordinator (a round trip per entity type).
     */
    public boolean hosting() {
        if (!isUp()) {
            return false;
        }
        var classic = org.apache.pekko.cluster.sharding.ClusterSharding.get(
                org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system));
        Address self = Cluster.get(system).selfMember().address();
        for (String type : hostedTypes) {
            try {
                Object answer = org.apache.pekko.pattern.Patterns.ask(
                                classic.shardRegion(type),
                                org.apache.pekko.cluster.sharding.ShardRegion.getCurrentRegionsInstance(),
                                Duration.ofSeconds(2))
                        .toCompletableFuture()
                        .get(3, java.util.concurrent.TimeUnit.SECONDS);
                if (!(answer instanceof org.apache.pekko.cluster.sharding.ShardRegion.CurrentRegions r)
                        || !r.getRegions().contains(self)) {
                    return false;
                }
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                return false; // no coordinator yet, or it did not answer in time: not hosting yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until this node is {@linkplain #hosting() hosting}: an Up member whose shard regions the
     * coordinator has registered.
     *
     * @throws IllegalStateException when it is not within {@code timeout}
     */
    public void awaitHosting(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!hosting()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Cluster node " + name + " was not "
                        + (isUp() ? "registered with the shard coordinator" : "an Up member") + " within "
                        + timeout.toMillis() + " ms");
            }
            // waiting on the cluster's gossip and the coordinator (other threads, other nodes)
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
    }

    /** The number of Up members this node sees. */
    public int upMembers() {
        int n = 0;
        for (var m : Cluster.get(system).state().getMembers()) {
            if (m.status() == MemberStatus.up()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Leaves the cluster gracefully and stops: sharding hands this node's ids off to the others
     * (each entity stops when its calls in flight have ended), then the actor system and the emulator
     * stop.
     */
    @Override
    public void close() {
        if (crashed || closed) {
            return; // once (a test may close one node, then its cluster)
        }
        closed = true;
        try {
            // Pekko's graceful stop: the shard regions hand off, the node leaves, the system terminates
            CoordinatedShutdown.get(system)
                    .runAll(CoordinatedShutdown.clusterLeavingReason())
                    .toCompletableFuture()
                    .get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            system.terminate();
        } finally {
            references.close();
            emulator.close();
        }
    }

    /**
     * Stops at once, without leaving or handing anything off: as a crashed node, for tests (the
     * others must down it). The actor system is terminated without Pekko's coordinated shutdown
     * (its entities stop without evicting their objects), then the emulator stops as a killed
     * process would: nothing beyond what was committed survives, its databases and their locks are
     * dropped.
     */
    public void crash() {
        crashed = true;
        crashing.set(true);
        try {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // crashing anyway
        } finally {
            references.close(); // what a dead process held is gone with it
            emulator.crash();
        }
    }
}
