package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.AlarmInvocationInfo;
import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.emulator.TimelineEvent;
import dev.partyflare.emulator.internal.exec.ActorResetError;
import dev.partyflare.emulator.internal.storage.NamespaceStorage;
import dev.partyflare.emulator.internal.storage.ObjectStorage;
import dev.partyflare.emulator.internal.storage.ObjectStore;

/**
 * Runs one object's stored alarm as an event like any other (workerd's alarm handler call): the
 * alarm is consumed before {@code alarm()} runs, a failure stores the retry with the backoff of
 * {@link AlarmScheduler}, and a reset during the run leaves the alarm stored and schedules it again.
 * Called on an alarm thread of the scheduler, or by a tool; the event itself goes through the
 * namespace, so a hibernated object wakes for it.
 */
final class AlarmRunner {
    private final ActorNamespace namespace;
    private final DurableObjectId id;
    private final ObjectStorage storage;
    private final ObjectLifecycle lifecycle;
    private final Timeline.Log log;

    AlarmRunner(
            ActorNamespace namespace,
            DurableObjectId id,
            ObjectStorage storage,
            ObjectLifecycle lifecycle,
            Timeline.Log log) {
        this.namespace = namespace;
        this.id = id;
        this.storage = storage;
        this.lifecycle = lifecycle;
        this.log = log;
    }

    private ActorServices services() {
        return namespace.services();
    }

    /**
     * Runs the stored alarm if it is due (or at once when {@code immediately}); returns whether one
     * ran. A failure schedules the retry, as for an alarm that came due.
     */
    boolean run(boolean immediately) {
        java.util.concurrent.atomic.AtomicReference<NamespaceStorage.StoredAlarm> ran =
                new java.util.concurrent.atomic.AtomicReference<>();
        try {
            return namespace.run(id, null, obj -> {
                ObjectStore store = storage.store();
                NamespaceStorage.StoredAlarm row = store.alarm();
                ran.set(row);
                long now = services().clock().millis();
                if (row == null || (row.at() > now && !immediately)) {
                    return false; // deleted or moved since it was scheduled
                }
                store.deleteAlarm(); // getAlarm() is null inside alarm()
                AlarmInvocationInfo info =
                        new AlarmInvocationInfo(row.scheduledTime(), row.retryCount(), row.retryCount() > 0);
                try {
                    obj.alarm(info);
                    record(row, "ok", null);
                } catch (ActorResetError e) {
                    record(row, "reset", lifecycle.brokenReason().getMessage());
                    throw e;
                } catch (Exception | Error e) {
                    services().timeline().handlerError(log, "alarm", e);
                    record(row, "error", Timeline.describe(e));
                    services().errors().report(namespace.where(id, log, "alarm, run " + (row.retryCount() + 1)), e);
                    if (store.alarm() == null && row.retryCount() < AlarmScheduler.MAX_RETRIES) {
                        long delay = AlarmScheduler.retryDelayMillis(row.retryCount());
                        store.setAlarm(now + delay, row.scheduledTime(), row.retryCount() + 1);
                    }
                }
                return true;
            });
        } catch (ActorBrokenException e) {
            NamespaceStorage.StoredAlarm row = ran.get();
            if (row != null && lifecycle.isBroken()) {
                boolean retry =
                        lifecycle.brokenReason().retryAlarm() || !services().honourRetryAlarm();
                if (afterReset(row, retry)) {
                    return true;
                }
            }
            // reset before the alarm was read: it was not consumed; try again after the backoff
            services()
                    .alarms()
                    .set(
                            namespace,
                            id.toString(),
                            id.jurisdiction().orElse(null),
                            services().clock().millis() + AlarmScheduler.retryDelayMillis(0));
            return true;
        } catch (Exception | Error e) {
            services().errors().report(namespace.where(id, log, "alarm"), e);
            return true;
        }
    }

    /**
     * A reset cut the run of {@code row} off, so its consumption was rolled back: stores the retry
     * (counted, after the backoff, as for a run that threw; workerd: {@code retryCount: 1, isRetry:
     * true}) or, when {@code ctx.abort(reason, {retryAlarm: false})} asked for none, deletes the alarm
     * (workerd's {@code abandonAlarm}). Either way a replacement alarm that was committed meanwhile
     * stays. A storage event: the class is not constructed for it. False if it could not be done.
     */
    private boolean afterReset(NamespaceStorage.StoredAlarm row, boolean retry) {
        try {
            namespace.run(id, null, (Actor.StorageEventBody<Void>) actor -> {
                ObjectStore store = actor.storage().store();
                NamespaceStorage.StoredAlarm now = store.alarm();
                // null: the run's own consumption of the alarm was committed (a sync() in alarm())
                boolean ours = now == null || (now.at() == row.at() && now.retryCount() == row.retryCount());
                if (ours) {
                    if (retry && row.retryCount() < AlarmScheduler.MAX_RETRIES) {
                        long at = services().clock().millis() + AlarmScheduler.retryDelayMillis(row.retryCount());
                        store.setAlarm(at, row.scheduledTime(), row.retryCount() + 1);
                        actor.storage().wrote(true);
                    } else if (now != null) {
                        store.deleteAlarm();
                        actor.storage().wrote(true);
                    }
                }
                return null;
            });
            return true;
        } catch (Exception | Error e) {
            services().errors().report(namespace.where(id, log, "alarm, after a reset"), e);
            return false;
        } finally {
            Actor a = namespace.liveActor(id);
            if (a != null) {
                a.lifecycle().retireIfNeverStarted();
            }
        }
    }

    private void record(NamespaceStorage.StoredAlarm row, String outcome, String error) {
        services()
                .timeline()
                .record(log, TimelineEvent.Kind.ALARM, outcome, error, row.retryCount(), row.scheduledTime());
    }
}
