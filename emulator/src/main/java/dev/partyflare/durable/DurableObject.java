package dev.partyflare.durable;

/**
 * Base class of a Durable Object ({@code class X extends DurableObject}). Subclasses need a public
 * constructor {@code (DurableObjectState ctx, Env env)} that calls {@code super(ctx, env)}.
 *
 * <p>The runtime delivers one event at a time (a request, an RPC call, a WebSocket event, an
 * alarm); while the code waits on the runtime's timers, outbound fetch or other objects, other
 * events may interleave. Public methods other than the handlers below are callable over RPC from a
 * {@link DurableObjectStub}.
 */
public abstract class DurableObject {
    /** The object's state: id, storage, WebSockets, concurrency control. */
    protected final DurableObjectState ctx;

    /** The Worker's bindings. */
    protected final Env env;

    protected DurableObject(DurableObjectState ctx, Env env) {
        this.ctx = ctx;
        this.env = env;
    }

    /** A message on a socket accepted with {@code ctx.acceptWebSocket} (the hibernatable API). */
    public void webSocketMessage(WebSocket ws, WebSocketMessage message) throws Exception {}

    /**
     * The peer closed a hibernatable socket (or went away: 1006). The runtime does not answer a close
     * frame by itself: call {@code ws.close(code, reason)} to complete the closing handshake.
     */
    public void webSocketClose(WebSocket ws, int code, String reason, boolean wasClean) throws Exception {}

    /** A protocol error on a hibernatable socket (e.g. a message over 32 MiB). */
    public void webSocketError(WebSocket ws, Throwable error) throws Exception {}

    /**
     * Runs when the alarm set with {@code ctx.storage().setAlarm(...)} comes due. If it throws, it is
     * retried up to 6 times with exponential backoff (2 s, 4 s, ... 64 s, plus up to 25 % jitter).
     * Override it to use alarms.
     */
    public void alarm(AlarmInvocationInfo info) throws Exception {
        throw new UnsupportedOperationException(
                "Your Durable Object class must have an alarm() handler in order to call setAlarm()");
    }

    /** Handles {@code stub.fetch(request)}. */
    public Response fetch(Request request) throws Exception {
        throw new UnsupportedOperationException("Handler does not export a fetch() function.");
    }
}
