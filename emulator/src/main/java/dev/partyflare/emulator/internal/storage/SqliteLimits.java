package dev.partyflare.emulator.internal.storage;

import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.SQLiteConnection;

/**
 * The connection settings every object's database gets: the {@code sqlite3_limit} values workerd sets on every object's database ({@code
 * SqliteDatabase::setupSecurity}), as workerd 1.20260426 (npm) sets them, so statements and values
 * that are too long, too wide or too deep fail here exactly as they do there. With strict limits,
 * Cloudflare's production values where they are lower: rows of 2 MB, 32 function arguments and
 * 10 GB per object.
 */
final class SqliteLimits {
    static final int LENGTH = 0;
    static final int SQL_LENGTH = 1;
    static final int COLUMN = 2;
    static final int EXPR_DEPTH = 3;
    static final int COMPOUND_SELECT = 4;
    static final int VDBE_OP = 5;
    static final int FUNCTION_ARG = 6;
    static final int ATTACHED = 7;
    static final int LIKE_PATTERN_LENGTH = 8;
    static final int VARIABLE_NUMBER = 9;
    static final int TRIGGER_DEPTH = 10;
    static final int WORKER_THREADS = 11;

    /** The largest string, blob or row SQLite accepts: 2,200,000 bytes (measured on workerd). */
    static final int MAX_LENGTH = 2_200_000;

    static final int MAX_VARIABLES = 100;
    static final int MAX_SQL_LENGTH = 100_000;
    /** Production: 10 GB per object, in 4 KiB pages. */
    static final long STRICT_MAX_PAGES = 10_000_000_000L / 4096;

    private SqliteLimits() {}

    static void apply(Connection c, boolean strict) throws SQLException {
        // sqlite-jdbc runs "SELECT last_insert_rowid()" after every INSERT for getGeneratedKeys() and
        // leaves that query mid-way: an active statement keeps a reset's sqlite3_interrupt in force
        // for the next statements and makes PRAGMA case_sensitive_like a no-op. Nothing here uses it.
        ((SQLiteConnection) c).getConnectionConfig().setGetGeneratedKeys(false);
        var db = ((SQLiteConnection) c).getDatabase();
        db.limit(LENGTH, lengthLimit(strict));
        db.limit(SQL_LENGTH, MAX_SQL_LENGTH);
        db.limit(COLUMN, 100);
        db.limit(EXPR_DEPTH, 100);
        db.limit(COMPOUND_SELECT, 5);
        db.limit(VDBE_OP, 25_000);
        db.limit(FUNCTION_ARG, strict ? 32 : 127);
        db.limit(ATTACHED, 0);
        db.limit(LIKE_PATTERN_LENGTH, 50);
        db.limit(VARIABLE_NUMBER, MAX_VARIABLES);
        db.limit(TRIGGER_DEPTH, 10);
        db.limit(WORKER_THREADS, 0);
        if (strict) {
            try (var s = c.createStatement()) {
                s.execute("PRAGMA max_page_count = " + STRICT_MAX_PAGES);
            }
        }
    }

    /** SQLITE_LIMIT_LENGTH for user SQL: workerd's, or production's row limit when strict. */
    static int lengthLimit(boolean strict) {
        return strict ? StorageErrors.STRICT_MAX_ROW_BYTES : MAX_LENGTH;
    }

    /** Sets one limit, returning the previous value. */
    static int set(Connection c, int id, int value) throws SQLException {
        return ((SQLiteConnection) c).getDatabase().limit(id, value);
    }
}
