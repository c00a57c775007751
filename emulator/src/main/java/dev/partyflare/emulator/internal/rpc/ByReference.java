package dev.partyflare.emulator.internal.rpc;

import dev.partyflare.durable.RpcStub;
import dev.partyflare.durable.RpcTarget;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which RPC values travel by reference: those declared as an interface extending {@link RpcTarget}
 * or as a functional interface ({@code java.util.function.*}, {@code @FunctionalInterface}); in an
 * untyped call, where nothing is declared, an {@link RpcTarget}, a received stub or a lambda.
 */
final class ByReference {
    private static final ClassValue<List<Class<?>>> API = new ClassValue<>() {
        @Override
        protected List<Class<?>> computeValue(Class<?> type) {
            Set<Class<?>> found = new LinkedHashSet<>();
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                for (Class<?> i : c.getInterfaces()) {
                    if (remoteInterface(i) && i != RpcTarget.class && i != RpcStub.class) {
                        found.add(i);
                    }
                }
            }
            return List.copyOf(found);
        }
    };

    private ByReference() {}

    /** True when a value declared as {@code declared} travels by reference. */
    static boolean declared(Type declared) {
        Class<?> raw = raw(declared);
        return raw != null && raw != Object.class && remoteInterface(raw);
    }

    /** True when {@code value}, declared as {@code declared} (null: untyped), travels by reference. */
    static boolean travels(Object value, Type declared) {
        if (declared(declared)) {
            return true;
        }
        Class<?> raw = raw(declared);
        if (raw != null && raw != Object.class) {
            return false;
        }
        if (value instanceof RpcTarget || value instanceof RpcStub) {
            return true;
        }
        Class<?> c = value.getClass();
        return (c.isSynthetic() || c.isHidden()) && !api(c).isEmpty();
    }

    /** The interfaces of {@code type} a stub of it offers: its RpcTarget and functional interfaces. */
    static List<Class<?>> api(Class<?> type) {
        return API.get(type);
    }

    static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return null;
    }

    private static boolean remoteInterface(Class<?> c) {
        return REMOTE.get(c);
    }

    /** Per class, once: an interface extending RpcTarget, or a functional interface. */
    private static final ClassValue<Boolean> REMOTE = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> c) {
            return c.isInterface()
                    && (RpcTarget.class.isAssignableFrom(c)
                            || c.isAnnotationPresent(FunctionalInterface.class)
                            || "java.util.function".equals(c.getPackageName()));
        }
    };
}
