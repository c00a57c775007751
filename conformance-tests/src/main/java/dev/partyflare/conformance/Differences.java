package dev.partyflare.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The reviewed list of differences between workerd (JS fixtures) and partyflare (Java fixtures),
 * read from the table in {@code DIFFERENCES.md}: scenario and observation patterns ({@code *}
 * matches anything), the kind ({@code deliberate} or {@code known-bug}), whether the difference
 * disappears with production settings, and the reason.
 */
public final class Differences {
    /** One reviewed difference. */
    public record Entry(String scenario, String observation, String kind, boolean goesWithProduction, String reason) {
        boolean matches(String scenarioId, String key) {
            return glob(scenario).matcher(scenarioId).matches()
                    && glob(observation).matcher(key.replaceAll("#\\d+$", "")).matches();
        }

        private static Pattern glob(String g) {
            StringBuilder re = new StringBuilder();
            for (String part : g.split("\\*", -1)) {
                if (!re.isEmpty()) {
                    re.append(".*");
                }
                re.append(Pattern.quote(part));
            }
            return Pattern.compile(re.toString());
        }
    }

    private final List<Entry> entries;

    private Differences(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The entry covering {@code key} of {@code scenarioId}, or null. */
    public Entry find(String scenarioId, String key) {
        for (Entry e : entries) {
            if (e.matches(scenarioId, key)) {
                return e;
            }
        }
        return null;
    }

    /** Only the entries that stay with production settings (to check that the others disappear). */
    public Differences stayingWithProduction() {
        return new Differences(
                entries.stream().filter(e -> !e.goesWithProduction()).toList());
    }

    public static Differences none() {
        return new Differences(List.of());
    }

    /** {@code DIFFERENCES.md} of a source checkout when found, else the copy bundled in this jar. */
    public static Differences load() throws IOException {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            for (Path c : List.of(d.resolve("DIFFERENCES.md"), d.resolve("conformance-tests/DIFFERENCES.md"))) {
                if (Files.exists(c) && Files.exists(c.resolveSibling("js/serve.mjs"))) {
                    return parse(Files.readString(c));
                }
            }
        }
        try (InputStream in = Differences.class.getResourceAsStream("DIFFERENCES.md")) {
            if (in == null) {
                throw new IOException("DIFFERENCES.md is neither in a source checkout nor bundled");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Parses the first Markdown table whose header starts with {@code | scenario |}. */
    public static Differences parse(String markdown) {
        List<Entry> out = new ArrayList<>();
        boolean inTable = false;
        for (String line : markdown.lines().toList()) {
            String t = line.strip();
            if (!t.startsWith("|")) {
                if (inTable) {
                    break;
                }
                continue;
            }
            List<String> cells = new ArrayList<>();
            for (String c : t.substring(1, t.endsWith("|") ? t.length() - 1 : t.length())
                    .split("(?<!\\\\)\\|", -1)) {
                cells.add(c.strip().replace("\\|", "|"));
            }
            if (!inTable) {
                inTable = cells.get(0).equalsIgnoreCase("scenario");
                continue;
            }
            if (cells.get(0).startsWith("---")) {
                continue;
            }
            if (cells.size() < 5) {
                throw new IllegalArgumentException("DIFFERENCES.md: a row needs 5 cells: " + line);
            }
            out.add(new Entry(
                    strip(cells.get(0)),
                    strip(cells.get(1)),
                    strip(cells.get(2)),
                    strip(cells.get(3)).toLowerCase(java.util.Locale.ROOT).startsWith("disappears"),
                    cells.get(4)));
        }
        return new Differences(out);
    }

    private static String strip(String cell) {
        return cell.replace("`", "").strip();
    }
}
