package dev.partyflare.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code partyflare dev} in a child JVM, with its output readable line by line. */
final class DevProcess implements AutoCloseable {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<String> all = new ArrayList<>();
    int port = -1;
    /** When the "Stopped." line was read ({@link System#nanoTime()}), or 0. */
    volatile long stoppedAt;

    /** Reads the process's output until it ends. */
    private final Thread reader;

    private DevProcess(Process process) {
        this.process = process;
        this.reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.equals("Stopped.")) {
                        stoppedAt = System.nanoTime();
                    }
                    synchronized (all) {
                        all.add(line);
                    }
                    lines.add(line);
                }
            } catch (IOException e) {
                // process ended
            }
        });
    }

    static DevProcess start(Path workDir, String... args) throws IOException {
        return start(List.of(), workDir, args);
    }

    /** With options for the child JVM ({@code -Dname=value}). */
    static DevProcess start(List<String> jvmOptions, Path workDir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(DefaultSignals.launchPrefix());
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("--add-opens=java.base/java.lang=ALL-UNNAMED"); // as the runnable jar's manifest
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.partyflare.cli.Main");
        cmd.add("dev");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .start();
        return new DevProcess(p);
    }

    /** Waits for a line matching {@code regex}; returns it. */
    String await(String regex, long seconds) throws InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("partyflare dev printed no line matching /" + regex + "/ within " + seconds
                        + " s; output:\n" + output());
            }
            if (pattern.matcher(line).find()) {
                return line;
            }
        }
    }

    /** Waits for the Ready line and reads the port from it. */
    DevProcess ready() throws InterruptedException {
        String line = await("Ready on http://127\\.0\\.0\\.1:\\d+", 60);
        Matcher m = Pattern.compile(":(\\d+)").matcher(line.substring(line.indexOf("http://")));
        m.find();
        port = Integer.parseInt(m.group(1));
        return this;
    }

    /**
     * Waits (at most 10 s) until the output of an exited process is read to its end: the last lines
     * may still be on their way to this JVM when {@link Process#waitFor} returns.
     */
    void awaitOutputEnd() throws InterruptedException {
        if (!reader.join(java.time.Duration.ofSeconds(10))) {
            throw new AssertionError("the output of partyflare dev did not end within 10 s of its exit:\n" + output());
        }
    }

    String output() {
        synchronized (all) {
            return String.join("\n", all);
        }
    }

    /** Ctrl-C. */
    void interrupt() throws IOException, InterruptedException {
        signal("INT");
    }

    void signal(String name) throws IOException, InterruptedException {
        if (name.equals("INT")) {
            DefaultSignals.checkInterruptible();
        }
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .start()
                .waitFor();
    }

    @Override
    public void close() {
        // waits for the exit: a JVM still being torn down may hold files of the test's temporary directory
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
