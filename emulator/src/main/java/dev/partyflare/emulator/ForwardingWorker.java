package dev.partyflare.emulator;

import dev.partyflare.durable.Worker;

/**
 * A Worker that stands in front of another and hands it what it does not serve itself (the dev
 * server's dashboard in front of the project's Worker). RPC to the Worker's default entrypoint
 * ({@code ctx.exports().entrypoint("default")}, a service binding to it) reaches {@link #target()},
 * since the wrapper has no RPC methods of its own.
 */
public interface ForwardingWorker extends Worker {

    /** The Worker behind this one, as it is now (it may change on reload). */
    Worker target();
}
