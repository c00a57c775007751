package dev.partyflare.emulator;

import java.time.Instant;
import java.util.List;

/**
 * What the emulator knows about one object: where it runs, whether an instance is live, its
 * sockets, its pending alarm.
 *
 * @param binding the namespace binding
 * @param id the object's id (64 hex)
 * @param name its name when known: from {@code idFromName} on the live instance, from its
 *     hibernatable sockets, or as recorded in storage (so it survives hibernation, eviction and
 *     restarts once the object wrote something)
 * @param location the simulated location
 * @param state {@code live} (an instance is in memory), {@code hibernated} (no instance,
 *     hibernatable sockets open) or {@code evicted} (no instance, no sockets; stored data or a
 *     pending alarm)
 * @param standardSockets open standard WebSockets
 * @param hibernatableSockets open hibernatable WebSockets
 * @param blockers why it cannot hibernate now (empty when it can)
 * @param jurisdiction its jurisdiction ({@code eu}, {@code fedramp}), or null
 * @param alarm its pending alarm, or null
 * @param alarmRetryCount the pending alarm's retry count (0 for a first run)
 * @param sockets its open sockets, standard and hibernatable
 */
public record ObjectInfo(
        String binding,
        String id,
        String name,
        String location,
        String state,
        int standardSockets,
        int hibernatableSockets,
        List<String> blockers,
        String jurisdiction,
        Instant alarm,
        int alarmRetryCount,
        List<Socket> sockets) {

    public ObjectInfo {
        blockers = List.copyOf(blockers);
        sockets = List.copyOf(sockets);
    }

    /** The eight fields of partyflare 0.1 (no jurisdiction, alarm or socket details). */
    public ObjectInfo(
            String binding,
            String id,
            String name,
            String location,
            String state,
            int standardSockets,
            int hibernatableSockets,
            List<String> blockers) {
        this(
                binding,
                id,
                name,
                location,
                state,
                standardSockets,
                hibernatableSockets,
                blockers,
                null,
                null,
                0,
                List.of());
    }

    /**
     * One open WebSocket of an object (its server end).
     *
     * @param id a number that names the socket in this process (see {@link Emulator#closeSocket})
     * @param type {@code standard} or {@code hibernatable}
     * @param tags its tags (hibernatable sockets)
     * @param attachmentBytes the size of its serialized attachment (0: none)
     * @param url the URL of the request that opened it, when it came over HTTP
     * @param readyState {@code open}, {@code closing} or {@code closed}
     */
    public record Socket(long id, String type, List<String> tags, int attachmentBytes, String url, String readyState) {
        public Socket {
            tags = List.copyOf(tags);
        }
    }
}
