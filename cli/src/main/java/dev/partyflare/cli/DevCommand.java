package dev.partyflare.cli;

import dev.partyflare.cli.demo.DemoApp;
import dev.partyflare.durable.Worker;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import dev.partyflare.emulator.WranglerProject;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code partyflare dev}: serve a project's Worker and objects locally, like {@code wrangler dev}. */
@Command(
        name = "dev",
        mixinStandardHelpOptions = true,
        description = {
            "Serve the Worker and Durable Objects of the project in DIR on http://127.0.0.1:8787, with hot reload and a"
                    + " dashboard at /__partyflare.",
            "DIR holds a wrangler.toml, wrangler.json or wrangler.jsonc naming Java classes; with none there, an embedded"
                    + " demo is served."
        })
final class DevCommand implements Callable<Integer> {
    enum ClockMode {
        real,
        manual
    }

    enum LogLevel {
        debug,
        info,
        log,
        warn,
        error,
        none
    }

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "DIR",
            description = "Project directory (default: the current one).")
    Path dir = Path.of(".");

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "A wrangler config to serve; repeatable, as wrangler dev -c a -c b: the first is the"
                    + " Worker that serves HTTP, the others are reached through its service bindings and"
                    + " script_name bindings. Each project's classes are beside its config (default: DIR's config).")
    List<Path> configs = new ArrayList<>();

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port = EmulatorOptions.DEFAULT_DEV_PORT;

    @Option(names = "--ip", paramLabel = "IP", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String ip = "127.0.0.1";

    @Option(names = "--var", paramLabel = "KEY:VALUE", description = "A var for env, overriding [vars]; repeatable.")
    List<String> vars = new ArrayList<>();

    @Option(
            names = "--classpath",
            paramLabel = "PATH",
            split = "${sys:path.separator}",
            description = "Where the project's classes are (default: DIR/target/classes and its Maven dependencies).")
    List<Path> classpath = new ArrayList<>();

    @Option(
            names = "--persist-to",
            paramLabel = "DIR",
            description = "Where storage is kept between runs (default: DIR/.partyflare/state).")
    Path persistTo;

    @Option(names = "--in-memory", description = "Keep storage in memory only: it is lost when the server stops.")
    boolean inMemory;

    @Option(
            names = "--log-level",
            paramLabel = "LEVEL",
            description = "debug, info, log, warn, error or none (default: ${DEFAULT-VALUE}).")
    LogLevel logLevel = LogLevel.log;

    @Option(names = "--local-protocol", paramLabel = "PROTOCOL", description = "http (https is not supported yet).")
    String localProtocol = "http";

    @Option(names = "--no-reload", description = "Do not watch the project for changes.")
    boolean noReload;

    @Option(names = "--strict-limits", description = "Enforce production limits, not local workerd's.")
    Boolean strictLimits;

    @Option(
            names = "--point-in-time-recovery",
            description = "Keep 30 days of history per SQLite-backed object for getBookmarkForTime() and"
                    + " onNextSessionRestoreBookmark() (local workerd refuses them; each commit then copies the"
                    + " object's database).")
    Boolean pointInTimeRecovery;

    @Option(
            names = "--honour-retry-alarm",
            arity = "1",
            paramLabel = "true|false",
            description = "Whether ctx.abort(reason, {retryAlarm: false}) in alarm() drops the alarm (default true,"
                    + " as Cloudflare; false retries it, as local workerd 1.20260426).")
    Boolean honourRetryAlarm;

    @Option(
            names = "--attachment-limit",
            paramLabel = "BYTES",
            description = "Largest WebSocket attachment (default: 2048; Cloudflare today: 16384).")
    Integer attachmentLimit;

    @Option(
            names = "--ws-send-queue-limit",
            paramLabel = "BYTES",
            description = "Bytes that may wait for a WebSocket client that is not reading before its connection is"
                    + " dropped (default: 67108864).")
    Long wsSendQueueLimit;

    @Option(
            names = "--event-timeout",
            paramLabel = "MS",
            description = "How long one event may run (not counting waits) before its object is reset, its callers"
                    + " get an error and spinning code in your classes is stopped (default: 60000; the config's"
                    + " limits.cpu_ms or [partyflare] event_timeout_ms; 0 disables).")
    Long eventTimeoutMs;

    @Option(
            names = "--dashboard-path",
            paramLabel = "PATH",
            description = "Where the dashboard is served (default: ${DEFAULT-VALUE}).")
    String dashboardPath = "/__partyflare";

    @Option(
            names = "--dashboard-token",
            paramLabel = "TOKEN",
            description =
                    "Lets non-loopback clients use the dashboard with ?token=TOKEN (it is loopback-only otherwise).")
    String dashboardToken;

    @Option(
            names = "--test-scheduled",
            description = "Serve /__scheduled?cron=..., which runs the Worker's scheduled handler, as wrangler dev"
                    + " --test-scheduled does (/cdn-cgi/handler/scheduled?cron=...&time=... is always served).")
    boolean testScheduled;

    @Option(
            names = "--clock",
            paramLabel = "CLOCK",
            description = "real (default), or manual: the runtime clock starts now and moves only when the admin API"
                    + " moves it (POST /__partyflare/api/v1/clock/advance), for tests that control time.")
    ClockMode clock = ClockMode.real;

    @Option(
            names = "--cluster",
            paramLabel = "N",
            description = "Run N cluster nodes on this machine, each a JVM of its own serving HTTP on its own port (the"
                    + " first on --port), on one shared state directory; objects are placed by Apache Pekko Cluster"
                    + " Sharding (docs/cluster.md). Ctrl-C stops them all.")
    Integer cluster;

    @Option(
            names = "--cluster-node",
            description = "Run this process as one node of a cluster (one per machine): it joins the --seed nodes, or"
                    + " starts a new cluster when none is given. Every node must serve the same project and share"
                    + " the state directory (--persist-to).")
    boolean clusterNode;

    @Option(
            names = "--seed",
            paramLabel = "HOST:PORT",
            description = "With --cluster-node: the cluster address of a node to join (a seed's --cluster-port);"
                    + " repeatable. None: this node starts the cluster.")
    List<String> seeds = new ArrayList<>();

    @Option(
            names = "--cluster-host",
            paramLabel = "HOST",
            description = "With --cluster-node: the address other nodes reach this one at (default: ${DEFAULT-VALUE}).")
    String clusterHost = "127.0.0.1";

    @Option(
            names = "--cluster-port",
            paramLabel = "PORT",
            description = "With --cluster-node: the port of this node's cluster traffic (default: ${DEFAULT-VALUE}; 0"
                    + " picks a free one).")
    int clusterPort = 2552;

    @Option(
            names = "--node-name",
            paramLabel = "NAME",
            description = "With --cluster-node: this node's name in logs (default: HOST:PORT of the cluster address).")
    String nodeName;

    @Option(
            names = "--locations",
            paramLabel = "HINT,...",
            split = ",",
            description = "With --cluster N: the nodes' data centers, Cloudflare location hints (wnam, enam, sam, weur,"
                    + " eeur, apac, oc, afr, me, ...), one per node in order, repeated when fewer than N. Objects"
                    + " created with a hint run in its data center when there is one (docs/cluster.md). None:"
                    + " no data centers.")
    List<String> locations = new ArrayList<>();

    @Option(
            names = "--location",
            paramLabel = "HINT",
            description = "With --cluster-node: this node's data center, a Cloudflare location hint (weur, enam, ...);"
                    + " every node of a cluster has one, or none does. None: no data center.")
    String location;

    @Option(
            names = "--jurisdictions",
            paramLabel = "J,...",
            split = ",",
            description =
                    "With a cluster: the jurisdictions (eu, fedramp, fedramp-high, us) whose objects this node (with"
                            + " --cluster N: every node) may run, or none; such objects run only on nodes that have their"
                            + " jurisdiction. Default: every jurisdiction.")
    List<String> jurisdictions;

    @Option(
            names = "--call-timeout",
            paramLabel = "MS",
            description = "With a cluster: how long a call waits for the node that owns the object before it fails"
                    + " as retryable (default: ${DEFAULT-VALUE}; a call to a node that died waits this long).")
    long callTimeoutMs = 30_000;

    @Option(names = "--exit-with", paramLabel = "PID", hidden = true, description = "Stop when process PID ends.")
    Long exitWith;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private Terminal term;
    private PrintWriter out;
    private PrintWriter err;
    private final EventLog events = new EventLog();
    private final RequestJournal journal = new RequestJournal();
    private final AtomicReference<Worker> userWorker = new AtomicReference<>();
    /** The options being served (the latest reload's). */
    private volatile EmulatorOptions current;

    private Dashboard dashboard;
    private volatile Emulator emulator;
    /** This process's cluster node, with --cluster-node. */
    private volatile dev.partyflare.cluster.ClusterNode node;

    /** The project that serves HTTP, then the other Workers' ({@code -c}), each with its own classes. */
    private final List<ProjectLoader> projects = new ArrayList<>();
    /** The version being served: 1 at the start, one more for each reload. */
    private int version = 1;

    @Override
    public Integer call() throws Exception {
        long startNanos = System.nanoTime();
        out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        term = new Terminal(out);
        if (!Files.isDirectory(dir)) {
            // a usage error: nothing is created there, and no demo is served in its stead
            err.println(term.red("partyflare dev: "
                    + (Files.exists(dir) ? dir + " is not a directory" : "no such directory: " + dir)));
            err.println(
                    "  hint: give the directory of a project (with a wrangler.toml), or none to use the current one");
            err.flush();
            return 2;
        }
        if (!localProtocol.equals("http")) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--local-protocol " + localProtocol + " is not supported: use http");
        }
        if (!dashboardPath.startsWith("/")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dashboard-path must start with /");
        }
        Path state = inMemory ? null : (persistTo != null ? persistTo : dir.resolve(".partyflare/state"));
        if (cluster != null || clusterNode) {
            if (state == null) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "a cluster's nodes share their storage: --in-memory cannot be used with it");
            }
            if (clock == ClockMode.manual) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--clock manual cannot be used with a cluster: each node has its own clock");
            }
        }
        if (!locations.isEmpty() && cluster == null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--locations gives the data centers of --cluster N's nodes: use --cluster N");
        }
        if (location != null && !clusterNode) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--location is a cluster node's data center: use it with --cluster-node (or --locations with"
                            + " --cluster N)");
        }
        if (jurisdictions != null && cluster == null && !clusterNode) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--jurisdictions restricts cluster nodes: use it with --cluster N or --cluster-node");
        }
        for (String l : location == null ? locations : List.of(location)) {
            if (!EmulatorOptions.LOCATION_HINTS.contains(l)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "unknown location \"" + l + "\": a data center is a location hint "
                                + EmulatorOptions.LOCATION_HINTS);
            }
        }
        for (String j : jurisdictions == null ? List.<String>of() : jurisdictions) {
            if (!j.equals("none") && !EmulatorOptions.JURISDICTIONS.contains(j)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "unknown jurisdiction \"" + j + "\": use " + EmulatorOptions.JURISDICTIONS + ", or none");
            }
        }
        if (cluster != null) {
            if (!locations.isEmpty() && locations.size() > cluster) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--locations names " + locations.size() + " data centers for " + cluster + " node(s)");
            }
            if (cluster < 1 || clusterNode) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        cluster < 1
                                ? "--cluster needs at least 1 node"
                                : "--cluster and --cluster-node exclude each other");
            }
            java.nio.file.Files.createDirectories(state);
            Path config = WranglerProject.find(dir).orElse(null);
            if (config != null && classpath.isEmpty()) {
                // the project's Maven classpath, resolved and cached once here, not by N nodes at once
                new ProjectLoader(dir, config, classpath, err).classpath();
            }
            return new LocalCluster(cluster, port, state, nodeArguments(), locations, out, err, term).run();
        }
        StateLock lock = null;
        if (state != null && !clusterNode) {
            try {
                lock = StateLock.acquire(state);
            } catch (StateLock.InUseException e) {
                err.println(term.red("partyflare dev: " + e.getMessage()));
                err.flush();
                return 1;
            }
        }
        try {
            return serve(state, lock, startNanos);
        } catch (Exception | Error e) {
            if (lock != null) {
                lock.close();
            }
            throw e;
        }
    }

    /** Loads the project, starts the server and waits until it is stopped. */
    private int serve(Path state, StateLock stateLock, long startNanos) throws Exception {
        List<Path> files = new ArrayList<>(configs);
        if (files.isEmpty()) {
            WranglerProject.find(dir).ifPresent(files::add);
        }
        EmulatorOptions.Builder builder;
        String source;
        if (files.isEmpty()) {
            builder = DemoApp.options();
            source = "embedded demo (no wrangler config in "
                    + dir.toAbsolutePath().normalize() + ")";
        } else {
            for (Path f : files) {
                if (!Files.isRegularFile(f)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--config: no such file: " + f);
                }
                Path projectDir = configs.isEmpty() ? dir : f.toAbsolutePath().getParent();
                projects.add(new ProjectLoader(projectDir, f, classpath, err));
            }
            builder = loadProjects();
            source = files.size() == 1
                    ? files.get(0).toString()
                    : String.join(", ", files.stream().map(Path::toString).toList());
        }
        userWorker.set(builder.build().worker());
        AdminApi api = new AdminApi(() -> emulator, () -> current, journal, events);
        dashboard = new Dashboard(dashboardPath, dashboardToken, userWorker::get, api);
        if (clock == ClockMode.manual) {
            builder.manualClock(System.currentTimeMillis());
        }
        EmulatorOptions options = withSettings(builder)
                .host(ip)
                .port(port)
                .persistTo(state)
                .worker(dashboard)
                .build();
        current = options;
        warnIfExposed();

        if (clusterNode) {
            startNode(options);
        } else {
            emulator = Emulator.start(options, traffic(), this::uncaught);
        }
        List<ReloadWatcher> watchers = new ArrayList<>();
        if (!noReload && !clusterNode) {
            for (ProjectLoader p : projects) {
                watchers.add(
                        new ReloadWatcher(p.watched(), p.config(), p::configuredClasses, new ReloadWatcher.Listener() {
                            @Override
                            public boolean reload() {
                                return DevCommand.this.reload();
                            }

                            @Override
                            public void buildFailed(String missing) {
                                DevCommand.this.buildFailed(missing);
                            }
                        }));
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        if (exitWith == null) {
            StopSignals.install(err);
        } else {
            // a node of `dev --cluster N`: the terminal's Ctrl-C and the supervisor's SIGTERM both reach it, and the
            // JVM's own handling (shutdown hooks, a second signal ignored) stops it once; so does its supervisor's end
            ProcessHandle.of(exitWith)
                    .ifPresentOrElse(
                            h -> h.onExit().thenRun(() -> System.exit(0)),
                            () -> Thread.ofPlatform().start(() -> System.exit(0)));
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            long hookAt = System.nanoTime();
                            for (ReloadWatcher w : watchers) {
                                try {
                                    w.close();
                                } catch (java.io.IOException e) {
                                    // stopping anyway
                                }
                            }
                            // tests of the second Ctrl-C make the graceful stop slow on purpose
                            long delay = Long.getLong("partyflare.dev.stopDelayMs", 0);
                            if (delay > 0) {
                                try {
                                    Thread.sleep(delay);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                            long closeAt = System.nanoTime();
                            if (node != null) {
                                node.close(); // leaves the cluster: its objects are handed off to the others
                            } else {
                                emulator.close();
                            }
                            long closedAt = System.nanoTime();
                            if (stateLock != null) {
                                try {
                                    stateLock.close();
                                } catch (java.io.IOException e) {
                                    // the process ends: the system releases it
                                }
                            }
                            out.println("Stopped.");
                            if (Boolean.getBoolean("partyflare.dev.stopTimings")) {
                                // where a slow stop spends its time (ShutdownIT prints it when a stop is slow)
                                long signal = StopSignals.firstAt;
                                out.printf(
                                        "stop timings: signal to hook %d ms, watchers %d ms, %s close %d ms, lock %d ms%n",
                                        signal == 0 ? -1 : (hookAt - signal) / 1_000_000,
                                        (closeAt - hookAt) / 1_000_000,
                                        node != null ? "node" : "emulator",
                                        (closedAt - closeAt) / 1_000_000,
                                        (System.nanoTime() - closedAt) / 1_000_000);
                            }
                            out.flush();
                            stopped.countDown();
                        },
                        "partyflare-shutdown"));

        printBanner(options, source, state, !watchers.isEmpty());
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        if (node != null) {
            out.println("Cluster node " + node.name() + " (pid "
                    + ProcessHandle.current().pid() + ") at "
                    + node.address() + ", " + node.upMembers()
                    + " node(s) Up; objects run on whichever node owns them");
        }
        out.println(term.green("Ready on " + emulator.url().orElseThrow()) + term.dim("  (" + ms + " ms)"));
        out.flush();
        events.add("ready", "Ready on " + emulator.url().orElseThrow());
        stopped.await();
        return 0;
    }

    /**
     * Starts this process's cluster node and waits (at most 2 minutes) until it is an Up member:
     * the seed forms the cluster, the others join it.
     */
    private void startNode(EmulatorOptions options) throws InterruptedException {
        String name = nodeName != null ? nodeName : clusterPort == 0 ? "node" : clusterHost + ":" + clusterPort;
        dev.partyflare.cluster.ClusterNode.Options o = new dev.partyflare.cluster.ClusterNode.Options(
                        name, options.toBuilder())
                .host(clusterHost)
                .port(clusterPort)
                .seeds(seeds)
                .callTimeout(Duration.ofMillis(callTimeoutMs))
                .dataCenter(location)
                .traffic(traffic())
                .onUncaught(this::uncaught);
        if (jurisdictions != null) {
            o.jurisdictions(
                    jurisdictions.stream().filter(j -> !j.equals("none")).toList());
        }
        dev.partyflare.cluster.ClusterNode n = dev.partyflare.cluster.ClusterNode.start(o);
        node = n;
        emulator = n.emulator();
        if (seeds.isEmpty()) {
            n.join(n); // no seed given: this node starts the cluster
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        long nextNote = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!n.isUp()) {
            if (System.nanoTime() > deadline) {
                n.close();
                throw new IllegalStateException("node " + name + " did not join the cluster through " + seeds
                        + " within 2 minutes: is a seed running, and reachable from here?");
            }
            if (System.nanoTime() > nextNote) {
                out.println(term.dim("Waiting to join the cluster through " + seeds + "..."));
                out.flush();
                nextNote = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            }
            // waiting on the cluster's membership gossip (other threads, other processes)
            Thread.sleep(20);
        }
        // Ready only once the node hosts shards: ids placed before would be moved onto it later,
        // dropping their sockets (ClusterNode.hosting)
        try {
            n.awaitHosting(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } catch (IllegalStateException e) {
            n.close();
            throw e;
        }
    }

    /**
     * The {@code dev} arguments of this command line for the nodes of {@code --cluster N}: all but
     * the cluster size, the port and the state directory, which each node gets its own of.
     */
    private List<String> nodeArguments() {
        List<String> all = spec.commandLine().getParseResult().originalArgs();
        int start = all.indexOf("dev") + 1;
        List<String> args = new ArrayList<>();
        for (int i = start; i < all.size(); i++) {
            String a = all.get(i);
            String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (flag.equals("--cluster")
                    || flag.equals("--port")
                    || flag.equals("--persist-to")
                    || flag.equals("--locations")) {
                if (!a.contains("=")) {
                    i++; // its value
                }
                continue;
            }
            args.add(a);
        }
        if (!args.contains("--no-reload")) {
            args.add("--no-reload");
        }
        return args;
    }

    /**
     * The command-line flags, over the options the project gives ({@code [partyflare]} settings are
     * already in those: the config's mapping applies them).
     */
    EmulatorOptions.Builder withSettings(EmulatorOptions.Builder b) {
        if (eventTimeoutMs != null) {
            b.eventTimeout(eventTimeoutMs <= 0 ? null : Duration.ofMillis(eventTimeoutMs));
        }
        if (attachmentLimit != null) {
            b.attachmentLimit(attachmentLimit);
        }
        if (wsSendQueueLimit != null) {
            b.maxWebSocketSendQueueBytes(wsSendQueueLimit);
        }
        if (pointInTimeRecovery != null) {
            b.pointInTimeRecovery(pointInTimeRecovery);
        }
        if (honourRetryAlarm != null) {
            b.honourRetryAlarm(honourRetryAlarm);
        }
        if (strictLimits != null) {
            b.strictLimits(strictLimits);
        }
        if (testScheduled) {
            b.testScheduled(true);
        }
        for (String v : vars) {
            int colon = v.indexOf(':');
            if (colon <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--var takes KEY:VALUE, got " + v);
            }
            b.var(v.substring(0, colon), v.substring(colon + 1));
        }
        return b;
    }

    private Emulator.TrafficListener traffic() {
        return new Emulator.TrafficListener() {
            @Override
            public void request(String method, String path, int status, Duration time) {
                if (Dashboard.owns(dashboardPath, path)) {
                    return; // the dashboard's own traffic is not the project's
                }
                journal.add(method, path, status, time.toNanos());
                if (logLevel.compareTo(LogLevel.log) <= 0) {
                    out.println(term.requestLine(method, path, status, time));
                    out.flush();
                }
            }

            @Override
            public void webSocketOpened(String path) {
                if (!Dashboard.owns(dashboardPath, path) && logLevel.compareTo(LogLevel.log) <= 0) {
                    out.println(term.dim("WebSocket open  " + path));
                    out.flush();
                }
            }

            @Override
            public void webSocketClosed(String path) {
                if (!Dashboard.owns(dashboardPath, path) && logLevel.compareTo(LogLevel.log) <= 0) {
                    out.println(term.dim("WebSocket close " + path));
                    out.flush();
                }
            }
        };
    }

    private void uncaught(String where, Throwable error) {
        events.add("error", where + ": " + error);
        if (logLevel.compareTo(LogLevel.error) <= 0) {
            err.println(term.red("✘ Uncaught exception in " + where + ":"));
            error.printStackTrace(err);
            err.flush();
        }
    }

    /**
     * New code: a fresh class loader, then a swap; a failure keeps the old version serving. The
     * watcher calls it once a build is over (the class output complete and quiet), so a failure here
     * is the project's, not a build caught half-way.
     */
    private synchronized boolean reload() {
        long start = System.nanoTime();
        try {
            EmulatorOptions.Builder b = loadProjects();
            EmulatorOptions fresh = withSettings(b).build();
            userWorker.set(fresh.worker());
            EmulatorOptions served = fresh.toBuilder().worker(dashboard).build();
            emulator.reload(served);
            current = served;
            version++;
            long ms = (System.nanoTime() - start) / 1_000_000;
            out.println(term.green("↻ Reloaded in " + ms + " ms")
                    + term.dim(" (version " + version
                            + "; hibernatable WebSockets kept, standard ones closed with 1012)"));
            events.add("reload", "Reloaded version " + version + " in " + ms + " ms");
            return true;
        } catch (Exception | LinkageError e) {
            err.println(term.red("✘ Reload failed; still serving version " + version + ":"));
            err.println("  " + e.getMessage());
            events.add("error", "Reload failed: " + e.getMessage());
            return false;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * Loads every project in a fresh class loader: the first is the Worker that serves HTTP, each
     * other one is added as a Worker beside it.
     */
    private EmulatorOptions.Builder loadProjects() throws java.net.MalformedURLException {
        EmulatorOptions.Builder main = projects.get(0).load(term);
        for (ProjectLoader p : projects.subList(1, projects.size())) {
            try {
                main.worker(p.load(term).toNamedWorker());
            } catch (IllegalStateException e) {
                throw new dev.partyflare.emulator.ConfigException(
                        p.config(), 0, e.getMessage(), "name = \"my-other-worker\"", e);
            }
        }
        return main;
    }

    /** A build deleted class files and did not write them back (a compile error): said once per build. */
    private synchronized void buildFailed(String missing) {
        err.println(term.red("✘ Compile failed, still serving version " + version)
                + term.dim(" (" + missing + " is still missing after the build went quiet; fix the build and it"
                        + " reloads by itself)"));
        events.add("error", "Compile failed (" + missing + " missing), still serving version " + version);
        err.flush();
    }

    private void printBanner(EmulatorOptions options, String source, Path state, boolean watching) {
        out.println(term.bold("partyflare " + Main.version()) + "  " + term.dim(source));
        if (!options.durableObjects().isEmpty()) {
            out.println("Your Worker has access to the following bindings:");
            out.println("- Durable Objects:");
            for (EmulatorOptions.DurableObjectBinding b : options.durableObjects()) {
                out.println("  - " + b.binding() + ": " + b.className()
                        + (b.sqlite() ? " (SQLite-backed)" : " (KV-backed)"));
            }
        }
        if (!options.services().isEmpty()) {
            if (options.durableObjects().isEmpty()) {
                out.println("Your Worker has access to the following bindings:");
            }
            out.println("- Services:");
            for (EmulatorOptions.ServiceBindingSpec b : options.services()) {
                out.println("  - " + b.binding() + ": " + b.service()
                        + (b.entrypoint() == null ? "" : "#" + b.entrypoint()));
            }
        }
        if (!options.workers().isEmpty()) {
            out.println("Other Workers (reached through service bindings and script_name):");
            for (int i = 0; i < options.workers().size(); i++) {
                EmulatorOptions.NamedWorker w = options.workers().get(i);
                String from = i + 1 < projects.size()
                        ? "  " + term.dim(projects.get(i + 1).config().toString())
                        : "";
                String crons = w.cronTriggers().isEmpty() ? "" : "  crons: " + String.join(", ", w.cronTriggers());
                out.println("  - " + w.name() + crons + from);
            }
        }
        if (!options.vars().isEmpty()) {
            out.println("- Vars:");
            options.vars().forEach((k, v) -> out.println("  - " + k + ": " + v));
        }
        out.println("Storage: "
                + (state == null
                        ? "in memory (lost on exit)"
                        : state.toAbsolutePath().normalize()));
        if (watching) {
            for (ProjectLoader p : projects) {
                out.println("Watching " + p.watched() + " and " + p.config().getFileName() + " for changes");
            }
        }
        if (!emulator.cronTriggers().isEmpty()) {
            out.println("Cron triggers (UTC, on the runtime clock):");
            for (dev.partyflare.emulator.CronTrigger t : emulator.cronTriggers()) {
                out.println("  - " + t.cron() + "  next: "
                        + t.nextRun().map(Object::toString).orElse("never"));
            }
            out.println(term.dim("  Run one now: curl \"" + emulator.url().orElseThrow()
                    + "/cdn-cgi/handler/scheduled?cron="
                    + emulator.cronTriggers().get(0).cron().replace(' ', '+')
                    + "\"" + (options.testScheduled() ? " or /__scheduled?cron=..." : "")));
        }
        if (clock == ClockMode.manual) {
            out.println("Clock: manual, at " + emulator.time().now() + " (it moves only through POST " + dashboardPath
                    + "/api/v1/clock/advance)");
        }
        out.println("Dashboard: " + emulator.url().orElseThrow() + dashboardPath
                + term.dim("  (admin API: " + dashboardPath + "/api/v1)"));
    }

    private void warnIfExposed() {
        try {
            if (!InetAddress.getByName(ip).isLoopbackAddress()) {
                err.println(term.red("WARNING: binding to " + ip
                        + " exposes this development server, and every object in it,"
                        + " to your network. The dashboard stays loopback-only unless --dashboard-token is set."));
            }
        } catch (UnknownHostException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ip: unknown address " + ip);
        }
    }
}
