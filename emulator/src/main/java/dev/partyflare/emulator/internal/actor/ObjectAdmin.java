package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.SqlStorage;
import dev.partyflare.emulator.StorageAdmin;
import dev.partyflare.emulator.StorageSnapshot;
import dev.partyflare.emulator.TimelineEvent;
import dev.partyflare.emulator.internal.storage.StorageAdminOps;
import java.sql.SQLException;
import java.util.Map;

/**
 * One object's storage from outside it (behind {@link StorageAdmin}): reads on a read-only connection,
 * writes as events of the object that do not construct its class, each noted in its timeline.
 */
public final class ObjectAdmin {
    private final ActorNamespace namespace;
    private final StubImpl stub;
    private final String id;

    ObjectAdmin(ActorNamespace namespace, StubImpl stub) {
        this.namespace = namespace;
        this.stub = stub;
        this.id = stub.id().toString();
    }

    /** Work on storage, inside an event of the object. */
    @FunctionalInterface
    interface Work<T> {
        T run(Actor actor) throws Exception;
    }

    private <T> T event(String action, String detail, Work<T> work) {
        try {
            return namespace.runStorageEvent(stub, a -> {
                T result = work.run(a);
                // before the event's commit: the timeline shows the change, then its commit
                a.timeline().record(a.log, TimelineEvent.Kind.ADMIN, action, detail, 0, 0);
                return result;
            });
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw e;
        } catch (SQLException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (dev.partyflare.durable.SqlException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private interface Read<T> {
        T run() throws SQLException;
    }

    private static <T> T read(Read<T> r) {
        try {
            return r.run();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the storage: " + e.getMessage(), e);
        }
    }

    // ---- reads ----

    public StorageAdmin.KvPage list(String prefix, String startAfter, int limit) {
        return read(() -> StorageAdminOps.list(namespace.store(), id, prefix, startAfter, limit));
    }

    public StorageAdmin.KvEntry get(String key) {
        return read(() -> StorageAdminOps.get(namespace.store(), id, key));
    }

    public StorageAdmin.SqlResult query(String sql, Object[] bindings) {
        return read(() -> StorageAdminOps.query(namespace.store(), id, sql, bindings));
    }

    public StorageAdmin.Alarm alarm() {
        return read(() -> StorageAdminOps.alarm(namespace.store(), id));
    }

    public StorageSnapshot export() {
        return read(() -> StorageAdminOps.export(namespace.store(), id));
    }

    // ---- writes ----

    public void put(String key, String json, String type) {
        event("kv.put", quoted(key), a -> {
            StorageAdminOps.putJson(a.storage(), key, json, type, namespace.classLoader());
            return null;
        });
    }

    public void putBytes(String key, byte[] value) {
        event("kv.put", quoted(key) + " (" + value.length + " bytes)", a -> {
            StorageAdminOps.putBytes(a.storage(), key, value);
            return null;
        });
    }

    public void putAll(Map<String, String> jsonByKey) {
        event("kv.put", jsonByKey.size() + " keys", a -> {
            StorageAdminOps.putAll(a.storage(), jsonByKey, namespace.classLoader());
            return null;
        });
    }

    public boolean delete(String key) {
        return event("kv.delete", quoted(key), a -> a.state().storage().delete(key));
    }

    public StorageAdmin.SqlResult execute(String sql, Object[] bindings) {
        return event("sql", Timeline.preview(sql == null ? "" : sql.strip()), a -> {
            SqlStorage s = a.state().storage().sql();
            return StorageAdminOps.cursorRows(s.exec(sql, bindings));
        });
    }

    public void importSnapshot(StorageSnapshot snapshot) {
        event(
                "import",
                snapshot.kv().size() + " keys, " + snapshot.tables().size() + " tables, " + snapshot.rowCount()
                        + " rows" + (snapshot.alarm() != null ? ", an alarm" : ""),
                a -> {
                    SqlStorage sql = null;
                    if (namespace.sqlite()) {
                        sql = a.state().storage().sql();
                    }
                    StorageAdminOps.importSnapshot(
                            a.storage(), sql, a.state().storage(), snapshot, namespace.classLoader());
                    return null;
                });
    }

    public void deleteAll() {
        event("storage.deleteAll", "", a -> {
            a.state().storage().deleteAll();
            return null;
        });
    }

    public void setAlarm(long at) {
        event("alarm.set", java.time.Instant.ofEpochMilli(at).toString(), a -> {
            a.state().storage().setAlarm(at);
            return null;
        });
    }

    public void deleteAlarm() {
        event("alarm.delete", "", a -> {
            a.state().storage().deleteAlarm();
            return null;
        });
    }

    private static String quoted(String key) {
        return "\"" + Timeline.preview(key) + "\"";
    }
}
