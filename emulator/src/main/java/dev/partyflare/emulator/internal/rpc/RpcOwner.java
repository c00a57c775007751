package dev.partyflare.emulator.internal.rpc;

import java.util.concurrent.Callable;

/**
 * Where the calls on an exported {@link dev.partyflare.durable.RpcTarget} or function run: the
 * Durable Object or the Worker event that passed it over RPC. Calls run one at a time, in the
 * order they arrive.
 */
public interface RpcOwner {

    /** workerd's error for a call on a stub whose owner is gone (reset, evicted). */
    String GONE = "The execution context which hosts this callback is no longer running.";

    /**
     * Runs {@code call} as an event of this owner on the calling thread; {@code call}'s exceptions
     * pass through as they are.
     *
     * @throws GoneException when the owner no longer runs
     */
    <T> T run(Callable<T> call) throws Exception;

    /** What an event context's gate owner implements when it can own exports (a Durable Object). */
    interface Source {
        RpcOwner rpcOwner();
    }

    /** The owner is gone; the caller sees {@link #GONE}. */
    final class GoneException extends IllegalStateException {
        public GoneException() {
            super(GONE);
        }
    }
}
