package dev.partyflare.emulator.internal.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The server's side of the WebSocket opening handshake as workerd answers it (kj's {@code
 * acceptWebSocket} with automatic compression): {@code Sec-WebSocket-Version} must be {@code 13},
 * a {@code Sec-WebSocket-Key} must be present (its form is not checked), and the first valid
 * {@code permessage-deflate} offer is accepted with the client's own parameters echoed back.
 */
final class WebSocketHandshake {
    private WebSocketHandshake() {}

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** The {@code Sec-WebSocket-Accept} value for {@code key}. */
    static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * permessage-deflate parameters, from the server's point of view: inbound = what the client
     * sends (its {@code client_*} parameters), outbound = what the server sends.
     */
    record Deflate(
            boolean inboundNoContextTakeover,
            boolean outboundNoContextTakeover,
            int inboundMaxWindowBits,
            int outboundMaxWindowBits) {
        static final int UNSET = -1;

        /** The {@code Sec-WebSocket-Extensions} answer, in kj's order of parameters. */
        String response() {
            StringBuilder sb = new StringBuilder("permessage-deflate");
            if (inboundNoContextTakeover) {
                sb.append("; client_no_context_takeover");
            }
            if (outboundNoContextTakeover) {
                sb.append("; server_no_context_takeover");
            }
            if (inboundMaxWindowBits != UNSET) {
                sb.append("; client_max_window_bits=").append(inboundMaxWindowBits);
            }
            if (outboundMaxWindowBits != UNSET) {
                sb.append("; server_max_window_bits=").append(outboundMaxWindowBits);
            }
            return sb.toString();
        }
    }

    /**
     * The accepted permessage-deflate configuration for a {@code Sec-WebSocket-Extensions} request
     * header, or null (kj's {@code tryParseExtensionOffers}): offers are separated by commas and
     * tried in order; an offer is {@code permessage-deflate} (exactly, case-sensitive) followed by
     * {@code ;}-separated parameters, each at most once: {@code client_no_context_takeover} and
     * {@code server_no_context_takeover} without a value, {@code server_max_window_bits=8..15} (a
     * value required), {@code client_max_window_bits[=8..15]} (no value means 15). Anything else
     * makes the offer invalid.
     */
    static Deflate negotiate(String offers) {
        if (offers == null) {
            return null;
        }
        for (String offer : split(offers, ',')) {
            List<String> parts = split(offer, ';');
            if (parts.isEmpty() || !parts.get(0).equals("permessage-deflate")) {
                continue;
            }
            Deflate d = parameters(parts.subList(1, parts.size()));
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    private static Deflate parameters(List<String> params) {
        if (params.size() > 4) {
            return null;
        }
        boolean clientNoContext = false;
        boolean serverNoContext = false;
        String clientBits = null;
        String serverBits = null;
        for (String param : params) {
            int eq = param.indexOf('=');
            String key = eq < 0 ? param : strip(param.substring(0, eq));
            String value = eq < 0 ? null : strip(param.substring(eq + 1));
            switch (key) {
                case "client_no_context_takeover" -> {
                    if (clientNoContext || value != null) {
                        return null;
                    }
                    clientNoContext = true;
                }
                case "server_no_context_takeover" -> {
                    if (serverNoContext || value != null) {
                        return null;
                    }
                    serverNoContext = true;
                }
                case "client_max_window_bits" -> {
                    if (clientBits != null || (value != null && value.isEmpty())) {
                        return null;
                    }
                    clientBits = value == null ? "" : value;
                }
                case "server_max_window_bits" -> {
                    if (serverBits != null || (value != null && value.isEmpty())) {
                        return null;
                    }
                    serverBits = value == null ? "" : value;
                }
                default -> {
                    return null;
                }
            }
        }
        int outbound = Deflate.UNSET;
        if (serverBits != null) {
            if (serverBits.isEmpty()) {
                return null; // a value is required
            }
            outbound = windowBits(serverBits);
            if (outbound < 0) {
                return null;
            }
        }
        int inbound = Deflate.UNSET;
        if (clientBits != null) {
            inbound = clientBits.isEmpty() ? 15 : windowBits(clientBits);
            if (inbound < 0) {
                return null;
            }
        }
        return new Deflate(clientNoContext, serverNoContext, inbound, outbound);
    }

    /**
     * A window size 8..15 as kj reads it ({@code strtoull}: decimal, or hexadecimal after {@code
     * 0x}; a leading {@code +} is allowed), or -1.
     */
    static int windowBits(String s) {
        boolean hex = s.length() > 1 && s.charAt(0) == '0' && (s.charAt(1) == 'x' || s.charAt(1) == 'X');
        int i = hex ? 2 : s.startsWith("+") ? 1 : 0;
        if (i == s.length() || s.length() - i > 18) {
            return -1;
        }
        long v = 0;
        for (; i < s.length(); i++) {
            int d = Character.digit(s.charAt(i), hex ? 16 : 10);
            if (d < 0 || s.charAt(i) > 'f') {
                return -1;
            }
            v = v * (hex ? 16 : 10) + d;
        }
        return v >= 8 && v <= 15 ? (int) v : -1;
    }

    /** kj's {@code splitParts}: split on {@code delim}, each part stripped of spaces and tabs. */
    private static List<String> split(String s, char delim) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            int j = s.indexOf(delim, i);
            if (j < 0) {
                j = n;
            }
            parts.add(strip(s.substring(i, j)));
            i = j + 1;
        }
        return parts;
    }

    private static String strip(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && (s.charAt(a) == ' ' || s.charAt(a) == '\t')) {
            a++;
        }
        while (b > a && (s.charAt(b - 1) == ' ' || s.charAt(b - 1) == '\t')) {
            b--;
        }
        return s.substring(a, b);
    }
}
