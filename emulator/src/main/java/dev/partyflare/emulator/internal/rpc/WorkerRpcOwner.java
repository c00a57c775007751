package dev.partyflare.emulator.internal.rpc;

import dev.partyflare.emulator.internal.exec.EventContext;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The owner of what a Worker event (a request, an entrypoint's RPC call, test code outside any
 * event) passed by reference: calls run in a Worker context of their own, one at a time in arrival
 * order. A call made from inside one of them (a nested call back) runs at once on the same thread.
 */
final class WorkerRpcOwner implements RpcOwner {
    private final ReentrantLock order = new ReentrantLock(true);

    @Override
    public <T> T run(Callable<T> call) throws Exception {
        order.lock();
        try {
            EventContext previous = EventContext.enterWorker();
            RpcOwners.bind(EventContext.current(), this);
            try {
                return call.call();
            } finally {
                EventContext.exit(previous);
            }
        } finally {
            order.unlock();
        }
    }
}
