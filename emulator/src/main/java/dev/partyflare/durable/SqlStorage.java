package dev.partyflare.durable;

/**
 * SQL on an object's own database ({@code ctx.storage.sql}). Queries use SQLite syntax; the
 * emulator runs them on H2 and translates the common differences (see docs/guide.md, "SQL").
 */
public interface SqlStorage {

    /** Runs {@code query} (one or more statements) with {@code ?} bindings. */
    SqlCursor exec(String query, Object... bindings);

    /** The database size in bytes, estimated as SQLite pages (see docs). */
    long databaseSize();
}
