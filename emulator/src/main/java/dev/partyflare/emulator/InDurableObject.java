package dev.partyflare.emulator;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;

/** Code that runs inside an object, as one of its events (see {@link Emulator#runInDurableObject}). */
@FunctionalInterface
public interface InDurableObject<O extends DurableObject, T> {
    T run(O instance, DurableObjectState ctx) throws Exception;
}
