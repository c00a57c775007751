package dev.partyflare.emulator.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite's native library is unpacked once per user, not into the temporary directory per JVM. */
class SqliteNativeLibraryTest {
    @Test
    void theCopyIsMadeOnceAndReused(@TempDir Path root) throws IOException {
        Path lib = SqliteNativeLibrary.cachedCopy(root);

        assertThat(lib).isNotNull().isRegularFile().startsWith(root.resolve("sqlite-jdbc"));
        assertThat(lib.getParent().getParent().getParent().getFileName().toString())
                .startsWith(org.sqlite.SQLiteJDBCLoader.getVersion() + "-");
        assertThat(Files.size(lib)).isGreaterThan(100_000);
        FileTime old = FileTime.fromMillis(0);
        Files.setLastModifiedTime(lib, old);
        assertThat(SqliteNativeLibrary.cachedCopy(root)).isEqualTo(lib);
        assertThat(Files.getLastModifiedTime(lib)).as("not copied again").isEqualTo(old);
        try (Stream<Path> files = Files.list(lib.getParent())) {
            assertThat(files).as("no part file left").containsExactly(lib);
        }
    }

    @Test
    void aCopyThatIsNotWholeIsReplaced(@TempDir Path root) throws IOException {
        Path lib = SqliteNativeLibrary.cachedCopy(root);
        long size = Files.size(lib);
        Files.write(lib, new byte[100]); // as if a copy had been cut short by something else

        assertThat(SqliteNativeLibrary.cachedCopy(root)).isEqualTo(lib);
        assertThat(Files.size(lib)).isEqualTo(size);
    }

    @Test
    void aJvmLoadsTheCachedCopyAndUnpacksNothingIntoItsTemporaryDirectory(@TempDir Path dir) throws Exception {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));

        String out = runOpeningADatabase(cache, tmp);

        assertThat(out)
                .contains("opened")
                .contains("lib.path=" + cache.resolve("partyflare"))
                .contains("unpacked=0");
        assertThat(sqliteFiles(tmp)).as("left in java.io.tmpdir").isEmpty();
        // and with no usable cache (a file where the directory should be), sqlite-jdbc unpacks it itself
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        String fallback = runOpeningADatabase(notADirectory, tmp);
        // (its copy, and the lock file beside it, while it runs: a normal exit deletes them, a kill does not)
        assertThat(fallback).contains("opened").contains("lib.path=null").contains("unpacked=2");
    }

    static List<Path> sqliteFiles(Path tmp) throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(f -> f.getFileName().toString().startsWith("sqlite-"))
                    .toList();
        }
    }

    /** A new JVM with {@code XDG_CACHE_HOME=cache} and {@code java.io.tmpdir=tmp} opens a database. */
    private static String runOpeningADatabase(Path cache, Path tmp) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Djava.io.tmpdir=" + tmp);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(OpenADatabase.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** Starts the storage (which points sqlite-jdbc at its library) and opens a database. */
    public static final class OpenADatabase {
        public static void main(String[] args) throws Exception {
            new StorageEngine(null, false).close();
            try (var c = ObjectDatabase.connect("jdbc:sqlite::memory:");
                    var s = c.createStatement()) {
                s.execute("CREATE TABLE t (x)");
                System.out.println(
                        "opened; lib.path=" + System.getProperty(SqliteNativeLibrary.PATH_PROPERTY) + "; unpacked="
                                + sqliteFiles(Path.of(System.getProperty("java.io.tmpdir")))
                                        .size());
            }
        }
    }
}
