package dev.partyflare.emulator.junit5;

import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import java.util.List;

/**
 * SPI: starts the in-process cluster of {@link PartyflareTest#clusterNodes()} (and {@link
 * PartyflareEnv#startCluster}). Provided by {@code partyflare-cluster} (found with {@link
 * java.util.ServiceLoader}); not for application code.
 */
public interface TestClusterProvider {

    /**
     * Starts {@code nodes} cluster nodes in this JVM, each an emulator with {@code options} on one
     * shared state directory of its own, joined and Up when this returns.
     *
     * @param errors told of errors in user code that no caller sees, on every node
     */
    TestCluster start(int nodes, EmulatorOptions options, Emulator.ErrorListener errors);

    /** A running in-process cluster. */
    interface TestCluster extends AutoCloseable {
        /** The nodes' emulators, in start order. */
        List<Emulator> nodes();

        /**
         * The index in {@link #nodes()} of the node that owns object {@code id} of namespace {@code
         * binding}, as the cluster places it (the object is not constructed).
         */
        int ownerOf(String binding, DurableObjectId id);

        /** Stops every node and deletes the state directory; nothing of the cluster outlives it. */
        @Override
        void close();
    }
}
