package dev.partyflare.emulator;

import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import java.util.Optional;

/**
 * SPI: where the objects of this emulator's namespaces run. Without one (the default) every object
 * runs here. With one, every stub call ({@code stub.fetch} and RPC, from a Worker, another object or
 * a test) is handed to the router, which either runs it here ({@link Call#runHere()}) or delivers it
 * to the node that owns the id and answers with that node's result. On the owning node the call
 * enters through {@link Emulator#stubHere} and {@link Emulator#rpcHere}, which never consult the
 * router again, and runs behind that node's input gate as any event.
 *
 * <p>Used by {@code partyflare-cluster} (docs/cluster.md); not for application code. The caller's
 * input gate is open while the router works (it is outbound I/O, as a call to another object is).
 */
public interface ObjectRouter {

    /** A stub's fetch: the request, or the response of the object wherever it lives. */
    Response fetch(Call<Response> call, Request request);

    /**
     * A stub's RPC call, its arguments and result already serialized as JSON (null for a null
     * argument or a void result): bytes that can cross a network as they are, except an {@code
     * RpcTarget} or a function, which is a reference to an export of this JVM: a router that
     * carries the call elsewhere makes it callable from there ({@link RpcReferences}).
     */
    byte[] rpc(Call<byte[]> call, String method, byte[][] jsonArgs);

    /**
     * A stored alarm came due on this node's clock: deliver it to the node that owns the id, which
     * runs it ({@link Emulator#runDueAlarm} there) only if it is still due, and answers whether it
     * ran. Several nodes may deliver the same alarm; all but one find nothing due. The default runs
     * it here ({@link Call#runHere()}), as without a router.
     */
    default boolean alarm(Call<Boolean> call) {
        return call.runHere();
    }

    /**
     * A test's {@link Emulator#runAlarm} ("run it now", due or not): deliver it to the node that owns
     * the id, which runs the stored alarm there as {@link Emulator#runAlarm} runs it on a stub of
     * {@link Emulator#stubHere}, and answer whether there was one. The default runs it here.
     */
    default boolean runAlarm(Call<Boolean> call) {
        return call.runHere();
    }

    /** What a routed call addresses, and the way to run it on this node. */
    interface Call<T> {
        /** The namespace's binding name (e.g. {@code COUNTER}). */
        String binding();

        /** The object's id. */
        DurableObjectId id();

        /** The location hint the stub was made with, if any. */
        Optional<String> locationHint();

        /** Runs the call in this emulator, as it would run without a router. */
        T runHere();

        /**
         * A call to {@code id} of {@code binding}, made with {@code locationHint} (or null), that runs
         * here as {@code here} does.
         */
        static <T> Call<T> of(
                String binding, DurableObjectId id, String locationHint, java.util.function.Supplier<T> here) {
            return new Call<>() {
                @Override
                public String binding() {
                    return binding;
                }

                @Override
                public DurableObjectId id() {
                    return id;
                }

                @Override
                public Optional<String> locationHint() {
                    return Optional.ofNullable(locationHint);
                }

                @Override
                public T runHere() {
                    return here.get();
                }
            };
        }
    }
}
