package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.Env;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.emulator.internal.config.Compatibility;
import dev.partyflare.emulator.internal.time.RuntimeClock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What objects need from the runtime around them: the clock, the Worker's env, outbound fetch,
 * settings and where to report errors that no caller sees.
 *
 * @param defaultLocation the simulated location of objects created without a hint
 * @param strictLimits enforce production limits (e.g. reject unknown location hints)
 * @param blockConcurrencyTimeoutMillis how long blockConcurrencyWhile may run (30 s)
 * @param alarms the runtime's alarm scheduler
 * @param idleTimeoutMillis idle time before an object hibernates or is evicted (negative: never)
 * @param attachmentLimit the largest WebSocket attachment, in serialized bytes
 * @param compatibility the behaviour the Worker's compatibility date and flags select
 * @param pointInTimeRecovery keep history for the PITR API (an extension; local workerd refuses it)
 * @param timeline every object's recent events
 * @param activity the work in flight, for settled time
 * @param journal what objects received (null: not recorded)
 * @param chaosHibernation hibernate or evict every object after every event
 * @param faults faults injected into calls to objects
 * @param honourRetryAlarm {@code ctx.abort(reason, {retryAlarm: false})} in {@code alarm()} drops
 *     the alarm (production since August 2026); false retries it anyway (local workerd 1.20260426)
 * @param router where stub calls are delivered (its value null: every object runs here)
 * @param exports the defining Worker's exports ({@code ctx.exports})
 */
public record ActorServices(
        RuntimeClock clock,
        Supplier<Env> env,
        Function<Request, Response> outbound,
        String defaultLocation,
        boolean strictLimits,
        long blockConcurrencyTimeoutMillis,
        ErrorReporter errors,
        AlarmScheduler alarms,
        long idleTimeoutMillis,
        int attachmentLimit,
        Compatibility compatibility,
        boolean pointInTimeRecovery,
        Timeline timeline,
        dev.partyflare.emulator.internal.exec.Activity activity,
        Journal journal,
        boolean chaosHibernation,
        ObjectFaults faults,
        boolean honourRetryAlarm,
        Supplier<dev.partyflare.emulator.ObjectRouter> router,
        Supplier<dev.partyflare.durable.WorkerExports> exports) {

    /**
     * These services for the classes of another Worker: {@code newEnv} as the env objects are built
     * with, {@code newExports} as their {@code ctx.exports}.
     */
    public ActorServices forWorker(Supplier<Env> newEnv, Supplier<dev.partyflare.durable.WorkerExports> newExports) {
        return new ActorServices(
                clock,
                newEnv,
                outbound,
                defaultLocation,
                strictLimits,
                blockConcurrencyTimeoutMillis,
                errors,
                alarms,
                idleTimeoutMillis,
                attachmentLimit,
                compatibility,
                pointInTimeRecovery,
                timeline,
                activity,
                journal,
                chaosHibernation,
                faults,
                honourRetryAlarm,
                router,
                newExports);
    }

    /** {@code deleteAll()} deletes the alarm too (compatibility date 2026-02-24 on). */
    public boolean deleteAllDeletesAlarm() {
        return compatibility.enabled(Compatibility.Flag.DELETE_ALL_DELETES_ALARM);
    }

    /**
     * A standard WebSocket answers the peer's close frame by itself, with the same code and reason
     * (compatibility date 2026-04-07 on, {@code web_socket_auto_reply_to_close}).
     */
    public boolean webSocketAutoReplyToClose() {
        return compatibility.enabled(Compatibility.Flag.WEB_SOCKET_AUTO_REPLY_TO_CLOSE);
    }

    /**
     * {@code close(code, reason)} refuses a reason over 123 UTF-8 bytes (2026-03-03 on); before, the
     * oversized close frame is sent as it is.
     */
    public boolean webSocketCloseReasonByteLimit() {
        return compatibility.enabled(Compatibility.Flag.WEBSOCKET_CLOSE_REASON_BYTE_LIMIT);
    }

    /** Receives errors that no caller sees (listener exceptions, timer failures). */
    @FunctionalInterface
    public interface ErrorReporter {
        void report(String where, Throwable error);
    }
}
