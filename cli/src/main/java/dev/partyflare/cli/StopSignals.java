package dev.partyflare.cli;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ctrl-C and SIGTERM for {@code partyflare dev}: the first one stops the server gracefully (sockets
 * closed with 1001, storage closed, "Stopped."), a second one while that runs exits at once. The
 * JVM's own handling waits for the shutdown hooks and ignores a second Ctrl-C.
 *
 * <p>{@code sun.misc.Signal} is reached by reflection: it is the JDK's supported way to handle
 * signals (module {@code jdk.unsupported}), but javac warns about it, and the build is warning-free.
 */
final class StopSignals {
    private static final AtomicInteger RECEIVED = new AtomicInteger();

    private StopSignals() {}

    static void install(PrintWriter err) {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Class<?> signal = Class.forName("sun.misc.Signal");
                Class<?> handler = Class.forName("sun.misc.SignalHandler");
                Object sig = signal.getConstructor(String.class).newInstance(name);
                int code = name.equals("INT") ? 130 : 143;
                InvocationHandler onSignal = (Object proxy, Method method, Object[] args) -> {
                    if (method.getName().equals("handle")) {
                        received(err, name, code);
                        return null;
                    }
                    return method.getName().equals("hashCode")
                            ? System.identityHashCode(proxy)
                            : method.getName().equals("equals") ? proxy == args[0] : "StopSignals(" + name + ")";
                };
                Object h =
                        Proxy.newProxyInstance(StopSignals.class.getClassLoader(), new Class<?>[] {handler}, onSignal);
                signal.getMethod("handle", signal, handler).invoke(null, sig, h);
            } catch (ReflectiveOperationException | IllegalArgumentException | LinkageError e) {
                // no sun.misc.Signal here (or the signal is reserved): the JVM's default handling stays
            }
        }
    }

    /** When the first stop signal arrived ({@link System#nanoTime()}), or 0. */
    static volatile long firstAt;

    private static void received(PrintWriter err, String name, int code) {
        if (firstAt == 0) {
            firstAt = System.nanoTime();
        }
        if (RECEIVED.incrementAndGet() > 1) {
            err.println("Stopping now (second SIG" + name + ").");
            err.flush();
            Runtime.getRuntime().halt(code);
        }
        // exit on a thread of its own: the shutdown hooks run there, and a second signal still finds its handler
        Thread.ofPlatform().name("partyflare-stop").start(() -> System.exit(code));
    }
}
