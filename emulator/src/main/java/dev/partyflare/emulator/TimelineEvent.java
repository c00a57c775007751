package dev.partyflare.emulator;

import java.time.Instant;
import java.util.Map;

/**
 * One thing that happened to an object, as its timeline keeps it ({@link Emulator#timeline}): a
 * request, an RPC call, a socket event, an alarm run, a lifecycle change, a storage commit or an
 * uncaught error.
 *
 * @param seq increases with every event of the emulator, across objects (a cursor for "what is new")
 * @param time when it happened, on the runtime clock (a manual clock gives manual times)
 * @param binding the namespace binding of the object
 * @param objectId the object's id (64 hex)
 * @param objectName its name when known (from {@code idFromName}, or recorded in storage), else null
 * @param kind what happened
 * @param summary one line for people, e.g. {@code GET /counter → 200 (0.4 ms)}
 * @param data the details, by name; the keys of each kind are listed on {@link Kind}. Values are
 *     strings, numbers, booleans or lists of strings (JSON-ready).
 */
public record TimelineEvent(
        long seq,
        Instant time,
        String binding,
        String objectId,
        String objectName,
        Kind kind,
        String summary,
        Map<String, Object> data) {

    /** The kinds of events, with the keys of their {@link #data()}. */
    public enum Kind {
        /** {@code stub.fetch}: {@code method}, {@code path}, {@code status}, {@code durationMs}; {@code error} if it threw. */
        REQUEST("request"),
        /** An RPC call: {@code method}, {@code args} (a short summary), {@code outcome} (ok, error), {@code durationMs}, {@code error}. */
        RPC("rpc"),
        /** A WebSocket accepted by the object: {@code socket} (its id), {@code type} (standard, hibernatable), {@code tags}. */
        SOCKET_OPEN("socket.open"),
        /** A message to the object: {@code socket}, {@code size} (bytes), {@code binary}, {@code preview}. */
        SOCKET_MESSAGE("socket.message"),
        /** A close event: {@code socket}, {@code code}, {@code reason}, {@code clean}. */
        SOCKET_CLOSE("socket.close"),
        /** A socket error event: {@code socket}, {@code message}. */
        SOCKET_ERROR("socket.error"),
        /** An alarm run: {@code scheduledTime}, {@code retryCount}, {@code outcome} (ok, error, reset), {@code error}. */
        ALARM("alarm"),
        /** An instance was constructed (first event, or after hibernation, eviction or a reset): {@code instance} (count). */
        START("start"),
        /** The instance was dropped while hibernatable sockets stay connected: {@code reason}. */
        HIBERNATE("hibernate"),
        /** The instance was dropped: {@code reason} (idle, forced, code reload). */
        EVICT("evict"),
        /** The object was reset (abort, failed commit, blockConcurrencyWhile, watchdog): {@code reason}, {@code errorType}. */
        RESET("reset"),
        /** An event's writes became durable: {@code writes} (KV keys written or deleted, SQL write statements). */
        STORAGE_COMMIT("storage.commit"),
        /** An exception that left a handler: {@code type}, {@code message}, {@code handler}, {@code frames} (the user's stack frames). */
        ERROR("error"),
        /** A change made from outside (embedding API, admin API, dashboard): {@code action}, {@code detail}. */
        ADMIN("admin");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        /** The name used in JSON ({@code request}, {@code socket.message}, ...). */
        public String wireName() {
            return wireName;
        }
    }
}
