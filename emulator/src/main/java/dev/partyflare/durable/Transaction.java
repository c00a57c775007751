package dev.partyflare.durable;

/** The storage view inside {@code storage.transaction(txn -> ...)}. */
public interface Transaction extends StorageOperations {
    /** Undoes every write of this transaction when it ends; the transaction's result is kept. */
    void rollback();
}
