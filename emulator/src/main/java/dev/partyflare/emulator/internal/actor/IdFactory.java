package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.DurableObjectId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Derives ids exactly as workerd does: {@code key = SHA-256("<worker>-<class>")}; {@code
 * idFromName(n) = HMAC(key, n)[0..16] ‖ HMAC(key, that)[0..16]}; a unique id is 16 random bytes
 * followed by the same check half, which {@code idFromString} verifies. A jurisdiction gets its own
 * key (production's jurisdictional ids cannot be observed locally), so its ids differ.
 */
final class IdFactory {
    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * This namespace's HMAC, initialized once and never updated: each id clones it (a copy of its
     * state), not {@code Mac.getInstance} and {@code init} again (a provider lookup and the key's
     * pads, for each of a new name's two HMACs).
     */
    private final Mac prototype;

    private final String jurisdiction;

    IdFactory(String uniqueKey, String jurisdiction) {
        this.jurisdiction = jurisdiction;
        String material = jurisdiction == null ? uniqueKey : uniqueKey + ";jurisdiction=" + jurisdiction;
        try {
            byte[] k = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            this.prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(k, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 and HmacSHA256 must be available", e);
        }
    }

    DurableObjectId fromName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("idFromName() needs a name");
        }
        DurableObjectId cached = byName.get(name);
        if (cached != null) {
            return cached;
        }
        byte[] first = Arrays.copyOf(hmac(name.getBytes(StandardCharsets.UTF_8)), 16);
        DurableObjectId id = new DurableObjectId(hex(first), name, jurisdiction);
        if (byName.size() >= NAME_CACHE) {
            byName.clear(); // a crude bound: names in use come back at once
        }
        byName.put(name, id);
        return id;
    }

    /** Ids of recently used names: deriving one costs two HMACs, and rooms are named again and again. */
    private final java.util.concurrent.ConcurrentHashMap<String, DurableObjectId> byName =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static final int NAME_CACHE = 10_000;

    DurableObjectId unique() {
        byte[] first = new byte[16];
        RANDOM.nextBytes(first);
        return new DurableObjectId(hex(first), null, jurisdiction);
    }

    DurableObjectId fromString(String s) {
        if (s == null || s.length() != 64 || !isHex(s)) {
            throw new IllegalArgumentException("Invalid Durable Object ID: must be 64 hex digits");
        }
        byte[] all = HEX.parseHex(s.toLowerCase(java.util.Locale.ROOT));
        byte[] first = Arrays.copyOf(all, 16);
        byte[] check = Arrays.copyOf(hmac(first), 16);
        if (!MessageDigest.isEqual(check, Arrays.copyOfRange(all, 16, 32))) {
            throw new IllegalArgumentException("Durable Object ID is not valid for this namespace.");
        }
        return new DurableObjectId(HEX.formatHex(all), null, jurisdiction);
    }

    private String hex(byte[] first) {
        byte[] check = Arrays.copyOf(hmac(first), 16);
        byte[] all = new byte[32];
        System.arraycopy(first, 0, all, 0, 16);
        System.arraycopy(check, 0, all, 16, 16);
        return HEX.formatHex(all);
    }

    private byte[] hmac(byte[] data) {
        try {
            return ((Mac) prototype.clone()).doFinal(data); // the JDK's HmacSHA256 clones (HmacCore)
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HmacSHA256 cannot be cloned", e);
        }
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
