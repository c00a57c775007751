package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.emulator.internal.exec.ActorResetError;
import dev.partyflare.emulator.internal.exec.EventContext;
import dev.partyflare.emulator.internal.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.util.Optional;

/**
 * A stub: sends fetch and RPC events to the object with this id. A call from inside another
 * object opens the caller's input gate while it waits, as any outbound I/O does.
 */
final class StubImpl implements DurableObjectStub {
    private final ActorNamespace namespace;
    private final DurableObjectId id;
    private final String locationHint;

    StubImpl(ActorNamespace namespace, DurableObjectId id, String locationHint) {
        this.namespace = namespace;
        this.id = id;
        this.locationHint = locationHint;
    }

    ActorNamespace namespace() {
        return namespace;
    }

    String locationHint() {
        return locationHint;
    }

    @Override
    public DurableObjectId id() {
        return id;
    }

    @Override
    public Optional<String> name() {
        return id.name();
    }

    @Override
    public Response fetch(Request request) {
        if (request == null) {
            throw new IllegalArgumentException("fetch() needs a request");
        }
        return send(true, obj -> obj.fetch(request));
    }

    @Override
    public <R> R call(Class<R> resultType, String method, Object... args) {
        return resultType.cast(callTyped(resultType, method, args == null ? new Object[0] : args));
    }

    Object callTyped(Type resultType, String method, Object[] args) {
        byte[][] serialized = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            serialized[i] = args[i] == null ? null : Json.write(args[i]);
        }
        byte[] result = send(false, obj -> RpcInvoker.invoke(obj, method, serialized));
        if (result == null || resultType == void.class || resultType == Void.class) {
            return null;
        }
        return Json.read(result, resultType);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T rpc(Class<T> api) {
        if (!api.isInterface()) {
            throw new IllegalArgumentException(
                    "rpc() takes an interface that the object implements; " + api.getName() + " is not one");
        }
        return (T) Proxy.newProxyInstance(
                api.getClassLoader(),
                new Class<?>[] {api},
                (proxy, m, args) -> invokeProxy(proxy, m, args == null ? new Object[0] : args));
    }

    private Object invokeProxy(Object proxy, Method m, Object[] args) {
        if (m.getDeclaringClass() == Object.class) {
            return switch (m.getName()) {
                case "toString" -> "RPC stub of " + namespace.binding() + " " + id;
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new UnsupportedOperationException(m.getName());
            };
        }
        return callTyped(m.getGenericReturnType(), m.getName(), args);
    }

    private <T> T send(boolean isFetch, Actor.EventBody<T> body) {
        try {
            return EventContext.awaitIo(() -> namespace.run(id, locationHint, body));
        } catch (ActorBrokenException e) {
            // fetch errors carry remote: true; RPC errors from a reset and internal errors do not
            // (observed on workerd)
            boolean remote = isFetch && !e.internal();
            throw new DurableObjectException(e.errorType(), e.getMessage(), remote, !e.internal(), false, false, "");
        } catch (DurableObjectException | ActorResetError e) {
            throw e; // already remote, or the caller itself being reset
        } catch (RpcInvoker.NoSuchMethodException e) {
            throw new DurableObjectException(
                    "java.lang.NoSuchMethodException", e.getMessage(), true, false, false, false, "");
        } catch (Exception | Error e) {
            throw new DurableObjectException(
                    e.getClass().getName(),
                    e.getMessage() == null ? "" : e.getMessage(),
                    true,
                    false,
                    false,
                    false,
                    stackOf(e));
        }
    }

    private static String stackOf(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
