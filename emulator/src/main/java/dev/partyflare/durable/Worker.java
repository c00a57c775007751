package dev.partyflare.durable;

/**
 * A Worker's entry point ({@code export default { fetch(request, env, ctx) }}). Implementations
 * need a public no-argument constructor; one instance serves every request, concurrently, so keep
 * it free of per-request state. An exception thrown here becomes a 500 response.
 */
@FunctionalInterface
public interface Worker {
    Response fetch(Request request, Env env, ExecutionContext ctx) throws Exception;
}
