package dev.partyflare.cli.bench;

import dev.partyflare.emulator.Emulator;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's servers in their own JVM: the emulator (with the bench app) and the bare Undertow
 * baseline. Run as a child of {@code partyflare bench}, so that the load generator's allocations,
 * GC pauses and JIT work are not the servers', as workerd runs in its own process. It prints {@code
 * ports <emulator> <undertow>} and serves until its standard input closes (the bench ended or died).
 */
public final class BenchServer {
    private BenchServer() {}

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING); // no startup banners
        if (!Emulator.eventLoopsAvailable()) {
            System.err.println("partyflare bench: event loops unavailable in the server process (no --add-opens"
                    + " java.base/java.lang); the emulator figures will be lower than partyflare dev's");
        }
        Path state = Files.createTempDirectory("partyflare-bench");
        try (Emulator emu = Emulator.start(BenchApp.options().persistTo(state).build());
                UndertowBaseline bare = new UndertowBaseline()) {
            System.out.println("ports " + emu.port() + " " + bare.port);
            System.out.flush();
            InputStream in = System.in;
            while (in.read() >= 0) {
                // serve until the parent closes the pipe
            }
        } finally {
            Bench.deleteTree(state);
        }
        System.exit(0);
    }

    /** A started server process. */
    record Child(Process process, int emulatorPort, int undertowPort) implements AutoCloseable {
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
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Starts the servers in a new JVM with this JVM's java, class path and options (heap, {@code
     * --add-opens} for event loops); fails with the child's output if it does not come up.
     */
    static Child start() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-javaagent")) {
                cmd.add(arg);
            }
        }
        // what the jar's manifest gives `java -jar` (event loops); a class path launch must ask for it
        cmd.add("--add-opens");
        cmd.add("java.base/java.lang=ALL-UNNAMED");
        cmd.add("--enable-native-access=ALL-UNNAMED"); // SQLite's native library
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BenchServer.class.getName());
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        java.io.BufferedReader out = new java.io.BufferedReader(
                new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null) {
            if (line.startsWith("ports ")) {
                String[] parts = line.split(" ");
                Thread.ofPlatform().daemon().start(() -> drain(out)); // its later output must not block it
                return new Child(p, Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
            }
            seen.append(line).append('\n');
        }
        p.waitFor(10, TimeUnit.SECONDS);
        throw new IOException("the benchmark server process did not start (exit " + (p.isAlive() ? "?" : p.exitValue())
                + "): " + seen);
    }

    private static void drain(java.io.BufferedReader r) {
        try {
            while (r.readLine() != null) {
                // discard
            }
        } catch (IOException e) {
            // closed
        }
    }
}
