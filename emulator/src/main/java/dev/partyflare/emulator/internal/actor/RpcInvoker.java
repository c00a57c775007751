package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.emulator.internal.json.Json;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs an RPC call inside an object or a {@link dev.partyflare.durable.WorkerEntrypoint}: finds the public method by name and arity, deserializes the
 * caller's arguments into its parameter types, invokes it, and serializes the result before the
 * event ends, so neither side ever holds the other's references.
 */
public final class RpcInvoker {
    private static final Map<Class<?>, Map<String, List<Method>>> METHODS = new ConcurrentHashMap<>();

    /** Handlers the runtime calls itself; not callable over RPC (as {@code stub.fetch} is not). */
    private static final java.util.Set<String> HANDLERS =
            java.util.Set.of("fetch", "alarm", "webSocketMessage", "webSocketClose", "webSocketError");

    /** A Worker entrypoint's handlers (workerd: calling {@code scheduled} over RPC is a missing method). */
    private static final java.util.Set<String> ENTRYPOINT_HANDLERS = java.util.Set.of("fetch", "scheduled");

    private RpcInvoker() {}

    public static byte[] invoke(Object target, String name, byte[][] args) throws Exception {
        Method m = find(target.getClass(), name, args.length);
        Object[] values = new Object[args.length];
        java.lang.reflect.Type[] types = m.getGenericParameterTypes();
        for (int i = 0; i < args.length; i++) {
            values[i] = args[i] == null ? null : Json.read(args[i], types[i]);
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
        return m.getReturnType() == void.class || result == null ? null : Json.write(result);
    }

    private static Method find(Class<?> type, String name, int arity) {
        List<Method> candidates =
                METHODS.computeIfAbsent(type, RpcInvoker::callableMethods).getOrDefault(name, List.of());
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
