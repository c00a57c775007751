package dev.partyflare.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child processes that a test stops with SIGINT (Ctrl-C) must start with SIGINT's default
 * disposition. A process started in the background by a shell without job control ({@code cmd &}
 * in a script, {@code nohup ... &}) has SIGINT ignored, its children inherit that, and a JVM never
 * handles a signal that was ignored when it started: {@code partyflare dev} would then not stop on
 * SIGINT, as any Unix program started that way. There (Linux), the child is started through GNU
 * {@code env --default-signal=INT}, which restores the default first; where that cannot be done, a
 * test that sends SIGINT fails with this explanation instead of waiting for a stop that cannot come.
 */
final class DefaultSignals {
    /** The command prefix, or null when SIGINT is ignored here and cannot be restored for a child. */
    private static final List<String> PREFIX = prefix();

    private DefaultSignals() {}

    /** What to put before a child's command so that it starts with SIGINT's default disposition. */
    static List<String> launchPrefix() {
        return PREFIX == null ? List.of() : PREFIX;
    }

    /** Fails with the reason when a child started here cannot be stopped with SIGINT. */
    static void checkInterruptible() {
        if (PREFIX == null) {
            throw new AssertionError("SIGINT is ignored in this process (the test run was started in the background of"
                    + " a shell without job control) and `env --default-signal` is not available to restore it for"
                    + " a child, so no child can be stopped with SIGINT here; run the tests in the foreground");
        }
    }

    /** Whether SIGINT is ignored in this process ({@code SigIgn} of /proc/self/status; false elsewhere). */
    static boolean sigintIgnoredHere() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    long mask = Long.parseUnsignedLong(
                            line.substring("SigIgn:".length()).trim(), 16);
                    return (mask & (1L << 1)) != 0; // signal 2 is bit 1
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: nothing known to be ignored
        }
        return false;
    }

    private static List<String> prefix() {
        if (!sigintIgnoredHere()) {
            return List.of();
        }
        List<String> env = List.of("env", "--default-signal=INT");
        try {
            Process p = new ProcessBuilder(concat(env, "true")).start();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return env;
            }
            p.destroyForcibly();
        } catch (IOException e) {
            // no env
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.add(b);
        return all;
    }
}
