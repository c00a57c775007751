package dev.partyflare.durable;

import java.util.concurrent.Callable;

/**
 * An object's storage ({@code ctx.storage}): key-value operations, the alarm, transactions and,
 * for SQLite-backed classes, SQL. Writes of one event are committed together, and a response or
 * outgoing message that follows a write is released only once that write is durable (the output
 * gate).
 */
public interface DurableObjectStorage extends StorageOperations {

    /** Deletes every key, the alarm and (SQLite-backed classes) every SQL table. */
    void deleteAll();

    /** Waits until every write so far is durable. */
    void sync();

    /**
     * Runs {@code body} as one atomic transaction: if it throws, none of its writes happen (the
     * exception propagates). No other event runs meanwhile.
     */
    <T> T transaction(TransactionBody<T> body);

    /** Like {@link #transaction}, for synchronous code. */
    <T> T transactionSync(Callable<T> body);

    /**
     * A bookmark of the current state (SQLite-backed classes), in workerd's format: local workerd
     * counts calls rather than tracking time.
     */
    String getCurrentBookmark();

    /**
     * Point-in-time recovery: a bookmark of the state at {@code epochMillis}. Local workerd refuses it
     * with its error, and so does partyflare by default; with point-in-time recovery on ({@code
     * EmulatorOptions.Builder.pointInTimeRecovery(true)}, {@code --point-in-time-recovery}) partyflare
     * keeps the history Cloudflare keeps (30 days) and answers as production does.
     */
    String getBookmarkForTime(long epochMillis);

    /**
     * Restores the object to {@code bookmark} when it next starts (after {@code ctx.abort()}), and
     * returns a bookmark that undoes the restore; see {@link #getBookmarkForTime(long)} for when it
     * works locally.
     */
    String onNextSessionRestoreBookmark(String bookmark);

    /**
     * The SQL API of a SQLite-backed class ({@code new_sqlite_classes}).
     *
     * @throws IllegalStateException for KV-backed classes, with Cloudflare's text
     */
    SqlStorage sql();

    /**
     * The synchronous KV view ({@code ctx.storage.kv}) of a SQLite-backed class: the same keys as
     * {@code get}/{@code put}/{@code delete}/{@code list} above.
     */
    SyncKvStorage kv();

    /** The body of a transaction. */
    @FunctionalInterface
    interface TransactionBody<T> {
        T run(Transaction txn) throws Exception;
    }
}
