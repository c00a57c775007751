package dev.partyflare.cli;

import dev.partyflare.conformance.ConformanceMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code partyflare conformance}: the wire-level scenarios against any target, as a differential report. */
@Command(
        name = "conformance",
        mixinStandardHelpOptions = true,
        description = {
            "Run the conformance scenarios (HTTP and WebSocket only) against TARGET and compare every observation with"
                    + " real workerd running the JavaScript fixtures (or the in-process emulator when Node.js is missing).",
            "TARGET is a base URL serving the fixtures (partyflare dev with the Java fixtures, workerd or a deployed Worker"
                    + " with the JS ones), or 'emulator' / 'workerd' to start one locally. Exit code 1 on any mismatch."
        })
final class ConformanceCommand implements Callable<Integer> {
    @Option(names = "--target", required = true, paramLabel = "URL", description = "Base URL, or emulator, or workerd.")
    String target;

    @Option(
            names = "--fixtures",
            paramLabel = "java|js",
            description = "Which fixtures the target serves (default: java).")
    String fixtures;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "Markdown report (a .json one is written beside it).")
    Path report;

    @Override
    public Integer call() {
        // before anything in this JVM builds an HttpClient (see Runner.KEEP_ALIVE_SECONDS)
        dev.partyflare.conformance.Runner.keepIdleConnectionsBriefly();
        List<String> args = new ArrayList<>(List.of("--target", target));
        if (fixtures != null) {
            args.addAll(List.of("--fixtures", fixtures));
        }
        if (report != null) {
            args.addAll(List.of("--report", report.toString()));
        }
        return ConformanceMain.run(args.toArray(String[]::new));
    }
}
