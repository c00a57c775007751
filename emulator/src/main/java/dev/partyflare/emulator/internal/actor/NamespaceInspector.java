package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.emulator.internal.storage.NamespaceStorage;
import java.util.ArrayList;
import java.util.List;

/**
 * What tools (the dashboard, the admin API, tests) see of one namespace's objects: live ones with
 * their sockets and what keeps them from hibernating, hibernated ones with their sockets, and
 * evicted ones with stored data or a pending alarm. Reads only; it never wakes an object.
 */
public final class NamespaceInspector {
    private final ActorNamespace namespace;

    NamespaceInspector(ActorNamespace namespace) {
        this.namespace = namespace;
    }

    /** Ids of the live, hibernated and stored objects of this namespace. */
    public java.util.List<String> objectIds() {
        java.util.Set<String> ids = new java.util.TreeSet<>(namespace.actorIds());
        ids.addAll(namespace.hibernation().all().keySet());
        for (NamespaceStorage.StoredObject o : namespace.store().objects()) {
            // as describeAll: an object whose data was deleted (deleteAll, a reset) is no longer listed
            if (namespace.services().alarms().pending(namespace, o.id()) != null
                    || namespace.store().hasData(o.id())) {
                ids.add(o.id());
            }
        }
        return new java.util.ArrayList<>(ids);
    }

    /**
     * Every object this namespace knows: live, hibernated, and evicted ones with stored data or a
     * pending alarm, with names as far as they are known (the live id, the sockets' id, the storage
     * index, the timeline).
     */
    public java.util.List<dev.partyflare.emulator.ObjectInfo> describeAll() {
        return describe(true);
    }

    /** The live and hibernated objects, and with {@code stored} the evicted ones too (see {@link #describeAll()}). */
    public java.util.List<dev.partyflare.emulator.ObjectInfo> describe(boolean stored) {
        java.util.Map<String, dev.partyflare.emulator.ObjectInfo> out = new java.util.TreeMap<>();
        for (Actor a : namespace.actors()) {
            String hex = a.id().toString();
            HibernationManager.Sockets hib = namespace.hibernation().existing(a.id());
            java.util.List<dev.partyflare.emulator.ObjectInfo.Socket> sockets = new java.util.ArrayList<>();
            for (dev.partyflare.emulator.internal.websocket.WebSocketEnd ws :
                    a.lifecycle().standardSockets()) {
                sockets.add(socketInfo(ws));
            }
            int hibernatable = 0;
            if (hib != null) {
                for (dev.partyflare.emulator.internal.websocket.WebSocketEnd ws : hib.open(null)) {
                    sockets.add(socketInfo(ws));
                    hibernatable++;
                }
            }
            out.put(
                    hex,
                    info(
                            hex,
                            a.id(),
                            a.location(),
                            "live",
                            a.lifecycle().openSockets(),
                            hibernatable,
                            a.lifecycle().hibernationBlockers(),
                            sockets));
        }
        for (java.util.Map.Entry<String, HibernationManager.Sockets> e :
                namespace.hibernation().all().entrySet()) {
            java.util.List<dev.partyflare.emulator.internal.websocket.WebSocketEnd> open =
                    e.getValue().open(null);
            if (out.containsKey(e.getKey()) || open.isEmpty()) {
                continue;
            }
            java.util.List<dev.partyflare.emulator.ObjectInfo.Socket> sockets = new java.util.ArrayList<>();
            open.forEach(ws -> sockets.add(socketInfo(ws)));
            DurableObjectId id = e.getValue().id();
            out.put(e.getKey(), info(e.getKey(), id, null, "hibernated", 0, open.size(), java.util.List.of(), sockets));
        }
        for (NamespaceStorage.StoredObject o :
                stored ? namespace.store().objects() : java.util.List.<NamespaceStorage.StoredObject>of()) {
            if (out.containsKey(o.id())) {
                continue;
            }
            boolean alarm = namespace.services().alarms().pending(namespace, o.id()) != null;
            if (!alarm && !namespace.store().hasData(o.id())) {
                continue; // known once, nothing stored now (deleteAll)
            }
            DurableObjectId id = new DurableObjectId(o.id(), o.name(), o.jurisdiction());
            out.put(o.id(), info(o.id(), id, o.location(), "evicted", 0, 0, java.util.List.of(), java.util.List.of()));
        }
        return new java.util.ArrayList<>(out.values());
    }

    private dev.partyflare.emulator.ObjectInfo info(
            String hex,
            DurableObjectId id,
            String location,
            String state,
            int standard,
            int hibernatable,
            java.util.List<String> blockers,
            java.util.List<dev.partyflare.emulator.ObjectInfo.Socket> sockets) {
        String name = id.name().orElse(null);
        if (name == null) {
            name = namespace.store().name(hex);
        }
        if (name == null) {
            name = namespace.services().timeline().nameOf(namespace, hex);
        }
        String loc = location;
        if (loc == null) {
            loc = namespace.placement(hex);
        }
        if (loc == null) {
            loc = namespace.store().placement(hex);
        }
        if (loc == null) {
            loc = Locations.defaultFor(
                    id.jurisdiction().orElse(null), namespace.services().defaultLocation());
        }
        AlarmScheduler.Pending alarm = namespace.services().alarms().pending(namespace, hex);
        return new dev.partyflare.emulator.ObjectInfo(
                namespace.binding(),
                hex,
                name,
                loc,
                state,
                standard,
                hibernatable,
                blockers,
                id.jurisdiction().orElse(null),
                alarm == null ? null : java.time.Instant.ofEpochMilli(alarm.at()),
                alarm == null ? 0 : alarm.retryCount(),
                sockets);
    }

    private static dev.partyflare.emulator.ObjectInfo.Socket socketInfo(
            dev.partyflare.emulator.internal.websocket.WebSocketEnd ws) {
        int state = ws.readyState();
        return new dev.partyflare.emulator.ObjectInfo.Socket(
                ws.id(),
                ws.isHibernatable() ? "hibernatable" : "standard",
                ws.isHibernatable() ? ws.tags() : java.util.List.of(),
                ws.attachmentSize(),
                ws.url(),
                state == dev.partyflare.durable.WebSocket.OPEN
                        ? "open"
                        : state == dev.partyflare.durable.WebSocket.CLOSING ? "closing" : "closed");
    }

    /** The open socket {@code socketId} of the object behind {@code stub} (its server end), or null. */
    public dev.partyflare.emulator.internal.websocket.WebSocketEnd socket(DurableObjectStub stub, long socketId) {
        Actor a = namespace.liveActor(stub.id());
        if (a != null) {
            for (dev.partyflare.emulator.internal.websocket.WebSocketEnd ws :
                    a.lifecycle().standardSockets()) {
                if (ws.id() == socketId) {
                    return ws;
                }
            }
        }
        HibernationManager.Sockets h = namespace.hibernation().existing(stub.id());
        if (h != null) {
            for (dev.partyflare.emulator.internal.websocket.WebSocketEnd ws : h.open(null)) {
                if (ws.id() == socketId) {
                    return ws;
                }
            }
        }
        return null;
    }

    /** Every open socket of the object behind {@code stub} (server ends), standard and hibernatable. */
    public List<dev.partyflare.emulator.internal.websocket.WebSocketEnd> openSockets(DurableObjectStub stub) {
        List<dev.partyflare.emulator.internal.websocket.WebSocketEnd> out = new ArrayList<>();
        Actor a = namespace.liveActor(stub.id());
        if (a != null) {
            out.addAll(a.lifecycle().standardSockets());
        }
        HibernationManager.Sockets h = namespace.hibernation().existing(stub.id());
        if (h != null) {
            out.addAll(h.open(null));
        }
        return out;
    }
}
