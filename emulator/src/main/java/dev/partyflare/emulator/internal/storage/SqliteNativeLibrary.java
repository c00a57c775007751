package dev.partyflare.emulator.internal.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Semaphore;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;

/**
 * SQLite's native library, unpacked once per user rather than once per JVM. On its own, sqlite-jdbc
 * copies the library out of its jar into the temporary directory at every JVM start, under a new
 * name, after comparing it byte by byte with a copy it may find there (~280 ms of CPU on a cold JVM
 * here, on every {@code partyflare dev}, test JVM and bench server); and a JVM that is killed leaves
 * its copy behind for good (1.1 MB each: sqlite-jdbc only removes copies without their lock file,
 * and a killed JVM leaves both). Here the library goes once into {@code
 * $XDG_CACHE_HOME/partyflare/sqlite-jdbc/<version>-<crc>-<size>/} (default {@code ~/.cache}), named
 * by the CRC and size its jar records for it, and sqlite-jdbc is pointed at it with its own {@code
 * org.sqlite.lib.path} and {@code org.sqlite.lib.name} properties. If anything fails (no home
 * directory, a read-only one, a class path without the library), nothing is set and sqlite-jdbc
 * unpacks it as it always does; if the copy cannot be loaded, sqlite-jdbc moves on to its own way.
 */
final class SqliteNativeLibrary {
    static final String PATH_PROPERTY = "org.sqlite.lib.path";
    static final String NAME_PROPERTY = "org.sqlite.lib.name";

    private SqliteNativeLibrary() {}

    /**
     * Starts a thread that points sqlite-jdbc at the cached copy (finding it takes ~0.1 s of a cold
     * JVM) and loads the library; returns once that thread holds sqlite-jdbc's loader lock, so that a
     * connection opened meanwhile waits for it rather than loading the library its own way. (The
     * thread's code is this class's: a class whose initializer calls this does not block it.)
     */
    static Thread loadInBackground() {
        Semaphore holding = new Semaphore(0);
        Thread loader = Thread.ofPlatform()
                .daemon()
                .name("partyflare-sqlite-load")
                .start(() -> {
                    // sqlite-jdbc's initialize() is synchronized on its class
                    synchronized (org.sqlite.SQLiteJDBCLoader.class) {
                        holding.release();
                        useCachedCopy();
                        try {
                            org.sqlite.SQLiteJDBCLoader.initialize();
                        } catch (Exception | LinkageError e) {
                            // the first connection reports it with its own message
                        }
                    }
                });
        holding.acquireUninterruptibly();
        return loader;
    }

    /**
     * Points sqlite-jdbc at the cached copy (made first if needed), unless the JVM already names a
     * library of its own. Returns the library's file, or null when sqlite-jdbc is left to itself.
     */
    static Path useCachedCopy() {
        if (System.getProperty(PATH_PROPERTY) != null || System.getProperty(NAME_PROPERTY) != null) {
            return null; // the user's choice
        }
        Path root = cacheRoot();
        if (root == null) {
            return null;
        }
        try {
            Path lib = cachedCopy(root);
            if (lib != null) {
                System.setProperty(PATH_PROPERTY, lib.getParent().toString());
                System.setProperty(NAME_PROPERTY, lib.getFileName().toString());
            }
            return lib;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code $XDG_CACHE_HOME/partyflare}, else {@code ~/.cache/partyflare}; null without a home. */
    static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "partyflare");
        }
        String home = System.getProperty("user.home");
        return home == null || home.isBlank() || home.equals("?") ? null : Path.of(home, ".cache", "partyflare");
    }

    /**
     * The library of this sqlite-jdbc for this platform under {@code root}, copied there first if it is
     * missing or not whole; null when the class path has no such library in a jar.
     */
    static Path cachedCopy(Path root) throws IOException {
        String name = org.sqlite.util.LibraryLoaderUtil.getNativeLibName();
        URL url = org.sqlite.SQLiteJDBCLoader.class.getResource(
                org.sqlite.util.LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name);
        if (url == null) {
            return null;
        }
        URLConnection connection = url.openConnection();
        if (!(connection instanceof JarURLConnection jar)) {
            return null; // an exploded class path: sqlite-jdbc loads it from there itself
        }
        JarEntry entry = jar.getJarEntry(); // the jar's own record: no need to inflate the library
        long crc = entry.getCrc();
        long size = entry.getSize();
        if (crc < 0 || size <= 0) {
            return null;
        }
        String version = org.sqlite.SQLiteJDBCLoader.getVersion();
        Path dir = root.resolve("sqlite-jdbc")
                .resolve(version + "-" + Long.toHexString(crc) + "-" + size)
                .resolve(org.sqlite.util.OSInfo.getNativeLibFolderPathForCurrentOS());
        Path lib = dir.resolve(name);
        if (Files.isRegularFile(lib) && Files.size(lib) == size) {
            return lib;
        }
        Files.createDirectories(dir);
        Path part = Files.createTempFile(dir, name, ".part");
        try {
            CRC32 check = new CRC32();
            try (InputStream in = new CheckedInputStream(jar.getInputStream(), check)) {
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            }
            if (check.getValue() != crc || Files.size(part) != size) {
                throw new IOException("the copy of " + url + " does not match its jar entry");
            }
            // whole or not at all: another JVM may be doing the same, and its copy is the same bytes
            Files.move(part, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(part);
        }
        return lib;
    }
}
