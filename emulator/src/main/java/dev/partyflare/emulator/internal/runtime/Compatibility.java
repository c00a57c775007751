package dev.partyflare.emulator.internal.runtime;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Behaviour that Cloudflare gates by the Worker's {@code compatibility_date}: a project gets the
 * behaviour of its date, and one without a date gets today's.
 */
public final class Compatibility {
    /** {@code deleteAll()} also deletes the alarm ({@code delete_all_deletes_alarm}). */
    static final LocalDate DELETE_ALL_DELETES_ALARM = LocalDate.of(2026, 2, 24);

    private Compatibility() {}

    public static boolean deleteAllDeletesAlarm(String compatibilityDate) {
        return onOrAfter(compatibilityDate, DELETE_ALL_DELETES_ALARM);
    }

    static boolean onOrAfter(String compatibilityDate, LocalDate flagDate) {
        if (compatibilityDate == null || compatibilityDate.isBlank()) {
            return true;
        }
        try {
            return !LocalDate.parse(compatibilityDate.trim()).isBefore(flagDate);
        } catch (DateTimeParseException e) {
            return true; // the config reader reports a malformed date
        }
    }
}
