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

    /**
     * Calls a method of a plain Worker (one that is not a {@link dev.partyflare.durable.WorkerEntrypoint})
     * as workerd calls a top-level handler function of {@code export default {...}}: with exactly one
     * argument, then {@code env} and {@code ctx}. In Java that is a public method whose first parameter
     * is the argument, optionally followed by {@link dev.partyflare.durable.Env} and {@link
     * dev.partyflare.durable.ExecutionContext}; {@code fetch} and {@code scheduled} are handlers, not
     * RPC methods.
     */
    public static byte[] invokeHandler(
            Object worker,
            String name,
            byte[][] args,
            dev.partyflare.durable.Env env,
            dev.partyflare.durable.ExecutionContext ctx)
            throws Exception {
        Method m = HANDLER_FUNCTIONS.get(worker.getClass()).get(name);
        if (m == null) {
            throw new NoSuchMethodException("The RPC receiver does not implement the method \"" + name + "\".");
        }
        if (args.length != 1) {
            throw new WrongArgumentCountException("Attempted to call RPC function \"" + name
                    + "\" with the wrong number of arguments. When calling a top-level handler function that is not"
                    + " declared as part of a class, you must always send exactly one argument. In order to support"
                    + " variable numbers of arguments, the server must use class-based syntax (extending"
                    + " WorkerEntrypoint) instead.");
        }
        List<RpcStub> received = new ArrayList<>();
        try {
            Object[] values = new Object[m.getParameterCount()];
            values[0] = RpcValues.decodeArgument(args[0], m.getGenericParameterTypes()[0], received);
            if (values.length > 1) {
                values[1] = env;
            }
            if (values.length > 2) {
                values[2] = ctx;
            }
            Object result = call(m, worker, values);
            return m.getReturnType() == void.class || result == null
                    ? null
                    : RpcValues.encodeResult(result, m.getGenericReturnType());
        } finally {
            StubHandle.disposeAll(received);
        }
    }

    /** A plain Worker's handler functions: public {@code name(arg[, Env[, ExecutionContext]])}. */
    private static final ClassValue<Map<String, Method>> HANDLER_FUNCTIONS = new ClassValue<>() {
        @Override
        protected Map<String, Method> computeValue(Class<?> type) {
            Map<String, Method> byName = new java.util.HashMap<>();
            for (Method m : type.getMethods()) {
                Class<?>[] p = m.getParameterTypes();
                boolean shape = p.length >= 1
                        && p.length <= 3
                        && (p.length < 2 || p[1] == dev.partyflare.durable.Env.class)
                        && (p.length < 3 || p[2] == dev.partyflare.durable.ExecutionContext.class);
                if (shape
                        && m.getDeclaringClass() != Object.class
                        && !Modifier.isStatic(m.getModifiers())
                        && !m.isSynthetic()
                        && !m.isBridge()
                        && !ENTRYPOINT_HANDLERS.contains(m.getName())) {
                    m.setAccessible(true);
                    // one per name: the longest form wins (it sees env and ctx)
                    byName.merge(m.getName(), m, (a, b) -> a.getParameterCount() >= b.getParameterCount() ? a : b);
                }
            }
            return java.util.Collections.unmodifiableMap(byName);
        }
    };

    private static Object call(Method m, Object target, Object[] values) throws Exception {
        try {
            return m.invoke(target, values);
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
            Object result = call(m, target, values);
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

    /**
     * A call with other than one argument to a plain Worker's handler function (workerd: a {@code
     * TypeError}).
     */
    public static final class WrongArgumentCountException extends RuntimeException {
        public WrongArgumentCountException(String message) {
            super(message);
        }
    }

    /** NoSuchMethodException unchecked, so it can cross the event body. */
    public static final class NoSuchMethodException extends RuntimeException {
        public NoSuchMethodException(String message) {
            super(message);
        }
    }
}
