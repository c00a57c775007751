package dev.partyflare.emulator.internal.storage;

import java.util.Comparator;

/**
 * Cloudflare orders keys by their UTF-8 bytes; that is code point order, which {@link
 * String#compareTo} (UTF-16 units) gets wrong for characters beyond U+FFFF.
 */
public final class KeyOrder {
    public static final Comparator<String> UTF8 = KeyOrder::compare;

    private KeyOrder() {}

    public static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
