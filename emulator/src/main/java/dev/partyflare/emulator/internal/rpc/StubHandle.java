package dev.partyflare.emulator.internal.rpc;

import dev.partyflare.durable.RpcStub;
import java.lang.ref.Cleaner;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One stub of an {@link Export}, behind a proxy of the receiver's interface and {@link RpcStub}:
 * forwards the interface's abstract methods to the export until it is disposed; runs default
 * methods here, as the interface's own code.
 */
final class StubHandle implements InvocationHandler {
    /** Disposes a stub its holder dropped without closing, so its export does not outlive it. */
    private static final Cleaner DROPPED = Cleaner.create();

    private final Export export;
    private final List<Class<?>> interfaces;
    private volatile boolean disposed;

    private StubHandle(Export export, List<Class<?>> interfaces) {
        this.export = export;
        this.interfaces = interfaces;
        export.retain();
    }

    /** A new stub of {@code export} offering {@code api} (or, when null, what the export offers). */
    static Object proxy(Export export, Class<?> api) {
        Set<Class<?>> types = new LinkedHashSet<>();
        if (api != null && api.isInterface() && api != Object.class) {
            types.add(api);
        } else {
            types.addAll(export.api());
        }
        types.add(RpcStub.class);
        return proxyOf(new StubHandle(export, List.copyOf(types)));
    }

    private static Object proxyOf(StubHandle h) {
        Class<?>[] types = h.interfaces.toArray(new Class<?>[0]);
        ClassLoader loader = RpcStub.class.getClassLoader();
        for (Class<?> t : types) {
            if (t.getClassLoader() != null && t != RpcStub.class) {
                loader = t.getClassLoader(); // the user's loader sees the API too
                break;
            }
        }
        Object proxy = Proxy.newProxyInstance(loader, types, h);
        DROPPED.register(proxy, h::dispose);
        return proxy;
    }

    /** The handle behind {@code value} when it is a stub, else null. */
    static StubHandle of(Object value) {
        if (value != null
                && Proxy.isProxyClass(value.getClass())
                && Proxy.getInvocationHandler(value) instanceof StubHandle h) {
            return h;
        }
        return null;
    }

    /** The export, with one more reference for the caller: this stub passed on to a third party. */
    Export share() {
        checkLive();
        export.retain();
        return export;
    }

    private void checkLive() {
        if (disposed) {
            throw new IllegalStateException(RpcStub.DISPOSED);
        }
    }

    private synchronized void dispose() {
        if (!disposed) {
            disposed = true;
            export.release();
        }
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
        Class<?> declaring = m.getDeclaringClass();
        if (declaring == Object.class) {
            return switch (m.getName()) {
                case "toString" -> export + (disposed ? " (disposed)" : "");
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new UnsupportedOperationException(m.getName());
            };
        }
        if (declaring == RpcStub.class || declaring == AutoCloseable.class) {
            if (m.getName().equals("close")) {
                dispose();
                return null;
            }
            if (m.getName().equals("dup")) {
                checkLive();
                return proxyOf(new StubHandle(export, interfaces));
            }
        }
        if (m.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, m, args);
        }
        checkLive();
        return export.call(m, args == null ? new Object[0] : args);
    }

    /** Disposes every stub in {@code stubs} (the parameters of a call that returned). */
    static void disposeAll(List<RpcStub> stubs) {
        for (RpcStub s : new ArrayList<>(stubs)) {
            s.close();
        }
    }
}
