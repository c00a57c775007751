package dev.partyflare.cluster.internal;

/** A message that crosses nodes: serialized by {@link WireSerializer}, never by Java serialization. */
public interface WireMessage {}
