package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.emulator.internal.exec.InputGate;
import dev.partyflare.emulator.internal.rpc.RpcOwner;
import java.util.concurrent.Callable;

/**
 * A live Durable Object as the owner of what it passed by reference: each call on such a stub is an
 * event of this object, behind its input gate as an incoming RPC is, and its reply leaves after the
 * output gate (the event's commit point). Once this instance is reset, evicted or hibernated, its
 * exports are gone.
 */
final class ObjectRpcOwner implements RpcOwner {
    private final EventRunner events;
    private final ObjectLifecycle lifecycle;

    ObjectRpcOwner(EventRunner events, ObjectLifecycle lifecycle) {
        this.events = events;
        this.lifecycle = lifecycle;
    }

    @Override
    public <T> T run(Callable<T> call) throws Exception {
        if (lifecycle.isBroken()) {
            throw new GoneException();
        }
        InputGate.Ticket ticket = events.gate().enqueueEvent();
        if (ticket == null) {
            throw new GoneException(); // retired: evicted or hibernated
        }
        boolean[] started = {false};
        try {
            return events.runTicket(ticket, instance -> {
                started[0] = true;
                return call.call();
            });
        } catch (ActorBrokenException e) {
            if (!started[0]) {
                throw new GoneException(); // reset while the call waited for the gate
            }
            // reset by this call: its caller sees the reset as a stub's caller does
            throw DurableObjectException.builder(e.errorType(), e.getMessage())
                    .remote(!e.internal())
                    .durableObjectReset(!e.internal())
                    .build();
        }
    }
}
