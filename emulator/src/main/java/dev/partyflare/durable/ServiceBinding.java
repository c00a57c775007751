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
 * <p>Called inside a Durable Object, the call is outbound I/O: the object's input gate opens while
 * it waits.
 */
public interface ServiceBinding {

    /** The name of the Worker this binding reaches. */
    String service();

    /** Sends {@code request} to the target Worker's {@code fetch} handler. */
    Response fetch(Request request);

    /** {@code fetch(Request.get(url))}. */
    default Response fetch(String url) {
        return fetch(Request.get(url));
    }
}
