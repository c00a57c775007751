package dev.partyflare.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code partyflare} command. */
@Command(
        name = "partyflare",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Build and test Cloudflare Durable Object applications in Java, locally and faithfully.",
        subcommands = {
            DevCommand.class,
            InitCommand.class,
            InstallCommand.class,
            BenchCommand.class,
            ConformanceCommand.class,
            CompletionCommand.class,
            AotTrainCommand.class,
            BenchServerCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Held so the levels set on them stay in force (java.util.logging keeps weak references). */
    private static final java.util.List<java.util.logging.Logger> QUIET = java.util.List.of(
            java.util.logging.Logger.getLogger("io.undertow"),
            java.util.logging.Logger.getLogger("org.xnio"),
            java.util.logging.Logger.getLogger("org.jboss.threads"));

    public static void main(String[] args) {
        for (java.util.logging.Logger l : QUIET) {
            l.setLevel(java.util.logging.Level.WARNING);
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getColorScheme().errorText("partyflare: " + ex.getMessage()));
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version, from the build. */
    public static String version() {
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    /** picocli's version provider. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "partyflare " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }
}
