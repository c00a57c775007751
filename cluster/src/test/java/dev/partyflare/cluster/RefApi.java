package dev.partyflare.cluster;

import dev.partyflare.durable.RpcTarget;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/** {@link RefObject}'s RPC methods that take or give RpcTargets and functions (ClusterRpcByReferenceIT). */
public interface RefApi {
    /** The node this object runs on. */
    String node();

    /** Calls {@code cb} with 0 … n-1, one call after the other, and answers its results. */
    List<Integer> callMany(IntUnaryOperator cb, int n);

    /** Calls {@code cb}, which throws: what arrived here. */
    Map<String, Object> callbackThrows(Runnable cb);

    /** Keeps {@code cb} without dup(): disposed when this call returns. */
    String keep(IntUnaryOperator cb);

    int useKept(int x);

    /** Keeps a dup() of {@code cb}. */
    String keepDup(IntUnaryOperator cb);

    int useKeptDup(int x);

    String disposeKeptDup();

    /** This object's tally, by reference. */
    Tally tally();

    /** Adds {@code by} on a tally of some other object (a third party's stub). */
    long addOn(Tally t, long by);

    /** Passes {@code cb} on to object {@code other}'s {@link #callMany}. */
    List<Integer> forward(IntUnaryOperator cb, String other, int n);

    /**
     * Passes a callback of this object to object {@code other}, which calls it {@code n} times: each
     * call is an event of this object (it counts in storage, behind this object's input gate).
     */
    List<Integer> driveOwnCallback(String other, int n);

    /** An event of this object that counts in storage (concurrent with callbacks). */
    long bump();

    /** The counts in storage: {@code bumps}, {@code callbacks}, {@code tally}. */
    Map<String, Long> counts();

    /** A count in storage kept by this object, passed by reference. */
    interface Tally extends RpcTarget {
        long add(long by);

        long value();

        void boom();
    }
}
