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
 * <p>Socket events of an object run on its home loop
 * (the first I/O thread that delivered one, see {@link #currentHome()}) while the object has a few
 * sockets; rooms with many run on the default scheduler, where a broadcast writes in parallel with
 * the I/O threads reading.
 */
public final class EventThreads {
    private static final MethodHandle BUILDER_ON = builderConstructor();
    private static final MethodHandle CURRENT_CARRIER = currentCarrierMethod();

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
        return startOn(loop, name, task);
    }

    private static Thread startOn(EventLoop loop, String name, Runnable task) {
        Thread.Builder.OfVirtual builder;
        try {
            builder = (Thread.Builder.OfVirtual) BUILDER_ON.invokeExact((Executor) loop);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        return builder.name(name).start(() -> {
            ThreadState.current().loop = loop;
            task.run();
        });
    }

    private static final boolean SOCKET_LOOPS =
            !"false".equalsIgnoreCase(System.getProperty("partyflare.socketEventLoops", "true"));

    /**
     * Whether socket events run on their object's home loop: on unless {@code
     * -Dpartyflare.socketEventLoops=false}. It nearly doubles single-socket round trips. (It was off
     * for a while after conformance runs saw replies held back for seconds; the cause was the
     * fallback pool, which was the JVM's common pool, see {@link EventLoop}.)
     */
    public static boolean socketLoops() {
        return SOCKET_LOOPS;
    }

    /**
     * The loop of the current I/O thread (or of the event running on one), for an object to adopt as
     * its home: its socket events then all run on that loop, so handing its input gate from one event
     * to the next never crosses threads. Null when loops are off or unavailable.
     */
    public static Object currentHome() {
        return SOCKET_LOOPS ? currentLoop() : null;
    }

    /** Starts {@code task} on a virtual thread scheduled on {@code home} (from {@link #currentHome()}), or the default scheduler. */
    public static Thread startAt(Object home, String name, Runnable task) {
        if (!(home instanceof EventLoop loop) || BUILDER_ON == null) {
            return Thread.ofVirtual().name(name).start(task);
        }
        return startOn(loop, name, task);
    }

    /** The loop that schedules the current virtual thread, or null. */
    static EventLoop currentVirtualLoop() {
        return ThreadState.current().loop;
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
            return ThreadState.current().loop;
        }
        return t instanceof Executor ? EventLoop.of(t) : null;
    }
}
