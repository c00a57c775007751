package dev.partyflare.cli;

import dev.partyflare.cli.demo.DemoApp;
import dev.partyflare.emulator.ConfigException;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import dev.partyflare.emulator.internal.config.ProjectConfig;
import dev.partyflare.emulator.internal.config.WranglerConfig;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code partyflare dev}: serve a project's Worker and objects locally, like {@code wrangler dev}. */
@Command(
        name = "dev",
        mixinStandardHelpOptions = true,
        description = {
            "Serve the Worker and Durable Objects of the project in DIR on http://127.0.0.1:8787.",
            "DIR holds a wrangler.toml, wrangler.json or wrangler.jsonc naming Java classes;"
                    + " with none there, an embedded demo is served."
        })
final class DevCommand implements java.util.concurrent.Callable<Integer> {
    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "DIR",
            description = "Project directory (default: the current one).")
    Path dir = Path.of(".");

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port = EmulatorOptions.DEFAULT_DEV_PORT;

    @Option(names = "--ip", paramLabel = "IP", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String ip = "127.0.0.1";

    @Option(names = "--var", paramLabel = "KEY:VALUE", description = "A var for env, overriding [vars]; repeatable.")
    List<String> vars = new ArrayList<>();

    @Option(
            names = "--classpath",
            paramLabel = "PATH",
            description = "Where the project's classes are (default: DIR/target/classes).",
            split = "${sys:path.separator}")
    List<Path> classpath = new ArrayList<>();

    @Option(names = "--strict-limits", description = "Enforce production limits, not local workerd's.")
    boolean strictLimits;

    @Option(
            names = "--persist-to",
            paramLabel = "DIR",
            description = "Where storage is kept between runs (default: DIR/.partyflare/state).")
    Path persistTo;

    @Option(names = "--in-memory", description = "Keep storage in memory only: it is lost when the server stops.")
    boolean inMemory;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        long startNanos = System.nanoTime();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Terminal term = new Terminal(out);
        Path config = WranglerConfig.find(dir).orElse(null);
        EmulatorOptions.Builder builder;
        String source;
        if (config == null) {
            builder = DemoApp.options();
            source =
                    "embedded demo (no wrangler.toml in " + dir.toAbsolutePath().normalize() + ")";
        } else {
            ProjectConfig pc = WranglerConfig.load(config);
            for (String w : pc.warnings()) {
                err.println(term.yellow("warning: ") + w);
            }
            builder = pc.toOptions(EmulatorOptions.builder(), projectClassLoader());
            source = config.toString();
        }
        for (String v : vars) {
            int colon = v.indexOf(':');
            if (colon <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--var takes KEY:VALUE, got " + v);
            }
            builder.var(v.substring(0, colon), v.substring(colon + 1));
        }
        Path state = inMemory ? null : (persistTo != null ? persistTo : dir.resolve(".partyflare/state"));
        EmulatorOptions options = builder.host(ip)
                .port(port)
                .strictLimits(strictLimits)
                .persistTo(state)
                .build();
        warnIfExposed(err, term);

        Emulator emulator = Emulator.start(
                options,
                new Emulator.TrafficListener() {
                    @Override
                    public void request(String method, String path, int status, Duration time) {
                        out.println(term.requestLine(method, path, status, time));
                        out.flush();
                    }

                    @Override
                    public void webSocketOpened(String path) {
                        out.println(term.dim("WebSocket open  " + path));
                        out.flush();
                    }

                    @Override
                    public void webSocketClosed(String path) {
                        out.println(term.dim("WebSocket close " + path));
                        out.flush();
                    }
                },
                (where, error) -> {
                    err.println(term.red("✘ Uncaught exception in " + where + ":"));
                    error.printStackTrace(err);
                    err.flush();
                });
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            emulator.close();
                            out.println("Stopped.");
                            out.flush();
                            stopped.countDown();
                        },
                        "partyflare-shutdown"));

        out.println(term.bold("partyflare " + Main.version()) + "  " + term.dim(source));
        if (!options.durableObjects().isEmpty()) {
            out.println("Your Worker has access to the following bindings:");
            out.println("- Durable Objects:");
            for (EmulatorOptions.DurableObjectBinding b : options.durableObjects()) {
                out.println("  - " + b.binding() + ": " + b.className()
                        + (b.sqlite() ? " (SQLite-backed)" : " (KV-backed)"));
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
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        out.println(term.green("Ready on " + emulator.url().orElseThrow()) + term.dim("  (" + ms + " ms)"));
        out.flush();
        stopped.await();
        return 0;
    }

    private ClassLoader projectClassLoader() throws MalformedURLException {
        List<Path> entries = new ArrayList<>(classpath);
        if (entries.isEmpty()) {
            Path classes = dir.resolve("target/classes");
            if (!Files.isDirectory(classes)) {
                throw new ConfigException(
                        null,
                        0,
                        "No compiled classes in " + classes.toAbsolutePath().normalize(),
                        "Build the project first (mvn compile), or pass --classpath",
                        null);
            }
            entries.add(classes);
        }
        URL[] urls = new URL[entries.size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = entries.get(i).toAbsolutePath().toUri().toURL();
        }
        return new URLClassLoader("project", urls, DevCommand.class.getClassLoader());
    }

    private void warnIfExposed(PrintWriter err, Terminal term) {
        try {
            if (!InetAddress.getByName(ip).isLoopbackAddress()) {
                err.println(term.red("WARNING: binding to " + ip
                        + " exposes this development server, and every object in it, to your network."));
            }
        } catch (UnknownHostException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ip: unknown address " + ip);
        }
    }
}
