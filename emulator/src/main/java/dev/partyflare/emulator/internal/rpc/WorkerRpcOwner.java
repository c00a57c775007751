package dev.partyflare.emulator.internal.rpc;

import dev.partyflare.emulator.internal.exec.EventContext;
import dev.partyflare.emulator.internal.exec.InputGate;
import java.util.concurrent.Callable;

/**
 * The owner of what a Worker event (a request, an entrypoint's RPC call, test code outside any
 * event) passed by reference. As a Worker's single-threaded context runs them in JS, calls run one
 * at a time in arrival order, and another may run while one waits on I/O (a stub call, a timer):
 * each call holds this owner's gate, which {@link EventContext#awaitIo} opens while it waits. What
 * such a call passes on by reference belongs to this owner too. A request's owner ends with the
 * request; an entrypoint call's lives on while its caller holds stubs of it.
 */
final class WorkerRpcOwner implements RpcOwner, RpcOwner.Source, EventContext.GateOwner {
    private final InputGate gate = new InputGate();
    private volatile boolean ended;

    /** The Worker event ended: its exports are gone ({@link RpcOwner#GONE}). */
    void end() {
        ended = true;
    }

    @Override
    public <T> T run(Callable<T> call) throws Exception {
        if (ended) {
            throw new GoneException();
        }
        InputGate.Ticket ticket = gate.enqueue();
        ticket.await();
        EventContext previous = EventContext.enterObject(this, ticket);
        try {
            return call.call();
        } finally {
            EventContext.exit(previous); // releases the gate
        }
    }

    @Override
    public RpcOwner rpcOwner() {
        return this;
    }

    @Override
    public InputGate gate() {
        return gate;
    }

    /** This gate is never broken: a Worker context is not reset. */
    @Override
    public RuntimeException resetWhileAway() {
        return new GoneException();
    }
}
