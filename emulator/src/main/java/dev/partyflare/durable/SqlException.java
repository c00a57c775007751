package dev.partyflare.durable;

/**
 * An error from {@code sql.exec}: the message follows SQLite's form ({@code no such table: t:
 * SQLITE_ERROR}) where the emulator can map H2's error to it; {@link #code()} is the SQLite result
 * code name ({@code SQLITE_ERROR}, {@code SQLITE_CONSTRAINT}, {@code SQLITE_AUTH}, ...), or null for
 * errors of the API itself.
 */
public class SqlException extends RuntimeException {
    private final String code;

    public SqlException(String message, String code, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
