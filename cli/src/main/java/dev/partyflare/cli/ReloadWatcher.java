package dev.partyflare.cli;

import java.io.IOException;
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
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Watches the class output and the config file; after a burst of changes settles (150 ms), runs
 * the reload once.
 */
final class ReloadWatcher implements AutoCloseable {
    private static final long SETTLE_MILLIS = 200;

    private final WatchService watch;
    private final Path configFile;
    private final Runnable reload;
    private final Thread thread;

    ReloadWatcher(List<Path> classDirs, Path configFile, Runnable reload) throws IOException {
        this.watch = FileSystems.getDefault().newWatchService();
        this.configFile = configFile.toAbsolutePath();
        this.reload = reload;
        register(this.configFile.getParent(), false);
        for (Path d : classDirs) {
            register(d, true);
        }
        this.thread = Thread.ofPlatform().daemon().name("partyflare-reload").start(this::loop);
    }

    private void register(Path dir, boolean recursive) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        if (!recursive) {
            dir.register(
                    watch,
                    StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                d.register(
                        watch,
                        StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = watch.take();
                boolean relevant = handle(key);
                // wait for the burst to settle (a compiler writes many files)
                WatchKey more;
                while ((more = watch.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null) {
                    relevant |= handle(more);
                }
                if (relevant) {
                    reload.run();
                }
            }
        } catch (InterruptedException | java.nio.file.ClosedWatchServiceException e) {
            // stopped
        }
    }

    private boolean handle(WatchKey key) {
        boolean relevant = false;
        Path dir = (Path) key.watchable();
        for (WatchEvent<?> ev : key.pollEvents()) {
            if (ev.context() instanceof Path p) {
                Path full = dir.resolve(p).toAbsolutePath();
                if (full.getParent().equals(configFile.getParent()) && !full.equals(configFile)) {
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
