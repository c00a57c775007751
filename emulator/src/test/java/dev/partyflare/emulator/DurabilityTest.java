package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.fixtures.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acknowledged writes survive an abrupt stop; the state directory is private. */
class DurabilityTest {
    @TempDir
    Path state;

    EmulatorOptions options() {
        return TestEmulators.probe()
                .http(false)
                .manualClock(TestEmulators.T0)
                .persistTo(state.resolve("s"))
                .build();
    }

    @Test
    void acknowledgedWritesSurviveACrash() {
        Emulator first = Emulator.start(options());
        for (int i = 0; i < 100; i++) {
            assertThat(first.fetch("http://x/do/STORE/durable-" + (i % 7) + "/inc")
                            .status())
                    .isEqualTo(200);
        }
        first.runInDurableObject(first.namespace("STORE").getByName("durable-sql"), (Store o, DurableObjectState c) -> {
            c.storage().sql().exec("CREATE TABLE t (v TEXT)");
            c.storage().sql().exec("INSERT INTO t VALUES ('kept')");
            c.storage().put("record", Map.of("a", List.of(1, 2)));
            return null;
        });
        first.crash();

        try (Emulator second = Emulator.start(options())) {
            long total = 0;
            for (int i = 0; i < 7; i++) {
                total += Long.parseLong(second.fetch("http://x/do/STORE/durable-" + i + "/get?k=n")
                        .text());
            }
            assertThat(total).isEqualTo(100);
            Object[] got = second.runInDurableObject(
                    second.namespace("STORE").getByName("durable-sql"),
                    (Store o, DurableObjectState c) -> new Object[] {
                        c.storage().sql().exec("SELECT v FROM t").one().get("v"),
                        c.storage().get("record").orElseThrow()
                    });
            assertThat(got[0]).isEqualTo("kept");
            // untyped reads give numbers back as Long, however they were written
            assertThat(got[1]).isEqualTo(Map.of("a", List.of(1L, 2L)));
        }
    }

    @Test
    void stateDirectoryIsOwnerOnlyAndNamedByIds() throws Exception {
        try (Emulator emu = Emulator.start(options())) {
            emu.fetch("http://x/do/STORE/..%2F..%2Fescape/inc");
        }
        Path dir = state.resolve("s");
        assertThat(Files.getPosixFilePermissions(dir).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE, OWNER_EXECUTE]");
        // one database per object, named by its id only; the namespace's directory by its sanitized names and a hash
        try (var files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile)
                            .map(p -> dir.relativize(p).toString()))
                    .isNotEmpty()
                    .allMatch(n -> n.matches("partyflare-state\\.json|\\.lock|do/do-probe-[A-Za-z]+-[0-9a-f]{12}/"
                            + "([0-9a-f]{64}\\.sqlite|_namespace\\.sqlite)(-wal|-shm)?"));
        }
    }
}
