package dev.partyflare.cli.bench;

import dev.partyflare.cluster.ClusterNode;
import dev.partyflare.emulator.Emulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's servers in their own JVM: the emulator (with the bench app), the bare Undertow
 * baseline, or both. Run as a child of {@code partyflare bench}, so that the load generator's
 * allocations, GC pauses and JIT work are not the servers', as workerd runs in its own process. It
 * prints {@code state <dir>} (its state directory, which the parent deletes if it has to kill it), then
 * {@code ports <emulator> <undertow>} (0 for a server it does not run), answers the line
 * {@code heap} on its standard input with {@code heap <bytes>} (used heap after GC), and serves until
 * its standard input closes (the bench ended or died).
 */
public final class BenchServer {
    /** Which servers a child runs. */
    public enum Servers {
        both,
        emulator,
        undertow,
        /** One node of a cluster: {@code cluster NAME PORT SEED|- STATE_DIR} (see {@link ClusterTarget}). */
        cluster
    }

    /** Options of the bench JVM that must not reach its servers: an AOT training run writes one cache. */
    private static final List<String> NOT_INHERITED =
            List.of("-agentlib:jdwp", "-javaagent", "-XX:AOTCacheOutput", "-XX:AOTMode", "-XX:AOTConfiguration");

    /**
     * A system property of the bench JVM: more JVM options for its server processes only (space
     * separated), e.g. {@code -Dpartyflare.bench.serverOptions=-XX:TieredStopAtLevel=1}.
     */
    static final String SERVER_OPTIONS = "partyflare.bench.serverOptions";

    /**
     * The environment variable in which the {@code partyflare} launcher names the JVM options it
     * gives {@code partyflare dev} (its collector and heap choices, .mvn/find-jdk.sh): the bench's
     * server processes get them too, so that they run as the dev server does.
     */
    static final String LAUNCHER_SERVER_OPTIONS = "PARTYFLARE_SERVER_JVM_OPTIONS";

    private BenchServer() {}

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING); // no startup banners
        Servers which = args.length > 0 ? Servers.valueOf(args[0]) : Servers.both;
        if (which == Servers.cluster) {
            clusterNode(args[1], Integer.parseInt(args[2]), args[3], Path.of(args[4]));
            System.exit(0);
        }
        if (which != Servers.undertow && !Emulator.eventLoopsAvailable()) {
            System.err.println("partyflare bench: event loops unavailable in the server process (no --add-opens"
                    + " java.base/java.lang); the emulator figures will be lower than partyflare dev's");
        }
        Path state = Files.createTempDirectory("partyflare-bench");
        System.out.println("state " + state); // the parent deletes it if this process has to be killed
        Emulator emu = null;
        UndertowBaseline bare = null;
        try {
            if (which != Servers.undertow) {
                emu = Emulator.start(BenchApp.options().persistTo(state).build());
            }
            if (which != Servers.emulator) {
                bare = new UndertowBaseline();
            }
            System.out.println("ports " + (emu == null ? 0 : emu.port()) + " " + (bare == null ? 0 : bare.port));
            System.out.flush();
            answerUntilClosed(() -> -1);
        } finally {
            if (bare != null) {
                bare.close();
            }
            if (emu != null) {
                emu.close();
            }
            Bench.deleteTree(state);
        }
        System.exit(0);
    }

    /**
     * A cluster node serving the bench app, its objects on the shared {@code state} directory; it
     * prints its HTTP port as {@code ports <port> 0} once its node is up, and also answers {@code
     * members} with the number of Up members it sees.
     */
    private static void clusterNode(String name, int port, String seed, Path state) throws Exception {
        ClusterNode node = ClusterNode.start(
                new ClusterNode.Options(name, BenchApp.options().persistTo(state))
                        .host("127.0.0.1")
                        .port(port)
                        .seeds(seed.equals("-") ? List.of() : List.of(seed))
                        // a node's warnings as the others leave at the end are no part of the measurement
                        .config("pekko.loglevel = \"ERROR\""));
        if (seed.equals("-")) {
            node.join(node); // the seed forms the cluster
        }
        try {
            System.out.println("ports " + node.emulator().port() + " 0");
            System.out.flush();
            // a node counts once it hosts shards: rooms made before would be moved onto it mid-run
            answerUntilClosed(() -> node.hosting() ? node.upMembers() : 0);
        } finally {
            node.close();
        }
    }

    /** The runnable partyflare jar this JVM runs from ({@code java -jar}), or null. */
    private static Path runnableJar() {
        String cp = System.getProperty("java.class.path", "");
        if (cp.isEmpty() || cp.contains(java.io.File.pathSeparator) || !cp.endsWith(".jar")) {
            return null;
        }
        String command = System.getProperty("sun.java.command", "");
        return command.startsWith(cp) ? Path.of(cp) : null; // -jar: the command is the jar and its arguments
    }

    /**
     * Answers the parent's questions on standard input ({@code heap}, {@code alloc}, {@code members})
     * until it closes the pipe (the bench ended or died).
     */
    private static void answerUntilClosed(java.util.function.IntSupplier members)
            throws IOException, InterruptedException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line) {
                case "heap" -> System.out.println("heap " + usedHeapAfterGc());
                case "alloc" -> System.out.println("alloc " + allocatedBytes());
                case "members" -> System.out.println("members " + members.getAsInt());
                default -> {
                    continue;
                }
            }
            System.out.flush();
        }
    }

    /** Bytes allocated in this JVM so far, by every thread (virtual threads count on their carriers). */
    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }

    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100); // reference processing and finalization settle between collections
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** A started server process. */
    static final class Child implements AutoCloseable {
        private final Process process;
        private final int emulatorPort;
        private final int undertowPort;
        private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        /** The state directory the process made for itself, or null (a cluster node's is shared). */
        private final Path state;

        private Child(Process process, int emulatorPort, int undertowPort, BufferedReader out, Path state) {
            this.process = process;
            this.emulatorPort = emulatorPort;
            this.undertowPort = undertowPort;
            this.state = state;
            Thread.ofPlatform().daemon().name("bench-server-output").start(() -> {
                try { // its later output must not block it
                    String line;
                    while ((line = out.readLine()) != null) {
                        if (line.startsWith("heap ") || line.startsWith("members ") || line.startsWith("alloc ")) {
                            answers.add(line);
                        }
                    }
                } catch (IOException e) {
                    // closed
                }
            });
        }

        Process process() {
            return process;
        }

        int emulatorPort() {
            return emulatorPort;
        }

        /** The state directory the process announced, or null. */
        Path state() {
            return state;
        }

        int undertowPort() {
            return undertowPort;
        }

        /** The server JVM's used heap after GC, in bytes. */
        long heapAfterGc() throws IOException, InterruptedException {
            return ask("heap");
        }

        /** Bytes the server JVM allocated so far. */
        long allocatedBytes() throws IOException, InterruptedException {
            return ask("alloc");
        }

        /** A cluster node's count of Up members. */
        long members() throws IOException, InterruptedException {
            return ask("members");
        }

        /** Asks the server process {@code question}; its answer is {@code question <number>}. */
        private synchronized long ask(String question) throws IOException, InterruptedException {
            OutputStream in = process.getOutputStream();
            in.write((question + "\n").getBytes(StandardCharsets.US_ASCII));
            in.flush();
            String answer = answers.poll(30, TimeUnit.SECONDS);
            if (answer == null || !answer.startsWith(question + " ")) {
                throw new IOException("the benchmark server did not answer '" + question + "' within 30 s");
            }
            return Long.parseLong(answer.substring(question.length() + 1));
        }

        @Override
        public void close() {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                // already gone
            }
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            } finally {
                if (state != null && !process.isAlive()) {
                    Bench.deleteTree(state); // gone already unless the process was killed before it could
                }
            }
        }
    }

    /** Starts both servers in one new JVM. */
    static Child start() throws IOException, InterruptedException {
        return start(Servers.both);
    }

    /**
     * The JVM options of a server process: the bench JVM's {@code inherited} ones but those of an AOT
     * training run, a debugger or an agent; then {@code launcherOptions} (the value of {@link
     * #LAUNCHER_SERVER_OPTIONS}: what {@code partyflare dev} runs with); then {@code serverOptions}
     * (the value of {@link #SERVER_OPTIONS}), which come last and so win; a collector chosen by either
     * of the others replaces the launcher's. Both space separated.
     */
    static List<String> serverJvmOptions(List<String> inherited, String launcherOptions, String serverOptions) {
        List<String> options = new ArrayList<>();
        for (String arg : inherited) {
            if (NOT_INHERITED.stream().noneMatch(arg::startsWith) && !arg.startsWith("-D" + SERVER_OPTIONS + "=")) {
                options.add(arg);
            }
        }
        boolean collectorChosen = options.stream().anyMatch(BenchServer::choosesCollector)
                || split(serverOptions).stream().anyMatch(BenchServer::choosesCollector);
        for (String arg : split(launcherOptions)) {
            if (!(collectorChosen && choosesCollector(arg))) { // the JVM refuses two collectors
                options.add(arg);
            }
        }
        options.addAll(split(serverOptions));
        return options;
    }

    private static boolean choosesCollector(String arg) {
        return arg.startsWith("-XX:+Use") && arg.endsWith("GC");
    }

    private static List<String> split(String spaceSeparated) {
        List<String> args = new ArrayList<>();
        for (String arg : spaceSeparated.trim().split("\\s+")) {
            if (!arg.isEmpty()) {
                args.add(arg);
            }
        }
        return args;
    }

    /** The options {@link #start} gives a server process, from this JVM, its environment and properties. */
    static List<String> serverJvmOptions() {
        return serverJvmOptions(
                ManagementFactory.getRuntimeMXBean().getInputArguments(),
                launcherOptions(),
                System.getProperty(SERVER_OPTIONS, ""));
    }

    /** What a server process gets beyond this JVM's own options: the launcher's and the bench's. */
    static List<String> extraServerJvmOptions() {
        return serverJvmOptions(List.of(), launcherOptions(), System.getProperty(SERVER_OPTIONS, ""));
    }

    private static String launcherOptions() {
        String launcher = System.getenv(LAUNCHER_SERVER_OPTIONS);
        return launcher == null ? "" : launcher;
    }

    /**
     * Starts {@code which} servers in a new JVM with this JVM's java, class path and options (heap,
     * {@code --add-opens} for event loops, an AOT cache), but not those of an AOT training run or a
     * debugger; fails with the child's output if it does not come up.
     */
    static Child start(Servers which) throws IOException, InterruptedException {
        return start(which, List.of());
    }

    /** As {@link #start(Servers)}, with the arguments a {@link Servers#cluster} node needs. */
    static Child start(Servers which, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(serverJvmOptions());
        Path jar = runnableJar();
        if (jar != null) {
            // as partyflare dev runs: the jar's manifest opens java.lang (event loops) and allows native
            // access (SQLite), and an AOT cache trained on `java -jar` fits only the same module options
            cmd.add("-jar");
            cmd.add(jar.toString());
            cmd.add("bench-server");
        } else {
            // a class path launch (tests, an IDE) must ask for what the manifest gives
            cmd.add("--add-opens");
            cmd.add("java.base/java.lang=ALL-UNNAMED");
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(BenchServer.class.getName());
        }
        cmd.add(which.name());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder seen = new StringBuilder();
        Path state = null;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("state ")) {
                state = Path.of(line.substring("state ".length()));
            } else if (line.startsWith("ports ")) {
                String[] parts = line.split(" ");
                return new Child(p, Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), out, state);
            }
            seen.append(line).append('\n');
        }
        p.waitFor(10, TimeUnit.SECONDS);
        if (state != null && !p.isAlive()) {
            Bench.deleteTree(state);
        }
        throw new IOException("the benchmark server process did not start (exit " + (p.isAlive() ? "?" : p.exitValue())
                + "): " + seen);
    }
}
