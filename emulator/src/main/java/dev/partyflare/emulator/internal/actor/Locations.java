package dev.partyflare.emulator.internal.actor;

import java.util.Set;

/** Cloudflare's location hints and jurisdictions. */
public final class Locations {
    /** The documented location hints. */
    public static final Set<String> HINTS = Set.of("wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me");

    public static final Set<String> JURISDICTIONS = Set.of("eu", "fedramp");

    private Locations() {}

    /** Where an object of {@code jurisdiction} runs when no hint is given. */
    static String defaultFor(String jurisdiction, String fallback) {
        if ("eu".equals(jurisdiction)) {
            return "weur";
        }
        if ("fedramp".equals(jurisdiction)) {
            return "enam";
        }
        return fallback;
    }
}
