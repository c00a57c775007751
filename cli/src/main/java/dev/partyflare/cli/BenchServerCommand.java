package dev.partyflare.cli;

import dev.partyflare.cli.bench.BenchServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code partyflare bench-server} (hidden): the server process of {@code partyflare bench}, started
 * by it with {@code java -jar} so that it runs exactly as {@code partyflare dev} does (the jar's
 * manifest, the launcher's AOT cache). See {@link BenchServer}.
 */
@Command(name = "bench-server", hidden = true, description = "The server process of partyflare bench.")
final class BenchServerCommand implements Callable<Integer> {
    @Parameters(index = "0", defaultValue = "both", description = "${COMPLETION-CANDIDATES}")
    BenchServer.Servers servers;

    @Parameters(index = "1..*", arity = "0..*", description = "A cluster node's name, port, seed and state directory.")
    java.util.List<String> rest = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>();
        args.add(servers.name());
        args.addAll(rest);
        BenchServer.main(args.toArray(String[]::new));
        return 0;
    }
}
