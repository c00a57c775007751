package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.emulator.TimelineEvent;
import dev.partyflare.emulator.internal.exec.ActorResetError;
import dev.partyflare.emulator.internal.exec.EventContext;
import dev.partyflare.emulator.internal.exec.InputGate;
import dev.partyflare.emulator.internal.storage.ObjectStorage;
import dev.partyflare.emulator.internal.storage.StatementsInProgressException;
import dev.partyflare.emulator.internal.storage.StorageApi;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * One object's commit points, the storage side of its output gate: at the end of an event, before
 * the gate opens for I/O and on {@code sync()}, the event's staged writes commit in one transaction
 * and the outputs held behind them leave; a failed commit resets the object and the outputs are
 * dropped. Also the storage API's hooks ({@link StorageApi.StorageEvents}): every call checks that
 * it runs in an event of this object that was not reset. Runs on the thread of the event holding
 * the input gate.
 */
final class CommitPoint implements StorageApi.StorageEvents {
    static final String COMMIT_FAILED = "Internal error in Durable Object storage write caused object to be reset.";

    private final ActorNamespace namespace;
    private final DurableObjectId id;
    private final InputGate gate;
    private final ObjectStorage storage;
    private final ObjectLifecycle lifecycle;
    private final Timeline.Log log;

    CommitPoint(
            ActorNamespace namespace,
            DurableObjectId id,
            InputGate gate,
            ObjectStorage storage,
            ObjectLifecycle lifecycle,
            Timeline.Log log) {
        this.namespace = namespace;
        this.id = id;
        this.gate = gate;
        this.storage = storage;
        this.lifecycle = lifecycle;
        this.log = log;
    }

    /**
     * The commit point: this event's writes become durable, then the outputs held behind them leave.
     * If the commit fails, the outputs are dropped and the object is reset.
     */
    void commitOrReset() {
        if (lifecycle.isBroken()) {
            throw new ActorResetError(
                    lifecycle.brokenReason().errorType(),
                    lifecycle.brokenReason().getMessage());
        }
        try {
            int writes = storage.commit();
            if (writes > 0) {
                namespace.services().timeline().record(log, TimelineEvent.Kind.STORAGE_COMMIT, null, null, writes, 0);
            }
        } catch (SQLException | RuntimeException e) {
            String message = COMMIT_FAILED;
            ActorServices.ErrorReporter errors = namespace.services().errors();
            if (e instanceof StatementsInProgressException) {
                // workerd's answer when a write cursor (INSERT ... RETURNING) was left unread
                message = "internal error; reference = " + HexFormat.of().formatHex(randomReference());
                errors.report(
                        where(),
                        new IllegalStateException(
                                e.getMessage()
                                        + ": a write statement's cursor (… RETURNING) was not read to its end before"
                                        + " the event's commit point; workerd resets the object then",
                                e));
            } else {
                errors.report(where(), e);
            }
            lifecycle.reset("java.lang.Error", message);
            throw new ActorResetError("java.lang.Error", message);
        }
    }

    private String where() {
        return namespace.where(id, log, "storage commit");
    }

    private static byte[] randomReference() {
        byte[] b = new byte[12];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    /** The gate opens for I/O: the session may go back to the pool until storage is used again. */
    void releaseSession() {
        storage.releaseSession();
    }

    /** The event ended, everything committed: the session goes back to the pool (or closes after a reset). */
    void endOfEvent() {
        if (lifecycle.isBroken()) {
            storage.close();
        } else {
            storage.releaseSession();
        }
    }

    // ---- StorageApi.StorageEvents ----

    @Override
    public void check(String operation) {
        EventContext ec = EventContext.current();
        if (ec == null || ec.owner() == null || ec.owner().gate() != gate) {
            throw new IllegalStateException("storage " + operation
                    + " must be called from code running inside this Durable Object's own event");
        }
        if (lifecycle.isBroken()) {
            throw lifecycle.resetWhileAway();
        }
    }

    @Override
    public void commitPoint() {
        commitOrReset();
    }
}
