package dev.partyflare.server;

/**
 * Where a routed request is going: the party as it appeared in the URL, the binding (class) it
 * matched, and the room name (raw, still percent-encoded).
 */
public record Lobby(String party, String className, String name) {}
