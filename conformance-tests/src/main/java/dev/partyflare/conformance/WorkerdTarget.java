package dev.partyflare.conformance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Real workerd, from npm, serving the JavaScript fixtures ({@code js/serve.mjs}) on a free
 * 127.0.0.1 port. Installs the pinned npm packages when {@code node_modules} is missing; started in
 * its own process group and stopped with everything it started.
 */
public final class WorkerdTarget implements Target {
    /** The JS fixture files bundled in this jar (for use outside a source checkout). */
    static final List<String> JS_FILES =
            List.of("package.json", "package-lock.json", "serve.mjs", "src/worker.js", "src/bench.js");

    private final Process process;
    private final OutputStream stdin;
    private final int port;
    private final String version;
    private final StringBuilder log = new StringBuilder();

    private WorkerdTarget(Path jsDir, String fixture) throws IOException, InterruptedException {
        this.port = freePort();
        this.version = readVersion(jsDir);
        ProcessBuilder pb = new ProcessBuilder(
                        List.of("node", "serve.mjs", Integer.toString(port), "--fixture=" + fixture))
                .directory(jsDir.toFile())
                .redirectErrorStream(true);
        this.process = pb.start();
        this.stdin = process.getOutputStream(); // kept open: serve.mjs stops workerd when it closes
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("workerd-output").start(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    synchronized (log) {
                        if (log.length() < 200_000) {
                            log.append(line).append('\n');
                        }
                    }
                    if (line.startsWith("READY ")) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                // process ended
            }
            ready.completeExceptionally(new IOException("workerd stopped before it was ready:\n" + log()));
        });
        try {
            ready.get(90, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            close();
            throw new IOException("workerd was not ready within 90 s:\n" + log(), e);
        } catch (java.util.concurrent.ExecutionException e) {
            close();
            throw new IOException(e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Starts workerd with the fixtures in {@code jsDir}, installing the npm packages first when
     * needed.
     *
     * @throws IOException when node/npm are missing or the install or start fails (the message says
     *     which)
     */
    public static WorkerdTarget start(Path jsDir) throws IOException, InterruptedException {
        return start(jsDir, "conformance");
    }

    /**
     * Starts workerd with one of the JS fixtures in {@code jsDir}: {@code conformance} ({@code
     * src/worker.js}) or {@code bench} ({@code src/bench.js}, the benchmark's wire contract).
     */
    public static WorkerdTarget start(Path jsDir, String fixture) throws IOException, InterruptedException {
        ensureInstalled(jsDir);
        return new WorkerdTarget(jsDir, fixture);
    }

    /** The process serving (node, with workerd as its child). */
    public ProcessHandle process() {
        return process.toHandle();
    }

    /** The workerd and partyserver versions serving. */
    public String version() {
        return version;
    }

    /** True when {@code node} and {@code npm} run. */
    public static boolean nodeAvailable() {
        return runs("node", "--version") && runs("npm", "--version");
    }

    private static boolean runs(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().transferTo(OutputStream.nullOutputStream());
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs {@code npm ci} (or {@code npm install}) when the pinned packages are not installed. */
    static void ensureInstalled(Path jsDir) throws IOException, InterruptedException {
        if (Files.isExecutable(jsDir.resolve("node_modules/.bin/workerd"))
                && Files.exists(jsDir.resolve("node_modules/partyserver/package.json"))
                && Files.exists(jsDir.resolve("node_modules/esbuild/package.json"))) {
            return;
        }
        if (!nodeAvailable()) {
            throw new IOException("node and npm are needed to run workerd (install Node.js 18+)");
        }
        List<String> cmd = new ArrayList<>(List.of("npm"));
        cmd.add(Files.exists(jsDir.resolve("package-lock.json")) ? "ci" : "install");
        cmd.addAll(List.of("--no-audit", "--no-fund", "--foreground-scripts"));
        Process p = new ProcessBuilder(cmd)
                .directory(jsDir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " failed in " + jsDir + ":\n" + out);
        }
    }

    /**
     * The JS fixtures directory: {@code conformance-tests/js} of a source checkout (searched from
     * the working directory upwards), else the copy bundled in this jar, extracted to a cache
     * directory.
     */
    public static Path locateJs() throws IOException {
        String explicit = System.getProperty("partyflare.conformance.js");
        if (explicit != null) {
            return Path.of(explicit).toAbsolutePath();
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            for (Path c : List.of(d.resolve("js"), d.resolve("conformance-tests/js"))) {
                if (Files.exists(c.resolve("serve.mjs")) && Files.exists(c.resolve("src/worker.js"))) {
                    return c;
                }
            }
        }
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "partyflare", "conformance-js");
        for (String f : JS_FILES) {
            try (InputStream in = WorkerdTarget.class.getResourceAsStream("js/" + f)) {
                if (in == null) {
                    throw new IOException("The JS fixtures are not bundled in this build (missing " + f + ")");
                }
                Path to = cache.resolve(f);
                Files.createDirectories(to.getParent());
                Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return cache;
    }

    private static String readVersion(Path jsDir) {
        try {
            String pkg = Files.readString(jsDir.resolve("node_modules/workerd/package.json"));
            String ps = Files.readString(jsDir.resolve("node_modules/partyserver/package.json"));
            return "workerd " + Probe.json(pkg).get("version").asString() + ", partyserver "
                    + Probe.json(ps).get("version").asString();
        } catch (IOException | RuntimeException e) {
            return "workerd (version unknown)";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** What workerd printed (the first 200,000 characters). */
    public String log() {
        synchronized (log) {
            return log.toString();
        }
    }

    @Override
    public String name() {
        return "workerd";
    }

    @Override
    public String fixtures() {
        return "js";
    }

    @Override
    public String description() {
        return version + " (bare `workerd serve`, compatibility date 2026-04-01), JS fixtures, " + baseUrl();
    }

    @Override
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            // serve.mjs stops workerd and removes its state directory when its input closes
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
