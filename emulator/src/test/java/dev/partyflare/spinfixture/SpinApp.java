package dev.partyflare.spinfixture;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.Worker;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * User code that spins, loaded the way {@code partyflare dev} loads a project (instrumented), by
 * SpinPreemptionIT. Routes {@code /<name>/<op>} to object {@code <name>} of SPIN.
 */
public final class SpinApp implements Worker {
    /** Loop iterations of every spinning event, so the test can see whether a spin stopped. */
    public static final AtomicLong ITERATIONS = new AtomicLong();
    /**
     * Spinning loops not yet left: a loop stopped by a preemption poll leaves through its {@code
     * finally}. A starved thread also stops counting iterations, so this, not the iteration counter,
     * tells whether a spin really ended.
     */
    public static final AtomicInteger SPINNING = new AtomicInteger();
    /** The thread (and so the carrier, in its name) the latest spin started on. */
    public static volatile String SPIN_THREAD = "";

    @Override
    public Response fetch(Request request, Env env, ExecutionContext ctx) {
        String[] parts = request.path().split("/");
        return env.namespace("SPIN").getByName(parts[1]).fetch(request);
    }

    public static final class Spinner extends DurableObject {
        private int count;

        public Spinner(DurableObjectState state, Env env) {
            super(state, env);
        }

        @Override
        public Response fetch(Request request) {
            String op = request.path().substring(request.path().lastIndexOf('/') + 1);
            switch (op) {
                case "spin" -> {
                    SPIN_THREAD = Thread.currentThread().toString();
                    SPINNING.incrementAndGet();
                    try {
                        while (true) {
                            ITERATIONS.incrementAndGet();
                        }
                    } finally {
                        SPINNING.decrementAndGet();
                    }
                }
                case "spin-swallowing" -> {
                    // user code that catches everything, even Errors, and carries on
                    SPINNING.incrementAndGet();
                    try {
                        while (true) {
                            try {
                                ITERATIONS.incrementAndGet();
                            } catch (Throwable t) {
                                ITERATIONS.addAndGet(0);
                            }
                        }
                    } finally {
                        SPINNING.decrementAndGet();
                    }
                }
                case "spin-in-library" -> {
                    SPIN_THREAD = Thread.currentThread().toString();
                    dev.partyflare.emulator.LibrarySpin.spin(); // no preemption polls in there
                    return Response.text("the library call returned");
                }
                case "where" -> {
                    return Response.text(Thread.currentThread().toString()); // VirtualThread[#n]/runnable@carrier
                }
                case "inc" -> {
                    return Response.text(Integer.toString(++count));
                }
                default -> {
                    return Response.text("no such op " + op, 404);
                }
            }
        }
    }
}
