package dev.partyflare.server;

import java.security.SecureRandom;

/** nanoid's default: 21 characters of {@code A-Za-z0-9_-}. */
final class NanoId {
    private static final char[] ALPHABET =
            "useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private NanoId() {}

    static String next() {
        byte[] bytes = new byte[21];
        RANDOM.nextBytes(bytes);
        char[] out = new char[21];
        for (int i = 0; i < 21; i++) {
            out[i] = ALPHABET[bytes[i] & 63];
        }
        return new String(out);
    }
}
