package dev.partyflare.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code partyflare install}: a {@code partyflare} command for the PATH that works from any
 * directory, without the checkout it came from. It copies the jar it runs from and partyflare's
 * JDK finder next to each other, writes a small script that finds a JDK 21 or newer and runs the
 * jar, and writes the bash/zsh completion script.
 */
@Command(
        name = "install",
        mixinStandardHelpOptions = true,
        description = {
            "Put a `partyflare` command on the PATH, with bash/zsh completion.",
            "The command goes to DIR (default: ~/.local/bin); the jar it runs to DIR/../share/partyflare and the"
                    + " completion script to DIR/../share/bash-completion/completions. Run it again to update."
        })
final class InstallCommand implements Callable<Integer> {
    static final String MARKER = "installed by `partyflare install`";

    @Option(names = "--prefix", paramLabel = "DIR", description = "Directory for the command (default: ~/.local/bin).")
    Path prefix;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path jar = ownJar();
        if (jar == null) {
            err.println("partyflare install: this partyflare does not run from its jar; use ./partyflare install in a"
                    + " checkout, or java -jar partyflare.jar install");
            err.flush();
            return 1;
        }
        // $HOME as the shell sees it (Java's user.home comes from the password database)
        String homeEnv = System.getenv("HOME");
        Path home = homeEnv != null && homeEnv.startsWith("/")
                ? Path.of(homeEnv)
                : Path.of(System.getProperty("user.home"));
        Path bin = (prefix != null ? prefix : home.resolve(".local/bin"))
                .toAbsolutePath()
                .normalize();
        Path share = bin.getParent() != null ? bin.getParent().resolve("share") : bin.resolve("share");
        Path lib = share.resolve("partyflare");
        Path completions = share.resolve("bash-completion/completions");
        Path command = bin.resolve("partyflare");
        if (Files.exists(command)
                && !Files.readString(command, StandardCharsets.ISO_8859_1).contains(MARKER)) {
            err.println("partyflare install: " + command + " exists and is not one partyflare installed; move it away"
                    + " or choose another --prefix");
            err.flush();
            return 1;
        }
        Files.createDirectories(bin);
        Files.createDirectories(lib);
        Files.createDirectories(completions);

        // copy, then rename: a partyflare running from the old jar keeps a whole file
        Path installedJar = lib.resolve("partyflare.jar");
        if (!jar.toAbsolutePath().normalize().equals(installedJar)) {
            Path tmp = Files.createTempFile(lib, "partyflare", ".jar.tmp");
            Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, installedJar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        try (InputStream in = InstallCommand.class.getResourceAsStream("project/.mvn/find-jdk.sh")) {
            if (in == null) {
                throw new IOException("the partyflare jar lacks .mvn/find-jdk.sh (a build without its resources?)");
            }
            Files.write(lib.resolve("find-jdk.sh"), in.readAllBytes());
        }
        Files.writeString(command, script(lib), StandardCharsets.UTF_8);
        setExecutable(command);
        Path completion = completions.resolve("partyflare");
        Files.writeString(
                completion, AutoComplete.bash("partyflare", spec.root().commandLine()), StandardCharsets.UTF_8);

        out.println("Installed partyflare " + Main.version() + ": " + command);
        out.println("  its jar: " + installedJar);
        if (!onPath(bin)) {
            String shown = display(bin, home);
            out.println(shown + " is not on your PATH. Add it, e.g. in ~/.bashrc or ~/.zshrc:");
            out.println(
                    "  export PATH=\"" + (shown.startsWith("~/") ? "$HOME" + shown.substring(1) : shown) + ":$PATH\"");
        }
        boolean autoLoaded = completions.equals(home.resolve(".local/share/bash-completion/completions"))
                || completions.startsWith(Path.of("/usr/local/share"))
                || completions.startsWith(Path.of("/usr/share"));
        out.println("Completion: " + completion);
        if (autoLoaded) {
            out.println("  bash loads it by itself (with the bash-completion package); for zsh add to ~/.zshrc:");
        } else {
            out.println("  add to ~/.bashrc: source " + completion);
            out.println("  and for zsh to ~/.zshrc:");
        }
        out.println("  autoload -U +X bashcompinit && bashcompinit && source " + completion);
        out.flush();
        return 0;
    }

    /** The installed command: finds a JDK >= 21 as ./mvnw does, and runs the jar beside the finder. */
    static String script(Path lib) {
        String quotedLib = "'" + lib.toString().replace("'", "'\\''") + "'";
        return """
                #!/bin/sh
                # partyflare %s, %s; run that again to update it.
                # Finds a JDK >= 21 (JAVA_HOME, the PATH, /usr/lib/jvm...) and runs the jar in $lib.
                set -eu
                lib=%s
                . "$lib/find-jdk.sh"
                if ! partyflare_find_jdk; then
                  echo "partyflare: no JDK >= 21 found (looked at JAVA_HOME, java on the PATH and /usr/lib/jvm)." >&2
                  echo "partyflare: install a JDK 21 or newer, or set JAVA_HOME to one." >&2
                  exit 1
                fi
                # the JVM options, for dev a server's too (find-jdk.sh; PARTYFLARE_SERVER_JVM_OPTIONS chooses those)
                partyflare_launch_flags "$JAVA_HOME/bin/java" "${1:-}"
                flags=$partyflare_flags
                if [ "${1:-}" = dev ] && [ -w "$lib" ]; then
                  # class-data sharing: the classes a dev run loads are mapped at the next start (faster to Ready)
                  exec "$JAVA_HOME/bin/java" $flags -XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$lib/partyflare-dev.jsa" \\
                    -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$lib/partyflare.jar" "$@"
                fi
                exec "$JAVA_HOME/bin/java" $flags -jar "$lib/partyflare.jar" "$@"
                """.formatted(Main.version(), MARKER, quotedLib);
    }

    private static Path ownJar() {
        try {
            var source = InstallCommand.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            Path p = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar") ? p : null;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean onPath(Path dir) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Path.of(d).toAbsolutePath().normalize().equals(dir)) {
                return true;
            }
        }
        return false;
    }

    private static String display(Path p, Path home) {
        return p.startsWith(home) ? "~/" + home.relativize(p) : p.toString();
    }

    private static void setExecutable(Path p) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            p.toFile().setExecutable(true);
        }
    }
}
