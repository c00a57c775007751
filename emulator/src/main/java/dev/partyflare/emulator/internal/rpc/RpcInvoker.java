package dev.partyflare.emulator.internal.rpc;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.durable.RpcStub;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs an RPC call inside an object, a {@link dev.partyflare.durable.WorkerEntrypoint} or the owner
 * of an exported {@link dev.partyflare.durable.RpcTarget} or function: finds the public method by
 * name and arity, reads the caller's arguments as its parameter types (copies, or stubs of what
 * travels by reference, disposed when the method returns), invokes it, and writes the result before
 * the event ends.
 */
public final class RpcInvoker {
    private static final Map<Class<?>, Map<String, List<Method>>> METHODS = new ConcurrentHashMap<>();
    /** The methods an exported target's class offers: those of its RpcTarget and functional interfaces. */
    private static final ClassValue<Map<String, List<Method>>> EXPORTED = new ClassValue<>() {
        @Override
        protected Map<String, List<Method>> computeValue(Class<?> type) {
            return exportedMethods(ByReference.api(type));
        }
    };

    /** Handlers the runtime calls itself; not callable over RPC (as {@code stub.fetch} is not). */
    private static final java.util.Set<String> HANDLERS =
            java.util.Set.of("fetch", "alarm", "webSocketMessage", "webSocketClose", "webSocketError");

    /** A Worker entrypoint's handlers (workerd: calling {@code scheduled} over RPC is a missing method). */
    private static final java.util.Set<String> ENTRYPOINT_HANDLERS = java.util.Set.of("fetch", "scheduled");

    private RpcInvoker() {}

    /** Calls a Durable Object's or a WorkerEntrypoint's public method. */
    public static byte[] invoke(Object target, String name, byte[][] args) throws Exception {
        return invoke(
                target,
                find(
                        target.getClass(),
                        METHODS.computeIfAbsent(target.getClass(), RpcInvoker::callableMethods),
                        name,
                        args.length),
                args);
    }

    /** Calls a method of the interfaces an exported target offers ({@link ByReference#api}). */
    static byte[] invokeExported(Object target, String name, byte[][] args) throws Exception {
        return invoke(target, find(target.getClass(), EXPORTED.get(target.getClass()), name, args.length), args);
    }

    private static byte[] invoke(Object target, Method m, byte[][] args) throws Exception {
        List<RpcStub> received = new ArrayList<>();
        try {
            Object[] values = new Object[args.length];
            java.lang.reflect.Type[] types = m.getGenericParameterTypes();
            for (int i = 0; i < args.length; i++) {
                values[i] = RpcValues.decodeArgument(args[i], types[i], received);
            }
            Object result;
            try {
                result = m.invoke(target, values);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw e;
            }
            return m.getReturnType() == void.class || result == null
                    ? null
                    : RpcValues.encodeResult(result, m.getGenericReturnType());
        } finally {
            StubHandle.disposeAll(received); // a parameter's stub ends with the call, unless dup()ed
        }
    }

    /**
     * An error of the code a call ran, as its caller sees it: a {@link DurableObjectException} with
     * the original type and message, {@code remote() == true}.
     */
    static RuntimeException remote(Throwable e) {
        if (e instanceof DurableObjectException d) {
            return d;
        }
        if (e instanceof NoSuchMethodException) {
            return DurableObjectException.remote("java.lang.NoSuchMethodException", e.getMessage(), "");
        }
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return DurableObjectException.remote(
                e.getClass().getName(), e.getMessage() == null ? "" : e.getMessage(), w.toString());
    }

    private static Method find(Class<?> type, Map<String, List<Method>> methods, String name, int arity) {
        List<Method> candidates = methods.getOrDefault(name, List.of());
        Method found = null;
        for (Method m : candidates) {
            if (m.getParameterCount() == arity) {
                if (found != null) {
                    throw new IllegalArgumentException("The RPC method \""
                            + name
                            + "\" is overloaded with "
                            + arity
                            + " parameters in "
                            + type.getName()
                            + "; RPC needs one method per name and arity.");
                }
                found = m;
            }
        }
        if (found == null) {
            throw new NoSuchMethodException("The RPC receiver does not implement the method \"" + name + "\".");
        }
        return found;
    }

    private static Map<String, List<Method>> exportedMethods(List<Class<?>> api) {
        Map<String, List<Method>> byName = new ConcurrentHashMap<>();
        for (Class<?> i : api) {
            for (Method m : i.getMethods()) {
                if (m.getDeclaringClass() != Object.class && !Modifier.isStatic(m.getModifiers())) {
                    m.setAccessible(true);
                    List<Method> same = byName.computeIfAbsent(m.getName(), k -> new ArrayList<>());
                    if (same.stream().noneMatch(o -> o.getParameterCount() == m.getParameterCount())) {
                        same.add(m);
                    }
                }
            }
        }
        return byName;
    }

    private static Map<String, List<Method>> callableMethods(Class<?> type) {
        Map<String, List<Method>> byName = new ConcurrentHashMap<>();
        boolean entrypoint = dev.partyflare.durable.WorkerEntrypoint.class.isAssignableFrom(type);
        for (Method m : type.getMethods()) {
            Class<?> declaring = m.getDeclaringClass();
            if (declaring == Object.class
                    || declaring == DurableObject.class
                    || declaring == dev.partyflare.durable.WorkerEntrypoint.class
                    || Modifier.isStatic(m.getModifiers())
                    || m.isSynthetic()
                    || m.isBridge()
                    || (entrypoint ? ENTRYPOINT_HANDLERS : HANDLERS).contains(m.getName())) {
                continue;
            }
            m.setAccessible(true);
            byName.computeIfAbsent(m.getName(), k -> new ArrayList<>()).add(m);
        }
        return byName;
    }

    /** NoSuchMethodException unchecked, so it can cross the event body. */
    public static final class NoSuchMethodException extends RuntimeException {
        public NoSuchMethodException(String message) {
            super(message);
        }
    }
}
