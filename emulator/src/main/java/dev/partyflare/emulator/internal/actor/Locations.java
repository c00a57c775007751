package dev.partyflare.emulator.internal.actor;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Cloudflare's location hints and jurisdictions (in documentation order, which error texts list). */
public final class Locations {
    /**
     * The documented location hints; {@code apac-ne} (Northeast Asia-Pacific) and {@code apac-se}
     * (Southeast Asia-Pacific) since 2026.
     */
    public static final Set<String> HINTS =
            ordered("wnam", "enam", "sam", "weur", "eeur", "apac", "apac-ne", "apac-se", "oc", "afr", "me");

    /** The documented jurisdictions; {@code us} and {@code fedramp-high} since 2026. */
    public static final Set<String> JURISDICTIONS = ordered("eu", "fedramp", "fedramp-high", "us");

    private Locations() {}

    private static Set<String> ordered(String... values) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(values)));
    }

    /** Where an object of {@code jurisdiction} runs when no hint is given. */
    static String defaultFor(String jurisdiction, String fallback) {
        if (jurisdiction == null) {
            return fallback;
        }
        return switch (jurisdiction) {
            case "eu" -> "weur";
            case "fedramp", "fedramp-high", "us" -> "enam";
            default -> fallback;
        };
    }
}
