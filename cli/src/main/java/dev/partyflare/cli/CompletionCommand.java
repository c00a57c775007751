package dev.partyflare.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Prints a bash/zsh completion script. */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = {"Print a bash/zsh completion script for partyflare.", "Use: source <(partyflare completion)"})
final class CompletionCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        spec.commandLine().getOut().print(AutoComplete.bash("partyflare", root));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
