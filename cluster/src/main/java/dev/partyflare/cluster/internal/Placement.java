package dev.partyflare.cluster.internal;

import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Which data center an object runs in (docs/cluster.md, "Location hints and jurisdictions"). A node
 * without a data center routes as a cluster without data centers does: every call to its own (the
 * default) data center's shards. A node with one looks up the data center recorded for the id in the
 * namespace index of the shared state directory; the first call for an id records it (the first
 * record wins, {@link Emulator#placeObject}): the hint's data center when the cluster has a node
 * there that may run the object, else the caller's own, else the first in Cloudflare's order. Every
 * later call goes to the recorded one, whatever its hint: one data center per id, so one entity (one
 * live instance) per id, though each data center runs its own shards.
 *
 * <p>A jurisdiction's objects run only on nodes with the role {@code jurisdiction-<j>}.
 */
public final class Placement {
    /** Pekko's name of the data center of a node that declares none. */
    public static final String DEFAULT_DATA_CENTER = "default";

    private final Cluster cluster;
    private final String selfDataCenter;
    private final CompletableFuture<Emulator> emulator = new CompletableFuture<>();
    private final Duration timeout;
    private final Map<String, String> placed = new ConcurrentHashMap<>();

    /**
     * @param selfDataCenter this node's data center (a location hint), or null for none
     */
    public Placement(Cluster cluster, String selfDataCenter, Duration timeout) {
        this.cluster = cluster;
        this.selfDataCenter = selfDataCenter;
        this.timeout = timeout;
    }

    /** The node's emulator, once started (a call routed before waits for it, within the call timeout). */
    public void emulator(Emulator e) {
        emulator.complete(e);
    }

    /** This node's data center, or null. */
    public String selfDataCenter() {
        return selfDataCenter;
    }

    /** The role of the nodes that may run objects of jurisdiction {@code j}. */
    public static String role(String jurisdiction) {
        return "jurisdiction-" + jurisdiction;
    }

    /**
     * The data center whose shards run {@code id}'s entity: null for this node's own data center in a
     * cluster without data centers, else the recorded one (recorded now if the id has none).
     *
     * @throws DurableObjectException when no node may run the object now (its data center has no
     *     node up, or no node serves its jurisdiction), or the cluster mixes nodes with and without
     *     data centers
     */
    public String dataCenterOf(String binding, DurableObjectId id, String hint) {
        String jurisdiction = id.jurisdiction().orElse(null);
        if (selfDataCenter == null) {
            Set<String> centers = dataCenters(cluster);
            if (!centers.isEmpty()) {
                throw error(
                        "This cluster node has no data center but the cluster has data centers " + centers
                                + ": start every node of a cluster with a data center, or none",
                        false);
            }
            if (jurisdiction != null && !hasHost(DEFAULT_DATA_CENTER, jurisdiction)) {
                throw noJurisdiction(binding, id, jurisdiction);
            }
            return null;
        }
        String key = binding + "/" + id;
        String dc = placed.get(key);
        if (dc == null) {
            Emulator e = emulator();
            dc = e.placeObject(binding, id, null);
            if (dc == null) {
                dc = e.placeObject(binding, id, choose(binding, id, hint, jurisdiction));
            }
            placed.put(key, dc);
        }
        if (!hasHost(dc, jurisdiction)) {
            throw error(
                    "The Durable Object " + binding + " " + id + " was placed in data center " + dc
                            + ", where no cluster node "
                            + (jurisdiction == null ? "" : "of jurisdiction " + jurisdiction + " ")
                            + "is up now; calls to it fail until one is (objects never move to another data center)",
                    true);
        }
        return dc;
    }

    /** Where a new object goes: the hint's data center, else this node's, else the first that may run it. */
    private String choose(String binding, DurableObjectId id, String hint, String jurisdiction) {
        Set<String> hosts = new LinkedHashSet<>();
        for (String dc : EmulatorOptions.LOCATION_HINTS) {
            if (hasHost(dc, jurisdiction)) {
                hosts.add(dc);
            }
        }
        if (hint != null && hosts.contains(hint)) {
            return hint;
        }
        if (hosts.contains(selfDataCenter)) {
            return selfDataCenter;
        }
        if (hosts.isEmpty()) {
            throw jurisdiction != null
                    ? noJurisdiction(binding, id, jurisdiction)
                    : error("No cluster node is up to run " + binding + " " + id, true);
        }
        return hosts.iterator().next();
    }

    private DurableObjectException noJurisdiction(String binding, DurableObjectId id, String jurisdiction) {
        return error(
                "No cluster node may run objects of jurisdiction \"" + jurisdiction + "\" (" + binding + " " + id
                        + "): none that is up has the role " + role(jurisdiction)
                        + "; start a node with that jurisdiction (ClusterNode.Options.jurisdictions, or"
                        + " partyflare dev --jurisdictions " + jurisdiction + ")",
                false);
    }

    /** True when data center {@code dc} has a node up (this one counts while it starts) that may run the object. */
    private boolean hasHost(String dc, String jurisdiction) {
        String role = jurisdiction == null ? null : role(jurisdiction);
        Member self = cluster.selfMember();
        if (self.dataCenter().equals(dc)
                && (role == null || self.hasRole(role))
                && self.status() != MemberStatus.down()
                && self.status() != MemberStatus.leaving()
                && self.status() != MemberStatus.exiting()
                && self.status() != MemberStatus.removed()) {
            return true;
        }
        for (Member m : cluster.state().getMembers()) {
            if (m.status() == MemberStatus.up() && m.dataCenter().equals(dc) && (role == null || m.hasRole(role))) {
                return true;
            }
        }
        return false;
    }

    /** The data centers (other than the default one) of the cluster's members. */
    static Set<String> dataCenters(Cluster cluster) {
        Set<String> out = new LinkedHashSet<>();
        for (Member m : cluster.state().getMembers()) {
            if (!m.dataCenter().equals(DEFAULT_DATA_CENTER)) {
                out.add(m.dataCenter());
            }
        }
        return out;
    }

    private Emulator emulator() {
        try {
            return emulator.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for this node's emulator", e);
        } catch (Exception e) {
            throw new IllegalStateException("This cluster node's emulator did not start", e);
        }
    }

    private static DurableObjectException error(String message, boolean retryable) {
        return DurableObjectException.builder("Error", message)
                .retryable(retryable)
                .build();
    }
}
