package dev.partyflare.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;

/**
 * The class directories a project is served from, as a compiler leaves them. A build deletes
 * class files before it writes the new ones (Maven deletes all of them, then compiles for a
 * second or more), and a failed build does not write them back. So a class file that the served
 * version was loaded from and that its configured classes still refer to, but that is missing or
 * unreadable now, means a build is under way or has failed: not a moment to load the classes.
 */
final class ClassOutput {
    private final List<Path> dirs;
    private Set<String> served = Set.of();

    ClassOutput(List<Path> dirs) {
        this.dirs = List.copyOf(dirs);
    }

    /** Remembers the class files there are now, as those of the version being served. */
    void snapshot() {
        Set<String> files = new HashSet<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(p -> p.getFileName().toString().endsWith(".class"))
                        .forEach(p -> files.add(dir.relativize(p).toString().replace('\\', '/')));
            } catch (IOException | UncheckedIOException e) {
                // a build is deleting files as we walk: what was seen is what we know
            }
        }
        served = files;
    }

    /**
     * The first class file that is missing or unreadable among those the served version had and
     * that {@code roots} (class names, e.g. the configuration's {@code main} and {@code class_name}s)
     * reach through their constant pools; empty when the classes can be loaded.
     */
    Optional<String> missing(List<String> roots) {
        Deque<String> queue = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        for (String name : roots) {
            String internal = name.replace('.', '/');
            if (seen.add(internal)) {
                queue.add(internal);
            }
        }
        while (!queue.isEmpty()) {
            String internal = queue.poll();
            String file = internal + ".class";
            Path found = find(file);
            if (found == null) {
                if (served.contains(file)) {
                    return Optional.of(file);
                }
                continue; // from a jar or the JDK, or a name the configuration got wrong: loading will say
            }
            ClassReader reader;
            try {
                reader = new ClassReader(Files.readAllBytes(found));
            } catch (IOException | RuntimeException e) {
                return Optional.of(file + " (unreadable)"); // being written
            }
            char[] buf = new char[reader.getMaxStringLength()];
            for (int i = 1; i < reader.getItemCount(); i++) {
                int offset = reader.getItem(i);
                // a CONSTANT_Class entry (tag 7) names a class this one uses
                if (offset > 0 && reader.readByte(offset - 1) == 7) {
                    String ref = reader.readUTF8(offset, buf);
                    if (ref != null && !ref.startsWith("[") && !ref.startsWith("java/") && seen.add(ref)) {
                        queue.add(ref);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private Path find(String file) {
        for (Path dir : dirs) {
            Path p = dir.resolve(file);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
