package dev.partyflare.durable;

/**
 * A service binding ({@code env.AUTH} for {@code [[services]] binding = "AUTH", service = "auth"}):
 * a client of another Worker of the same emulator, as JS's {@code Fetcher}. {@link #fetch(Request)}
 * runs that Worker's {@code fetch} handler in-process, with its own {@code env} and {@link
 * ExecutionContext}, and returns its response; no network is involved and the URL is passed on as
 * given (its host need not resolve).
 *
 * <p>An exception thrown by the target Worker is not turned into a 500: it arrives as a {@link
 * DurableObjectException} with the original type and message and {@code remote() == true}, as
 * workerd rejects the caller's {@code fetch()} with the target's error ({@code e.remote ===
 * true}). Uncaught, it gives the caller's own HTTP request a 500.
 *
 * <p>RPC ({@code env.AUTH.add(1, 2)}): when the target is a {@link WorkerEntrypoint} (the Worker's
 * default export, or the named entrypoint of {@code [[services]] entrypoint = "Admin"}), {@link
 * #call} and {@link #rpc} run its public method of that name and arity on a new instance, with the
 * arguments and the result passed as Durable Object RPC passes them (copies of JSON-compatible
 * values; {@link RpcTarget}s and functions by reference). Errors
 * arrive as for {@code fetch}; a method the target does not have gives {@code The RPC receiver does
 * not implement the method "name".} A Worker that is not a {@link WorkerEntrypoint} has no RPC
 * methods.
 *
 * <p>Called inside a Durable Object, the call is outbound I/O: the object's input gate opens while
 * it waits.
 */
public interface ServiceBinding {

    /** The name of the Worker this binding reaches. */
    String service();

    /** The named entrypoint this binding reaches ({@code entrypoint = "Admin"}); empty: the default. */
    default java.util.Optional<String> entrypoint() {
        return java.util.Optional.empty();
    }

    /** Sends {@code request} to the target Worker's {@code fetch} handler. */
    Response fetch(Request request);

    /** {@code fetch(Request.get(url))}. */
    default Response fetch(String url) {
        return fetch(Request.get(url));
    }

    /**
     * A typed RPC client: calls on the returned proxy run the public method of the same name and
     * arity on the target entrypoint, which usually implements {@code api}.
     */
    <T> T rpc(Class<T> api);

    /** Untyped RPC: calls public method {@code method} with {@code args}, result as {@code resultType}. */
    <R> R call(Class<R> resultType, String method, Object... args);

    /** Untyped RPC returning the result as a JSON-like value (maps, lists, strings, numbers). */
    default Object call(String method, Object... args) {
        return call(Object.class, method, args);
    }
}
