package dev.partyflare.durable;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;

/** An object's {@code ctx} ({@code DurableObjectState}). */
public interface DurableObjectState extends RuntimeContext {

    /** This object's id. */
    DurableObjectId id();

    /** This object's storage ({@code ctx.storage}). */
    DurableObjectStorage storage();

    /**
     * Runs {@code fn} with no other event delivered to this object until it finishes, even while it
     * waits on timers or I/O. If {@code fn} throws or runs past 30 s (runtime clock), the object is
     * reset and the exception propagates to the caller; code after this call does not run.
     */
    <T> T blockConcurrencyWhile(Callable<T> fn);

    /** {@link #blockConcurrencyWhile(Callable)} for code without a result. */
    default void blockConcurrencyWhile(ThrowingRunnable fn) {
        blockConcurrencyWhile(() -> {
            fn.run();
            return null;
        });
    }

    /**
     * Accepts {@code ws} with the hibernatable WebSocket API: its events go to {@link
     * DurableObject#webSocketMessage}, {@link DurableObject#webSocketClose} and {@link
     * DurableObject#webSocketError}, and the object may hibernate while it stays connected. At most
     * 10 tags of at most 256 UTF-8 bytes each; duplicates are dropped.
     */
    void acceptWebSocket(WebSocket ws, String... tags);

    void acceptWebSocket(WebSocket ws, java.util.List<String> tags);

    /** The hibernatable sockets of this object that are not closed. */
    java.util.List<WebSocket> getWebSockets();

    /** The hibernatable sockets with {@code tag}. */
    java.util.List<WebSocket> getWebSockets(String tag);

    /** The tags of a hibernatable socket. */
    java.util.List<String> getTags(WebSocket ws);

    /** Sets (or, with null, clears) the automatic response for hibernatable sockets. */
    void setWebSocketAutoResponse(WebSocketRequestResponsePair pair);

    java.util.Optional<WebSocketRequestResponsePair> getWebSocketAutoResponse();

    /** When the runtime last answered {@code ws} automatically, or empty. */
    java.util.Optional<java.time.Instant> getWebSocketAutoResponseTimestamp(WebSocket ws);

    /** Limits how long a hibernatable socket's event handler may run (at most 7 days; 0 clears). */
    void setHibernatableWebSocketEventTimeout(long millis);

    java.util.OptionalLong getHibernatableWebSocketEventTimeout();

    /** Keeps the object alive while {@code task} runs in the background. */
    void waitUntil(Runnable task);

    /** Keeps the object alive while {@code work} completes. */
    void waitUntil(CompletionStage<?> work);

    /**
     * Resets the object: in-memory state is dropped, every WebSocket is disconnected, and the caller
     * gets {@code Application called abort() to reset Durable Object.} with the reset flag. Does not
     * return.
     */
    void abort();

    /** {@link #abort()} with a reason for the caller. Does not return. */
    void abort(String reason);

    /**
     * {@link #abort(String)} with options ({@code ctx.abort(reason, {retryAlarm: false})}): called in
     * {@code alarm()} with {@link AbortOptions#NO_ALARM_RETRY}, the alarm is dropped instead of
     * retried, as on Cloudflare since August 2026 (a replacement alarm that was already committed
     * stays). Local workerd 1.20260426 predates the option and retries anyway; {@code
     * EmulatorOptions.Builder.honourRetryAlarm(false)} does the same. Does not return.
     */
    void abort(String reason, AbortOptions options);

    /**
     * The simulated Cloudflare location this object runs in ({@code wnam}, {@code weur}, ...): the
     * location hint given at its first creation, otherwise the emulator's default. Not a Cloudflare
     * API: there, placement is only observable by latency.
     */
    String location();

    /** A {@link Runnable} that may throw. */
    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /**
     * The exports of the Worker that defines this class as bindings ({@code ctx.exports}): its
     * entrypoints and Durable Object classes.
     */
    default WorkerExports exports() {
        throw new UnsupportedOperationException("ctx.exports is not available in this context");
    }

    /**
     * {@code ctx.props} of a Durable Object: always empty, as on workerd 1.20260426, where it is
     * {@code {}} for every object however it is reached (a stub's {@code fetch}, RPC, {@code
     * ctx.exports}); no API gives a Durable Object props. Props of a service binding reach a
     * {@link WorkerEntrypoint}'s {@link ExecutionContext#props()}.
     */
    default java.util.Map<String, Object> props() {
        return java.util.Map.of();
    }
}
