package dev.partyflare.emulator.internal.storage;

/** What the storage API needs from the object it belongs to. */
public interface StorageHost {
    /** This object's store, opened on first use. */
    ObjectStore store();

    /** Throws unless the calling thread runs an event of this object. */
    void checkEvent(String operation);

    /** A write happened; {@code confirmed} writes hold outgoing messages until committed. */
    void wrote(boolean confirmed);

    /** Enter/leave a critical section (transactions): waits do not open the input gate. */
    void enterExclusive();

    void exitExclusive();

    boolean strictLimits();

    /** True for SQLite-backed classes ({@code new_sqlite_classes}). */
    boolean sqlEnabled();

    /** True when the object's class overrides {@code alarm()}. */
    boolean hasAlarmHandler();

    /** Where the object's own classes load from (to give values back as the types written). */
    ClassLoader classLoader();

    /** Now on the runtime clock. */
    long now();

    /** Commits now (for {@code sync()}); resets the object if the commit fails. */
    void commitNow();
}
