package dev.partyflare.emulator.internal.storage;

import java.sql.SQLException;

/**
 * A commit that SQLite refuses because a write statement is still in progress: its cursor (an
 * {@code INSERT … RETURNING}, say) was not read to the end. workerd fails the same way and resets
 * the object; the caller sees {@code internal error; reference = …}.
 */
public final class StatementsInProgressException extends SQLException {
    public StatementsInProgressException() {
        super("cannot commit transaction - SQL statements in progress", "SQLITE_BUSY");
    }
}
