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

    @Override
    public Integer call() throws Exception {
        BenchServer.main(new String[] {servers.name()});
        return 0;
    }
}
