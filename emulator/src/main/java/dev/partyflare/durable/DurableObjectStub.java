package dev.partyflare.durable;

import java.util.Optional;

/**
 * A client of one Durable Object: {@link #fetch(Request)} and RPC. Arguments and results are copied
 * by serialization (JSON-compatible values: records, maps, lists, primitives, strings, byte
 * arrays), never shared, except {@link RpcTarget}s and functions, which travel by reference as
 * stubs that call back into their owner (see {@link RpcTarget}, {@link RpcStub}). A stub, an id or
 * a service binding cannot be passed (workerd's {@code Could not serialize object of type
 * "DurableObject"…}). An exception thrown inside arrives as a {@link DurableObjectException} with
 * the original type and message and {@code remote() == true}.
 */
public interface DurableObjectStub {

    DurableObjectId id();

    /** The name, for stubs made from {@code idFromName}/{@code getByName}. */
    Optional<String> name();

    /** Sends {@code request} to the object's {@code fetch} handler. */
    Response fetch(Request request);

    /** {@code fetch(Request.get(url))}. */
    default Response fetch(String url) {
        return fetch(Request.get(url));
    }

    /**
     * A typed RPC client: calls on the returned proxy run the public method of the same name and
     * arity inside the object. The object's class usually implements {@code api}.
     */
    <T> T rpc(Class<T> api);

    /** Untyped RPC: calls public method {@code method} with {@code args}, result as {@code type}. */
    <R> R call(Class<R> resultType, String method, Object... args);

    /** Untyped RPC returning the result as a JSON-like value (maps, lists, strings, numbers). */
    default Object call(String method, Object... args) {
        return call(Object.class, method, args);
    }
}
