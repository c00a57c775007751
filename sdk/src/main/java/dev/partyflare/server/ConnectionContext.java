package dev.partyflare.server;

import dev.partyflare.durable.Request;

/** What {@code onConnect} and {@code getConnectionTags} know about a new connection. */
public record ConnectionContext(Request request) {}
