package dev.partyflare.durable;

/**
 * A stub received over RPC for an {@link RpcTarget} or a function: the proxy a receiver holds also
 * implements this interface. As on Cloudflare ({@code stub[Symbol.dispose]()}, {@code stub.dup()}):
 *
 * <ul>
 *   <li>{@link #close()} disposes the stub; a call on it afterwards fails with {@link #DISPOSED}.
 *       Closing twice does nothing.
 *   <li>A stub received as an argument of an RPC method is disposed when that method returns. To
 *       keep it, {@link #dup()} it (or {@link #dup(Object)} it in its own type) and close the copy
 *       when done.
 *   <li>A stub received as a result belongs to the caller, who closes it when done ({@code
 *       try-with-resources} works on the {@code RpcStub} view).
 *   <li>A duplicate and its original are disposed independently: closing one leaves the other
 *       usable.
 * </ul>
 */
public interface RpcStub extends AutoCloseable {

    /** workerd's error for a call on a disposed stub. */
    String DISPOSED = "RPC stub used after being disposed.";

    /** A new stub to the same target, disposed independently of this one. */
    RpcStub dup();

    /** Disposes this stub (JS {@code stub[Symbol.dispose]()}). */
    @Override
    void close();

    /** True when {@code value} is a stub received over RPC (not a local object). */
    static boolean isStub(Object value) {
        return value instanceof RpcStub;
    }

    /**
     * {@code stub.dup()} in the stub's own type: {@code Counter kept = RpcStub.dup(counter)}.
     *
     * @throws IllegalArgumentException when {@code stub} is not a stub received over RPC
     */
    @SuppressWarnings("unchecked")
    static <T> T dup(T stub) {
        if (stub instanceof RpcStub s) {
            return (T) s.dup();
        }
        throw new IllegalArgumentException("dup() takes a stub received over RPC; "
                + (stub == null ? "null" : stub.getClass().getName()) + " is a local object");
    }

    /** Disposes {@code stub} if it is a stub received over RPC; does nothing for a local object. */
    static void dispose(Object stub) {
        if (stub instanceof RpcStub s) {
            s.close();
        }
    }
}
