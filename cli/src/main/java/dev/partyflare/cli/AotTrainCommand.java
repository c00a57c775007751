package dev.partyflare.cli;

import dev.partyflare.cli.bench.Bench;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code partyflare aot-train} (hidden): the training run of the JDK's AOT cache (JEP 483/514/515),
 * run by the build under {@code -XX:AOTCacheOutput}: it starts {@code partyflare dev} with the
 * embedded demo in this JVM and uses it as a person and a browser would (page, dashboard, admin API,
 * chat over a WebSocket), then runs the benchmark's workloads on a small scale, and exits. The JVM
 * then writes the classes it loaded and linked and the profiles of the methods it ran into the cache,
 * which later {@code partyflare} starts use ({@code -XX:AOTCache}, set by the launcher): they start
 * and warm up faster. docs/benchmarks.md gives what it pays.
 */
@Command(
        name = "aot-train",
        hidden = true,
        description = "The training run of the AOT cache (the build runs it under -XX:AOTCacheOutput).")
final class AotTrainCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(
            names = "--stamp",
            paramLabel = "FILE",
            description = "Write the java.home of this JVM there: the launcher uses the cache only with that JDK.")
    Path stamp;

    @CommandLine.Option(
            names = "--state",
            paramLabel = "DIR",
            description = "Where the training run keeps its project and state, emptied first (the build gives one"
                    + " under target/); a new temporary directory by default, left behind.")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path state;
        if (stateDir == null) {
            state = Files.createTempDirectory("partyflare-aot-train");
        } else {
            // the last build's run, whatever it left: this run starts from an empty directory as a user does
            dev.partyflare.cli.bench.Bench.deleteTree(stateDir);
            state = Files.createDirectories(stateDir);
        }
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path demo = Files.createDirectories(state.resolve("empty-project"));
        Thread dev = Thread.ofPlatform()
                .daemon()
                .name("aot-train-dev")
                .start(() -> new CommandLine(new Main())
                        .setOut(new PrintWriter(java.io.Writer.nullWriter()))
                        .execute(
                                "dev",
                                demo.toString(),
                                "--port",
                                Integer.toString(port),
                                "--persist-to",
                                state.resolve("state").toString()));
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        awaitServing(http, base + "/", dev);
        for (String path : List.of(
                "/",
                "/__partyflare",
                "/__partyflare/api/v1/bindings",
                "/__partyflare/api/v1/objects",
                "/favicon.ico",
                "/parties/chat-room/aot-train",
                "/no/such/page")) {
            for (int i = 0; i < 20; i++) {
                http.send(
                        HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
            }
        }
        chat(http, "ws://127.0.0.1:" + port + "/parties/chat-room/aot-train", 200);
        chat(http, "ws://127.0.0.1:" + port + "/parties/board/aot-train", 50);
        // the runtime's hot paths under the bench's workloads, on a small scale, in this JVM
        List<Bench.Workload> workloads = List.of(
                Bench.Workload.echo,
                Bench.Workload.fanout,
                Bench.Workload.fanoutHibernating,
                Bench.Workload.http1,
                Bench.Workload.http1000,
                Bench.Workload.newRooms,
                Bench.Workload.storage,
                Bench.Workload.pubsub);
        new Bench(true, java.util.Map.of(), workloads, null, new PrintWriter(java.io.Writer.nullWriter()))
                .inProcess(true)
                .run();
        if (stamp != null) {
            Files.writeString(stamp, System.getProperty("java.home") + "\n");
        }
        out.println("partyflare aot-train: done");
        out.flush();
        // the dev server stops in its shutdown hook, as on Ctrl-C; then the JVM writes the cache
        System.exit(0);
        return 0;
    }

    private static void awaitServing(HttpClient http, String url, Thread dev) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding());
                return;
            } catch (java.net.ConnectException e) {
                if (!dev.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("partyflare dev did not start for the AOT training run", e);
                }
                Thread.sleep(20);
            }
        }
    }

    /** A client that sends {@code messages} chat lines and reads what comes back. */
    private static void chat(HttpClient http, String url, int messages) throws Exception {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        WebSocket ws = http.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(url), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                        closed.complete(null);
                        return null;
                    }
                })
                .get(20, TimeUnit.SECONDS);
        for (int i = 0; i < messages; i++) {
            ws.sendText("{\"type\":\"message\",\"text\":\"training " + i + "\"}", true)
                    .get(10, TimeUnit.SECONDS);
        }
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
        try {
            closed.get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            ws.abort(); // the training goes on
        }
    }
}
