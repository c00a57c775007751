package dev.partyflare.emulator.internal.storage;

import dev.partyflare.emulator.internal.exec.OutputGate;
import java.sql.SQLException;

/**
 * One live object's storage (workerd's {@code ActorSqlite}): its session on the object's database,
 * opened on first use, and its commit point. A confirmed write locks the object's {@link
 * OutputGate}; the commit point makes the writes durable, tells the alarm scheduler about a changed
 * alarm and unlocks the gate, or, when the commit fails, breaks the gate so what waited on the
 * writes is never sent.
 */
public final class ObjectStorage {
    /** Told when a committed write changed the object's alarm (null: it has none now). */
    @FunctionalInterface
    public interface AlarmListener {
        void alarmChanged(NamespaceStorage.StoredAlarm alarm);
    }

    private final NamespaceStorage namespace;
    private final String id;
    private final String jurisdiction;
    private final String name;
    private final String location;
    private final OutputGate outputGate;
    private final AlarmListener alarms;
    private final StorageSettings settings;
    // used under the object's input gate; close() may come from another thread
    private volatile ObjectStore store;
    private volatile boolean closed;

    public ObjectStorage(
            NamespaceStorage namespace,
            String id,
            String jurisdiction,
            String name,
            String location,
            OutputGate outputGate,
            AlarmListener alarms,
            StorageSettings settings) {
        this.namespace = namespace;
        this.id = id;
        this.jurisdiction = jurisdiction;
        this.name = name;
        this.location = location;
        this.outputGate = outputGate;
        this.alarms = alarms;
        this.settings = settings;
    }

    public StorageSettings settings() {
        return settings;
    }

    /** This object's storage session, opened on first use. */
    public ObjectStore store() {
        ObjectStore s = store;
        if (s == null) {
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("The storage of this Durable Object was closed (it was reset)");
                }
                s = store;
                if (s == null) {
                    s = namespace.open(id, jurisdiction, name, location, settings.pointInTimeRecovery());
                    store = s;
                }
            }
        }
        return s;
    }

    /** A write happened; a confirmed one holds outgoing messages until it is durable. */
    public void wrote(boolean confirmed) {
        if (confirmed) {
            outputGate.lockWhileWriting();
        }
    }

    /**
     * The commit point: makes every write so far durable, then lets the outputs that waited on them
     * go. Throws if the commit failed (the gate is broken then; the caller resets the object).
     * Returns how many writes were committed (0: there was nothing to commit).
     */
    public int commit() throws SQLException {
        ObjectStore s = store;
        int writes = 0;
        if (s != null) {
            boolean wasDirty = s.dirty();
            try {
                s.commit();
            } catch (SQLException | RuntimeException e) {
                outputGate.breakGate();
                throw e;
            }
            if (wasDirty) {
                writes = Math.max(1, s.takeWrites());
            }
            if (wasDirty && s.takeAlarmChanged()) {
                alarms.alarmChanged(s.alarm());
            }
            if (wasDirty && s.pointInTimeRecovery()) {
                s.snapshot(settings.now().getAsLong());
            }
        }
        outputGate.unlock();
        return writes;
    }

    /** The commit point passed: the database may be closed while unused. */
    public void releaseSession() {
        ObjectStore s = store;
        if (s != null) {
            s.releaseSession();
        }
    }

    /** Drops uncommitted writes and ends the session (eviction, hibernation). */
    public void close() {
        close(false);
    }

    /** A reset: like {@link #close()}, and a statement running now (on another thread) is interrupted. */
    public void abort() {
        close(true);
    }

    private void close(boolean interruptRunning) {
        ObjectStore s;
        synchronized (this) {
            closed = true;
            s = store;
        }
        if (s != null) {
            s.close(interruptRunning);
        }
    }
}
