package dev.partyflare.emulator.internal.exec;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;

/**
 * Starts the virtual threads that run HTTP requests. A request that arrives on an I/O thread (a
 * platform thread that is itself an {@link Executor}, like Undertow's XNIO threads) runs on a
 * virtual thread scheduled on that same I/O thread, the way workerd runs an event on the thread
 * that read it: no hand-over to another core and back for the reply (with wrk, 60k → 107k
 * requests/s on two cores). When the event blocks (storage is
 * synchronous, so that means waiting for another object, a timer or a fetch), its virtual thread
 * parks and the I/O thread goes back to its connections. {@link EventLoop} makes sure no
 * continuation is stranded behind a busy or blocked I/O thread.
 *
 * <p>Scheduling a virtual thread on a chosen executor needs the JDK's internal builder
 * constructor ({@code --add-opens java.base/java.lang=ALL-UNNAMED}, which the {@code partyflare}
 * launcher and the runnable jar set). Without it, or outside an I/O thread, events run on the
 * JDK's default virtual-thread scheduler: the same semantics, one more thread hop per event.
 *
 * <p>WebSocket events do not use it: a broadcast's sends then all leave from one I/O thread, and
 * fan-out measured slower (224k → 184k deliveries/s) for a smaller echo gain (13.7k → 17.0k).
 */
public final class EventThreads {
    private static final MethodHandle BUILDER_ON = builderConstructor();
    private static final MethodHandle CURRENT_CARRIER = currentCarrierMethod();
    private static final ThreadLocal<EventLoop> LOOP = new ThreadLocal<>();

    private EventThreads() {}

    private static MethodHandle builderConstructor() {
        if (Boolean.getBoolean("partyflare.noEventLoops")) {
            return null;
        }
        try {
            Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            java.lang.reflect.Constructor<?> k = c.getDeclaredConstructor(Executor.class);
            k.setAccessible(true);
            return MethodHandles.lookup()
                    .unreflectConstructor(k)
                    .asType(MethodType.methodType(Thread.Builder.OfVirtual.class, Executor.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // not opened, or another JDK: the default scheduler
        }
    }

    private static MethodHandle currentCarrierMethod() {
        try {
            java.lang.reflect.Method m = Thread.class.getDeclaredMethod("currentCarrierThread");
            m.setAccessible(true);
            return MethodHandles.lookup().unreflect(m).asType(MethodType.methodType(Thread.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // events then stay on their loop until they block
        }
    }

    /** The platform thread the current thread runs on, or null if that cannot be known. */
    static Thread currentCarrier() {
        if (CURRENT_CARRIER == null) {
            return null;
        }
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (Throwable e) {
            return null;
        }
    }

    /** Whether events can run on the I/O thread that delivered them in this JVM. */
    public static boolean loopSchedulingAvailable() {
        return BUILDER_ON != null;
    }

    /**
     * Starts {@code task} on a new virtual thread: on the current I/O thread's loop when called
     * from one (or from an event running on one), else on the default scheduler.
     */
    public static Thread start(String name, Runnable task) {
        EventLoop loop = currentLoop();
        if (loop == null) {
            return Thread.ofVirtual().name(name).start(task);
        }
        Thread.Builder.OfVirtual builder;
        try {
            builder = (Thread.Builder.OfVirtual) BUILDER_ON.invokeExact((Executor) loop);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        return builder.name(name).start(() -> {
            LOOP.set(loop);
            task.run();
        });
    }

    /** The loop that schedules virtual thread {@code t} (the current thread), or null. */
    static EventLoop loopOf(Thread t) {
        return t == Thread.currentThread() ? LOOP.get() : null;
    }

    /** An executor that starts each task with {@link #start}. */
    public static Executor executor(String name) {
        return task -> start(name, task);
    }

    private static EventLoop currentLoop() {
        if (BUILDER_ON == null) {
            return null;
        }
        Thread t = Thread.currentThread();
        if (t.isVirtual()) {
            return LOOP.get();
        }
        return t instanceof Executor ? EventLoop.of(t) : null;
    }
}
