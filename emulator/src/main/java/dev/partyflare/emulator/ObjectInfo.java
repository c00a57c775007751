package dev.partyflare.emulator;

import java.util.List;

/**
 * What the emulator knows about one object: where it runs, whether an instance is live, and its
 * sockets.
 *
 * @param binding the namespace binding
 * @param id the object's id (64 hex)
 * @param name the name, when the live instance was reached through {@code idFromName}
 * @param location the simulated location
 * @param state {@code live}, {@code hibernated} (no instance, hibernatable sockets open)
 * @param standardSockets open standard WebSockets
 * @param hibernatableSockets open hibernatable WebSockets
 * @param blockers why it cannot hibernate now (empty when it can)
 */
public record ObjectInfo(
        String binding,
        String id,
        String name,
        String location,
        String state,
        int standardSockets,
        int hibernatableSockets,
        List<String> blockers) {}
