package dev.partyflare.emulator.internal.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Point-in-time recovery for one object (partyflare's extension: local workerd refuses the PITR
 * API): an image of the object's database after each commit, kept 30 days on the runtime clock, in
 * {@code <id>.pitr/} beside the database file (or in memory). A bookmark names one image; a restore
 * asked for with {@code onNextSessionRestoreBookmark} replaces the database with it when the object
 * next starts.
 */
final class PitrHistory {
    /** Cloudflare keeps 30 days of history. */
    static final long RETENTION_MILLIS = 30L * 24 * 3600 * 1000;

    private static final Pattern BOOKMARK = Pattern.compile("([0-9a-f]{8})-([0-9a-f]{8})-([0-9a-f]{8})-([0-9a-f]{32})");
    private static final Pattern IMAGE = Pattern.compile("(\\d+)-(\\d+)\\.sqlite");

    /** One image: its sequence number and the runtime time it was taken. */
    record Image(long seq, long time) {
        String bookmark() {
            return String.format(Locale.ROOT, "%08x-%08x-%08x-%032x", seq >>> 32, seq & 0xffffffffL, 0, time);
        }
    }

    private final Path dir;
    private final List<Image> images = new ArrayList<>();
    private final List<byte[]> memory = new ArrayList<>();
    private String pendingRestore;

    PitrHistory(Path dir) {
        this.dir = dir;
        if (dir != null && Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.map(p -> IMAGE.matcher(p.getFileName().toString()))
                        .filter(Matcher::matches)
                        .map(m -> new Image(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))))
                        .sorted((a, b) -> Long.compare(a.seq(), b.seq()))
                        .forEach(images::add);
                Path restore = dir.resolve("restore");
                if (Files.exists(restore)) {
                    pendingRestore = Files.readString(restore).trim();
                }
            } catch (IOException e) {
                throw new IllegalStateException(
                        "Cannot read the point-in-time history in " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    synchronized Image latest() {
        return images.isEmpty() ? null : images.get(images.size() - 1);
    }

    /** Keeps {@code image} as the state at {@code time}; drops images older than the retention. */
    synchronized Image add(byte[] image, long time) throws IOException {
        Image last = latest();
        Image next = new Image(last == null ? 1 : last.seq() + 1, time);
        if (dir != null) {
            Files.createDirectories(dir);
            Files.write(dir.resolve(next.seq() + "-" + next.time() + ".sqlite"), image);
        } else {
            memory.add(image);
        }
        images.add(next);
        while (images.size() > 1 && images.get(0).time() < time - RETENTION_MILLIS) {
            Image old = images.remove(0);
            if (dir != null) {
                Files.deleteIfExists(dir.resolve(old.seq() + "-" + old.time() + ".sqlite"));
            } else {
                memory.remove(0);
            }
        }
        return next;
    }

    /** The newest image taken at or before {@code time}, if any. */
    synchronized Optional<Image> at(long time) {
        Image found = null;
        for (Image i : images) {
            if (i.time() <= time) {
                found = i;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The image a bookmark names; the empty database (sequence 0) has no image. */
    synchronized Optional<Image> find(String bookmark) {
        Matcher m = BOOKMARK.matcher(bookmark == null ? "" : bookmark);
        if (!m.matches()) {
            return Optional.empty();
        }
        long seq = (Long.parseLong(m.group(1), 16) << 32) | Long.parseLong(m.group(2), 16);
        if (seq == 0) {
            return Optional.of(new Image(0, 0));
        }
        return images.stream().filter(i -> i.seq() == seq).findFirst();
    }

    /** The bytes of {@code image} (null for the empty database). */
    synchronized byte[] bytes(Image image) throws IOException {
        if (image.seq() == 0) {
            return null;
        }
        if (dir != null) {
            return Files.readAllBytes(dir.resolve(image.seq() + "-" + image.time() + ".sqlite"));
        }
        return memory.get(images.indexOf(image));
    }

    synchronized void requestRestore(String bookmark) throws IOException {
        pendingRestore = bookmark;
        if (dir != null) {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("restore"), bookmark + "\n");
        }
    }

    /** The restore asked for, once: it is cleared when taken. */
    synchronized String takeRestore() throws IOException {
        String r = pendingRestore;
        pendingRestore = null;
        if (r != null && dir != null) {
            Files.deleteIfExists(dir.resolve("restore"));
        }
        return r;
    }
}
