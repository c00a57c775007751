package dev.partyflare.emulator.internal.config;

import dev.partyflare.emulator.EmulatorOptions;
import java.time.Duration;
import java.util.Map;

/**
 * The {@code [partyflare]} section of a wrangler config: settings of partyflare's own that
 * Cloudflare's config has no place for. One mapping for every way a config reaches an emulator
 * ({@code partyflare dev}, {@code EmulatorOptions.fromConfig}, {@code @PartyflareTest(config)}), so
 * each setting means the same everywhere; command-line flags are applied after it.
 */
public final class PartyflareSettings {

    /** A setting: its key, the type its value must have, and what it means. */
    enum Setting {
        ATTACHMENT_LIMIT("attachment_limit", Kind.NON_NEGATIVE, "largest WebSocket attachment, in bytes"),
        STRICT_LIMITS("strict_limits", Kind.BOOLEAN, "apply production's limits"),
        POINT_IN_TIME_RECOVERY("point_in_time_recovery", Kind.BOOLEAN, "keep history for the PITR API"),
        HONOUR_RETRY_ALARM(
                "honour_retry_alarm",
                Kind.BOOLEAN,
                "abort(reason, {retryAlarm: false}) in alarm() drops the alarm (false: retried, as workerd 1.20260426)"),
        IDLE_TIMEOUT_MS("idle_timeout_ms", Kind.NUMBER, "idle time before hibernation or eviction (negative: never)"),
        WS_SEND_QUEUE_LIMIT("ws_send_queue_limit", Kind.POSITIVE, "bytes queued for a slow WebSocket client"),
        EVENT_TIMEOUT_MS("event_timeout_ms", Kind.NUMBER, "running time an event may take (0 or less: no limit)");

        final String key;
        final Kind kind;
        final String meaning;

        Setting(String key, Kind kind, String meaning) {
            this.key = key;
            this.kind = kind;
            this.meaning = meaning;
        }

        static Setting of(String key) {
            for (Setting s : values()) {
                if (s.key.equals(key)) {
                    return s;
                }
            }
            return null;
        }
    }

    enum Kind {
        BOOLEAN,
        NUMBER,
        NON_NEGATIVE,
        POSITIVE
    }

    private PartyflareSettings() {}

    /**
     * What is wrong with {@code value} for {@code key}, or null when it is fine; "unknown" keys get a
     * text starting with {@code unknown}.
     */
    static String problem(String key, Object value) {
        Setting s = Setting.of(key);
        if (s == null) {
            StringBuilder known = new StringBuilder();
            for (Setting k : Setting.values()) {
                known.append(known.isEmpty() ? "" : ", ").append(k.key);
            }
            return "unknown setting \"" + key + "\" in [partyflare] (ignored); known: " + known;
        }
        return switch (s.kind) {
            case BOOLEAN ->
                value instanceof Boolean ? null : "[partyflare] " + key + " must be true or false, not " + value;
            case NUMBER -> value instanceof Number ? null : "[partyflare] " + key + " must be a number, not " + value;
            case NON_NEGATIVE ->
                value instanceof Number n && n.longValue() >= 0 && n.longValue() <= Integer.MAX_VALUE
                        ? null
                        : "[partyflare] " + key + " must be a whole number of 0 or more, not " + value;
            case POSITIVE ->
                value instanceof Number n && n.longValue() > 0
                        ? null
                        : "[partyflare] " + key + " must be a number greater than 0, not " + value;
        };
    }

    /** An example line for {@code key}, for error hints. */
    static String example(String key) {
        Setting s = Setting.of(key);
        if (s == null) {
            return "[partyflare]\nstrict_limits = true";
        }
        return "[partyflare]\n" + key + " = "
                + switch (s.kind) {
                    case BOOLEAN -> "true";
                    case NUMBER, NON_NEGATIVE, POSITIVE -> "16384";
                }
                + "   # " + s.meaning;
    }

    /** Applies the (already checked) settings to {@code b}; unknown keys are left out. */
    public static EmulatorOptions.Builder apply(Map<String, Object> settings, EmulatorOptions.Builder b) {
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            Setting s = Setting.of(e.getKey());
            if (s == null || problem(e.getKey(), e.getValue()) != null) {
                continue;
            }
            Object v = e.getValue();
            switch (s) {
                case ATTACHMENT_LIMIT -> b.attachmentLimit(((Number) v).intValue());
                case STRICT_LIMITS -> b.strictLimits((Boolean) v);
                case POINT_IN_TIME_RECOVERY -> b.pointInTimeRecovery((Boolean) v);
                case HONOUR_RETRY_ALARM -> b.honourRetryAlarm((Boolean) v);
                case IDLE_TIMEOUT_MS -> {
                    long ms = ((Number) v).longValue();
                    b.idleTimeout(ms < 0 ? null : Duration.ofMillis(ms));
                }
                case WS_SEND_QUEUE_LIMIT -> b.maxWebSocketSendQueueBytes(((Number) v).longValue());
                case EVENT_TIMEOUT_MS -> {
                    long ms = ((Number) v).longValue();
                    b.eventTimeout(ms <= 0 ? null : Duration.ofMillis(ms));
                }
            }
        }
        return b;
    }
}
