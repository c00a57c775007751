package dev.partyflare.durable;

import java.util.concurrent.CompletionStage;

/**
 * The {@code ctx} of a Worker's {@code fetch}: work that may outlive the response, and the runtime
 * services that an event uses ({@link RuntimeContext}).
 */
public interface ExecutionContext extends RuntimeContext {

    /** Keeps the runtime aware of {@code task}, which runs in the background after this call. */
    void waitUntil(Runnable task);

    /** Keeps the runtime aware of work already under way. */
    void waitUntil(CompletionStage<?> work);

    /**
     * Cloudflare forwards the request to the origin when the Worker throws. Locally there is no
     * origin, so (as in {@code wrangler dev} without a route) the request still fails with a 500.
     */
    void passThroughOnException();

    /**
     * The props of the service binding that called this entrypoint ({@code ctx.props}: {@code
     * [[services]] props = {...}}), a copy; empty for HTTP requests and bindings without props, as
     * workerd gives {@code {}}.
     */
    default java.util.Map<String, Object> props() {
        return java.util.Map.of();
    }

    /**
     * The Worker's own exports as bindings ({@code ctx.exports}): its entrypoints and Durable Object
     * classes, reachable without a binding.
     */
    default WorkerExports exports() {
        throw new UnsupportedOperationException("ctx.exports is not available in this context");
    }
}
