package dev.partyflare.cli;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Watches the class output and the config file, and reloads once a build is over: when nothing
 * has changed for {@value #QUIET_MILLIS} ms and the class files the served version was loaded
 * from are all there and readable ({@link ClassOutput}). While some are missing a build is still
 * writing, or has failed: the watcher waits for more changes, and only when none come for {@value
 * #BUILD_GRACE_MILLIS} ms does it report a failed build, once. A class directory that a clean
 * build deletes is watched again when it comes back.
 */
final class ReloadWatcher implements AutoCloseable {
    static final long QUIET_MILLIS = 300;
    static final long BUILD_GRACE_MILLIS = 3000;
    private static final long ROOT_CHECK_MILLIS = 250;

    /** What the watcher asks for. */
    interface Listener {
        /** Loads the new version; false if it could not (the listener said why). */
        boolean reload();

        /** A build left the class output incomplete and went quiet; {@code missing} is the first gap. */
        void buildFailed(String missing);
    }

    private final WatchService watch;
    private final Path configFile;
    private final Map<Path, WatchKey> roots = new LinkedHashMap<>();
    private final ClassOutput output;
    private final Supplier<List<String>> configuredClasses;
    private final Listener listener;
    private final Thread thread;

    ReloadWatcher(List<Path> classDirs, Path configFile, Supplier<List<String>> configuredClasses, Listener listener)
            throws IOException {
        this.watch = FileSystems.getDefault().newWatchService();
        this.configFile = configFile.toAbsolutePath();
        this.configuredClasses = configuredClasses;
        this.listener = listener;
        this.output = new ClassOutput(classDirs);
        register(this.configFile.getParent(), false);
        for (Path d : classDirs) {
            Path root = d.toAbsolutePath().normalize();
            roots.put(root, null);
            if (Files.isDirectory(root)) {
                roots.put(root, register(root, true));
            }
        }
        output.snapshot();
        this.thread = Thread.ofPlatform().daemon().name("partyflare-reload").start(this::loop);
    }

    private WatchKey register(Path dir, boolean recursive) throws IOException {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        WatchKey top = dir.register(
                watch,
                StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        if (recursive) {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    if (!d.equals(dir)) {
                        d.register(
                                watch,
                                StandardWatchEventKinds.ENTRY_CREATE,
                                StandardWatchEventKinds.ENTRY_MODIFY,
                                StandardWatchEventKinds.ENTRY_DELETE);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        return top;
    }

    private void loop() {
        try {
            while (true) {
                awaitChange(Long.MAX_VALUE);
                settle();
                while (true) {
                    Optional<String> missing = output.missing(configuredClasses.get());
                    if (missing.isEmpty()) {
                        if (listener.reload()) {
                            output.snapshot();
                        }
                        break;
                    }
                    // a build is writing, or failed: only a build that stays incomplete is reported
                    if (!awaitChange(BUILD_GRACE_MILLIS)) {
                        listener.buildFailed(missing.get());
                        break;
                    }
                    settle();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // stopped
        }
    }

    /** Waits up to {@code millis} for a relevant change; false if none came. */
    private boolean awaitChange(long millis) throws InterruptedException {
        long deadline = millis == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + millis * 1_000_000;
        while (true) {
            long left = deadline == Long.MAX_VALUE ? ROOT_CHECK_MILLIS : (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            WatchKey key = watch.poll(Math.min(left, ROOT_CHECK_MILLIS), TimeUnit.MILLISECONDS);
            if (key != null ? handle(key) : rootsCameBack()) {
                return true;
            }
        }
    }

    /** Takes in changes until none came for {@link #QUIET_MILLIS} (a compiler writes many files). */
    private void settle() throws InterruptedException {
        while (true) {
            WatchKey key = watch.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS);
            if (key != null) {
                handle(key);
            } else if (!rootsCameBack()) {
                return;
            }
        }
    }

    /** Registers class directories that were deleted (a clean build) and exist again; true if any. */
    private boolean rootsCameBack() {
        boolean back = false;
        for (Map.Entry<Path, WatchKey> e : roots.entrySet()) {
            WatchKey key = e.getValue();
            if ((key == null || !key.isValid()) && Files.isDirectory(e.getKey())) {
                try {
                    e.setValue(register(e.getKey(), true));
                    back = true;
                } catch (IOException ex) {
                    // deleted again: the next check sees it
                }
            }
        }
        return back;
    }

    private boolean handle(WatchKey key) {
        boolean relevant = false;
        Path dir = (Path) key.watchable();
        for (WatchEvent<?> ev : key.pollEvents()) {
            if (ev.context() instanceof Path p) {
                Path full = dir.resolve(p).toAbsolutePath();
                if (full.getParent().equals(configFile.getParent())
                        && !full.equals(configFile)
                        && !roots.containsKey(full.normalize())) {
                    continue; // other files beside the config
                }
                relevant = true;
                if (ev.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(full)) {
                    try {
                        register(full, true);
                    } catch (IOException e) {
                        // the directory vanished again
                    }
                }
            } else {
                relevant = true; // overflow: changes were lost, reload to be safe
            }
        }
        key.reset();
        return relevant;
    }

    @Override
    public void close() throws IOException {
        thread.interrupt();
        watch.close();
    }
}
