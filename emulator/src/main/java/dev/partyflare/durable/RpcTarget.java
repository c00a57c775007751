package dev.partyflare.durable;

/**
 * Marks an interface whose implementations travel over RPC by reference, as JS's {@code RpcTarget}
 * ({@code import { RpcTarget } from "cloudflare:workers"}). An RPC argument or result whose declared
 * type is an interface extending {@code RpcTarget} is not copied: the receiver gets a stub (a proxy
 * of that interface that also implements {@link RpcStub}) whose calls go back to the object in its
 * owner, one at a time and in order. Functional interfaces ({@code java.util.function.*} and any
 * {@code @FunctionalInterface}) travel the same way, as JS functions do.
 *
 * <pre>{@code
 * public interface Counter extends RpcTarget { int incr(int by); }
 *
 * // in a Durable Object: the caller gets a stub of this object's counter
 * public Counter counter() { return counter; }
 * }</pre>
 *
 * <p>The owner is where the object was passed from: inside a Durable Object, calls on the stub are
 * events of that object, behind its input gate, and their replies leave after its output gate; in a
 * Worker, they run in its context. Once the owner is reset, calls fail with {@code The execution
 * context which hosts this callback is no longer running.} See {@link RpcStub} for disposal.
 */
public interface RpcTarget {}
