package dev.partyflare.emulator.internal.actor;

import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.util.function.Supplier;

/**
 * The typed face of an RPC stub ({@code stub.rpc(Api.class)}, {@code env.service(..).rpc(Api.class)}):
 * a proxy of an interface whose calls go to one untyped call; {@code Object}'s methods answer locally.
 */
public final class RpcProxy {
    private RpcProxy() {}

    /** One call: the method's generic result type, its name and its arguments (never null). */
    @FunctionalInterface
    public interface Call {
        Object invoke(Type resultType, String method, Object[] args);
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
        return api.cast(Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] {api}, (proxy, m, args) -> {
            Object[] a = args == null ? new Object[0] : args;
            if (m.getDeclaringClass() == Object.class) {
                return switch (m.getName()) {
                    case "toString" -> description.get();
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == a[0];
                    default -> throw new UnsupportedOperationException(m.getName());
                };
            }
            return call.invoke(m.getGenericReturnType(), m.getName(), a);
        }));
    }
}
