package dev.partyflare.emulator.internal.config;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Behaviour that Cloudflare gates by the Worker's {@code compatibility_date} and {@code
 * compatibility_flags}, as workerd's {@code compatibility-date.capnp} defines it: each behaviour is
 * on from its date, and its enable flag turns it on before that date, its disable flag off after.
 * A project without a date gets today's behaviour. docs/compatibility.md lists the flags.
 */
public final class Compatibility {

    /** One gated behaviour: its enable and disable flags and the date it becomes the default. */
    public enum Flag {
        /** {@code deleteAll()} also deletes the alarm. */
        DELETE_ALL_DELETES_ALARM("delete_all_deletes_alarm", "delete_all_preserves_alarm", "2026-02-24"),
        /** {@code WebSocket.close()} refuses a reason over 123 UTF-8 bytes with a SyntaxError. */
        WEBSOCKET_CLOSE_REASON_BYTE_LIMIT(
                "websocket_close_reason_byte_limit", "no_websocket_close_reason_byte_limit", "2026-03-03"),
        /**
         * A standard (non-hibernatable) socket answers the client's close frame by itself, with the
         * client's code and reason, and is CLOSED (3) when the close event runs.
         */
        WEB_SOCKET_AUTO_REPLY_TO_CLOSE(
                "web_socket_auto_reply_to_close", "web_socket_manual_reply_to_close", "2026-04-07"),
        /**
         * Pending I/O (calls to other objects, waitUntil, timers) keeps an object with no client from
         * being evicted. Production only: local workerd keeps such an object at every date (probed), and
         * so does partyflare; the flag is accepted so that configs that set it load.
         */
        DURABLE_OBJECT_IO_TASKS_PREVENT_EVICTION(
                "durable_object_io_tasks_prevent_eviction",
                "durable_object_io_tasks_do_not_prevent_eviction",
                "2026-10-01");

        final String enable;
        final String disable;
        final LocalDate date;

        Flag(String enable, String disable, String date) {
            this.enable = enable;
            this.disable = disable;
            this.date = LocalDate.parse(date);
        }

        public String enableFlag() {
            return enable;
        }

        public String disableFlag() {
            return disable;
        }

        public LocalDate date() {
            return date;
        }
    }

    private static final Compatibility TODAY = new Compatibility(null, Set.of(), Set.of());

    private final LocalDate date;
    private final Set<String> flags;
    private final Set<String> ignoredFlags;

    private Compatibility(LocalDate date, Set<String> flags, Set<String> ignoredFlags) {
        this.date = date;
        this.flags = flags;
        this.ignoredFlags = ignoredFlags;
    }

    /** Today's behaviour: every flag at its default for a date later than all of them. */
    public static Compatibility today() {
        return TODAY;
    }

    /**
     * The behaviour of {@code date} ({@code YYYY-MM-DD}, or null for today) with {@code flags}.
     *
     * @throws IllegalArgumentException for a malformed date or flag, or a flag together with its
     *     opposite, with workerd's wording where it has one
     */
    public static Compatibility of(String date, Collection<String> flags) {
        LocalDate d = null;
        if (date != null && !date.isBlank()) {
            try {
                d = LocalDate.parse(date.trim());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(
                        "Invalid compatibility date \"" + date + "\": expected YYYY-MM-DD, e.g. 2026-04-01");
            }
        }
        Set<String> set = new LinkedHashSet<>();
        Set<String> ignored = new LinkedHashSet<>();
        for (String f : flags == null ? List.<String>of() : flags) {
            if (f == null || !f.matches("[a-z0-9_]+")) {
                throw new IllegalArgumentException("Invalid compatibility flag \"" + f
                        + "\": flags are lower-case words joined by '_', e.g. web_socket_auto_reply_to_close");
            }
            if (!set.add(f)) {
                continue;
            }
            if (known(f) == null) {
                ignored.add(f);
            }
        }
        for (Flag flag : Flag.values()) {
            if (set.contains(flag.enable) && set.contains(flag.disable)) {
                throw new IllegalArgumentException("Compatibility flags \"" + flag.enable + "\" and \"" + flag.disable
                        + "\" contradict each other: keep one");
            }
        }
        return new Compatibility(d, Set.copyOf(set), Set.copyOf(ignored));
    }

    private static Flag known(String name) {
        for (Flag f : Flag.values()) {
            if (f.enable.equals(name) || f.disable.equals(name)) {
                return f;
            }
        }
        return null;
    }

    /** Whether {@code flag}'s behaviour is on for this date and these flags. */
    public boolean enabled(Flag flag) {
        if (flags.contains(flag.enable)) {
            return true;
        }
        if (flags.contains(flag.disable)) {
            return false;
        }
        return date == null || !date.isBefore(flag.date);
    }

    /** Flags given that partyflare does not emulate (workerd has many more): they change nothing here. */
    public List<String> ignoredFlags() {
        return new ArrayList<>(ignoredFlags);
    }

    /** The date, or null for today's behaviour. */
    public LocalDate date() {
        return date;
    }

    @Override
    public String toString() {
        return (date == null ? "today" : date.toString()) + (flags.isEmpty() ? "" : " " + flags);
    }
}
