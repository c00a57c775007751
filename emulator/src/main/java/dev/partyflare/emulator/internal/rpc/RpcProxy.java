package dev.partyflare.emulator.internal.rpc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.util.function.Supplier;

/**
 * The typed face of an RPC stub ({@code stub.rpc(Api.class)}, {@code env.service(..).rpc(Api.class)}):
 * a proxy of an interface whose calls go to one untyped call; {@code Object}'s methods answer locally.
 */
public final class RpcProxy {
    private RpcProxy() {}

    /** One call: the method's generic result and parameter types, its name and its arguments (never null). */
    @FunctionalInterface
    public interface Call {
        Object invoke(Type resultType, Type[] parameterTypes, String method, Object[] args);
    }

    /**
     * A proxy of {@code api}; {@code target} ("object", "entrypoint") names what must implement it in
     * the error for a class that is not an interface.
     */
    public static <T> T of(Class<T> api, String target, Supplier<String> description, Call call) {
        if (!api.isInterface()) {
            throw new IllegalArgumentException(
                    "rpc() takes an interface that the " + target + " implements; " + api.getName() + " is not one");
        }
        return api.cast(Proxy.newProxyInstance(
                api.getClassLoader(), new Class<?>[] {api}, new Handler(target, description, call)));
    }

    /** "object" or "entrypoint" for a typed stub made here, "" for any other value. */
    static String targetOf(Object value) {
        if (value != null
                && Proxy.isProxyClass(value.getClass())
                && Proxy.getInvocationHandler(value) instanceof Handler h) {
            return h.target;
        }
        return "";
    }

    private record Handler(String target, Supplier<String> description, Call call) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method m, Object[] args) {
            Object[] a = args == null ? new Object[0] : args;
            if (m.getDeclaringClass() == Object.class) {
                return switch (m.getName()) {
                    case "toString" -> description.get();
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == a[0];
                    default -> throw new UnsupportedOperationException(m.getName());
                };
            }
            return call.invoke(m.getGenericReturnType(), m.getGenericParameterTypes(), m.getName(), a);
        }
    }
}
