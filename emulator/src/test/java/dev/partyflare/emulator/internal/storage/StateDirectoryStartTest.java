package dev.partyflare.emulator.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nodes of a cluster start at once on one fresh shared state directory: none may see another's
 * layout file half-written (CI once saw "storage layout -1" from ClusterKillIT's three JVMs).
 */
class StateDirectoryStartTest {
    @TempDir
    Path tmp;

    @Test
    void enginesStartingAtOnceOnAFreshSharedDirectoryAllAcceptIt() throws Exception {
        for (int round = 0; round < 200; round++) {
            Path dir = tmp.resolve("s" + round);
            int n = 4;
            CountDownLatch go = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            List<StorageEngine> engines = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < n; i++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                        engines.add(new StorageEngine(dir, false, true));
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }));
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            for (StorageEngine e : engines) {
                e.close();
            }
            assertThat(failure.get()).as("round " + round).isNull();
            assertThat(Files.readString(dir.resolve(StorageEngine.LAYOUT_FILE))).contains("\"layout\": 2");
        }
    }

    @Test
    void anEmptyLayoutFileLeftByACrashIsWrittenAgain() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("crashed"));
        Files.createFile(dir.resolve(StorageEngine.LAYOUT_FILE)); // created, killed before it was written
        new StorageEngine(dir, false).close();
        assertThat(Files.readString(dir.resolve(StorageEngine.LAYOUT_FILE))).contains("\"layout\": 2");
    }
}
