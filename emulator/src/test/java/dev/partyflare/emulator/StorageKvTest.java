package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partyflare.durable.DurableObjectStorage;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.ListOptions;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.fixtures.Store;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The KV storage API (SEMANTICS.md §3). */
class StorageKvTest {
    static final List<String> OBSERVED_ORDER = List.of(
            " ",
            "01",
            "1",
            "10",
            "9",
            "A",
            "Z",
            "__ps_name",
            "a",
            "a b",
            "a-b",
            "a:b",
            "a_b",
            "aa",
            "ab",
            "b",
            "c",
            "e",
            "user",
            "user:1",
            "user:10",
            "user:2",
            "user;",
            "z",
            "ä",
            "é",
            "日本",
            "\uFFFF",
            "😀");

    Emulator emu;
    DurableObjectStub stub;

    @BeforeEach
    void start() {
        emu = TestEmulators.inProcess();
        stub = emu.namespace("STORE").getByName("kv");
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    <T> T in(Function<DurableObjectStorage, T> f) {
        return emu.runInDurableObject(
                stub, (Store obj, dev.partyflare.durable.DurableObjectState ctx) -> f.apply(ctx.storage()));
    }

    List<String> keysOf(Function<DurableObjectStorage, java.util.Collection<String>> f) {
        return in(s -> List.copyOf(f.apply(s)));
    }

    record Point(int x, int y, List<String> tags) {}

    @Test
    void theSyncKvViewSharesTheKeysOfTheAsyncApi() {
        in(s -> {
            var kv = s.kv();
            kv.put("a", 1L);
            assertThat(s.get("a")).contains(1L);
            s.put("b", "async");
            assertThat(kv.get("b")).contains("async");
            assertThat(kv.get("b", String.class)).contains("async");
            assertThat(kv.get("missing")).isEmpty();
            kv.put("u", null); // JS undefined: stored, listed, read as nothing
            assertThat(kv.get("u")).isEmpty();
            assertThat(kv.list().keySet()).containsExactly("a", "b", "u");
            assertThat(kv.list().get("u")).isNull();
            assertThat(kv.list(ListOptions.ALL.reversed().withLimit(1)).keySet())
                    .containsExactly("u");
            assertThat(kv.delete("a")).isTrue();
            assertThat(kv.delete("a")).isFalse();
            assertThat(s.get("a")).isEmpty();
            assertThatThrownBy(() -> kv.list(ListOptions.ALL.withLimit(0))).hasMessage("List limit must be positive.");
            return null;
        });
        // committed with the event, as any write
        java.util.Optional<Object> committed = in(s -> s.kv().get("b"));
        assertThat(committed).contains("async");
    }

    @Test
    void theSyncKvViewOfAKvBackedClassThrowsWorkerdsText() {
        DurableObjectStub kvStub = emu.namespace("KV").getByName("sync");
        assertThatThrownBy(() -> emu.runInDurableObject(
                        kvStub, (dev.partyflare.fixtures.KvStore o, dev.partyflare.durable.DurableObjectState c) -> {
                            c.storage().kv().put("a", 1);
                            return null;
                        }))
                .hasMessageStartingWith(
                        "The storage.kv (synchronous KV) API is only available for SQLite-backed Durable Objects");
    }

    @Test
    void valuesRoundTripAsTheirTypes() {
        in(s -> {
            s.put("long", 42L);
            s.put("string", "hé");
            s.put("bool", true);
            s.put("double", 1.5);
            s.put("record", new Point(1, 2, List.of("a")));
            s.put("map", Map.of("k", 1));
            s.put("list", List.of(1, 2, 3));
            s.put("bytes", new byte[] {0, -1, 7});
            s.put("", "empty key is allowed");
            s.put("int", 7);
            s.put("short", (short) 7);
            s.put("float", 2.5f);
            s.put("bigmap", Map.of("small", 1, "big", 5_000_000_000L, "half", 0.5));
            return null;
        });
        in(s -> {
            // one JavaScript number, one Java type: the same whether written as int, short or long
            assertThat(s.get("int")).contains(7L);
            assertThat(s.get("short")).contains(7L);
            assertThat(s.get("float")).contains(2.5);
            assertThat(s.get("bigmap")).contains(Map.of("small", 1L, "big", 5_000_000_000L, "half", 0.5));
            assertThat(s.get("int", Integer.class)).contains(7); // a typed read converts
            assertThat(s.get("long")).contains(42L);
            assertThat(s.get("string")).contains("hé");
            assertThat(s.get("bool")).contains(true);
            assertThat(s.get("double")).contains(1.5);
            assertThat(s.get("record")).contains(new Point(1, 2, List.of("a")));
            assertThat(s.get("record", Point.class)).contains(new Point(1, 2, List.of("a")));
            // numbers in untyped reads are Long (integral) or Double, however they were written
            assertThat(s.get("map")).contains(Map.of("k", 1L));
            assertThat(s.get("list")).contains(List.of(1L, 2L, 3L));
            assertThat((byte[]) s.get("bytes").orElseThrow()).containsExactly(0, -1, 7);
            assertThat(s.get("")).contains("empty key is allowed");
            assertThat(s.get("missing")).isEmpty();
            assertThat(s.get("long", Long.class)).contains(42L);
            return null;
        });
    }

    @Test
    void putNullIsUndefined() {
        assertThatThrownBy(() -> in(s -> {
                    s.put("k", null);
                    return null;
                }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("put() called with undefined value.");
    }

    @Test
    void keysAreOrderedByUtf8Bytes() {
        List<String> shuffled = new ArrayList<>(OBSERVED_ORDER);
        Collections.shuffle(shuffled, new java.util.Random(7));
        in(s -> {
            Map<String, Object> entries = new LinkedHashMap<>();
            for (String k : shuffled) {
                entries.put(k, k.length());
            }
            s.put(entries);
            return null;
        });
        assertThat(keysOf(s -> s.list().keySet())).containsExactlyElementsOf(OBSERVED_ORDER);
        assertThat(keysOf(s -> s.get(List.of("😀", "nope", "a", "\uFFFF")).keySet()))
                .containsExactly("a", "\uFFFF", "😀");
        assertThat(keysOf(s -> s.list(ListOptions.ALL.reversed().withLimit(3)).keySet()))
                .containsExactly("😀", "\uFFFF", "日本");
    }

    @Test
    void everyListOption() {
        in(s -> {
            for (String k : List.of("a", "b", "c", "d", "user:1", "user:2", "user;")) {
                s.put(k, k);
            }
            return null;
        });
        Function<ListOptions, List<String>> keys =
                o -> in(s -> new ArrayList<>(s.list(o).keySet()));
        assertThat(keys.apply(ListOptions.ALL.withStart("b")))
                .containsExactly("b", "c", "d", "user:1", "user:2", "user;");
        assertThat(keys.apply(ListOptions.ALL.withStartAfter("b")))
                .containsExactly("c", "d", "user:1", "user:2", "user;");
        assertThat(keys.apply(ListOptions.ALL.withEnd("c"))).containsExactly("a", "b");
        assertThat(keys.apply(ListOptions.ALL.withStart("b").withEnd("d"))).containsExactly("b", "c");
        assertThat(keys.apply(ListOptions.prefix("user:"))).containsExactly("user:1", "user:2");
        assertThat(keys.apply(ListOptions.prefix("user:").reversed())).containsExactly("user:2", "user:1");
        assertThat(keys.apply(ListOptions.ALL.withLimit(2))).containsExactly("a", "b");
        assertThat(keys.apply(ListOptions.ALL.reversed().withLimit(2))).containsExactly("user;", "user:2");
        assertThat(keys.apply(ListOptions.ALL.withStart("d").withEnd("b"))).isEmpty();
        assertThat(keys.apply(ListOptions.prefix("zz"))).isEmpty();
        assertThat(keys.apply(ListOptions.prefix("user").withStartAfter("user:1")))
                .containsExactly("user:2", "user;");
        assertThatThrownBy(() -> keys.apply(ListOptions.ALL.withLimit(0))).hasMessage("List limit must be positive.");
        assertThatThrownBy(() -> keys.apply(ListOptions.ALL.withLimit(-1))).hasMessage("List limit must be positive.");
        assertThatThrownBy(() -> keys.apply(ListOptions.ALL.withStart("a").withStartAfter("b")))
                .hasMessage("list() cannot be called with both start and startAfter values.");
    }

    @Test
    void deletesReportWhatExisted() {
        in(s -> {
            s.put(Map.of("a", 1, "b", 2, "c", 3));
            assertThat(s.delete("a")).isTrue();
            assertThat(s.delete("a")).isFalse();
            assertThat(s.delete(List.of("b", "c", "zz"))).isEqualTo(2);
            s.put("x", 1);
            s.setAlarm(TestEmulators.T0 + 60_000);
            s.deleteAll();
            assertThat(s.list()).isEmpty();
            assertThat(s.getAlarm()).isEmpty();
            return null;
        });
    }

    @Test
    void objectsDoNotShareKeys() {
        emu.runInDurableObject(
                emu.namespace("STORE").getByName("one"), (Store o, dev.partyflare.durable.DurableObjectState c) -> {
                    c.storage().put("k", "one");
                    return null;
                });
        String other = emu.runInDurableObject(
                emu.namespace("STORE").getByName("two"),
                (Store o, dev.partyflare.durable.DurableObjectState c) ->
                        c.storage().get("k").map(Object::toString).orElse("none"));
        assertThat(other).isEqualTo("none");
    }

    @Test
    void transactionsAreAtomic() {
        in(s -> {
            s.put("k", "before");
            assertThatThrownBy(() -> s.transaction(txn -> {
                        txn.put("k", "inside");
                        txn.put("other", 1);
                        throw new IllegalStateException("tx boom");
                    }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("tx boom");
            assertThat(s.get("k")).contains("before");
            assertThat(s.get("other")).isEmpty();

            String result = s.transaction(txn -> {
                txn.put("k", "rolled back");
                txn.rollback();
                return "x";
            });
            assertThat(result).isEqualTo("x");
            assertThat(s.get("k")).contains("before");

            assertThat(s.transactionSync(() -> {
                        s.put("k", "sync");
                        return "ret";
                    }))
                    .isEqualTo("ret");
            assertThat(s.get("k")).contains("sync");
            assertThatThrownBy(() -> s.transactionSync(() -> {
                        s.put("k", "lost");
                        throw new IllegalArgumentException("txsync boom");
                    }))
                    .hasMessage("txsync boom");
            assertThat(s.get("k")).contains("sync");
            assertThatThrownBy(() -> s.transaction(txn -> {
                        s.deleteAll();
                        return null;
                    }))
                    .hasMessage("Cannot call deleteAll() within a transaction");
            return null;
        });
    }

    @Test
    void inputGateSerializesStorageReadModifyWrite() throws Exception {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<Response>> fs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            fs.add(pool.submit(() -> emu.fetch(Request.get("http://x/do/STORE/gate/inc"))));
        }
        for (Future<Response> f : fs) {
            assertThat(f.get().status()).isEqualTo(200);
        }
        assertThat(emu.fetch("http://x/do/STORE/gate/get?k=n").text()).isEqualTo("50");
        pool.shutdownNow();
    }

    @Test
    void waitingOnATimerLetsOthersInAndLosesUpdates() throws Exception {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<Response>> fs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fs.add(pool.submit(() -> emu.fetch(Request.get("http://x/do/STORE/lost/inc-sleep"))));
        }
        emu.time().awaitPendingTimers(20, java.time.Duration.ofSeconds(10));
        emu.time().advance(java.time.Duration.ofMillis(20));
        for (Future<Response> f : fs) {
            f.get();
        }
        assertThat(emu.fetch("http://x/do/STORE/lost/get?k=n").text()).isEqualTo("1");
        pool.shutdownNow();
    }

    @Test
    void strictModeEnforcesProductionLimits() {
        try (Emulator strict = Emulator.start(
                TestEmulators.probe().http(false).strictLimits(true).build())) {
            // SQLite-backed objects: a row (key and value) of at most 2 MB
            DurableObjectStub sqlite = strict.namespace("STORE").getByName("strict");
            strict.runInDurableObject(sqlite, (Store o, dev.partyflare.durable.DurableObjectState c) -> {
                c.storage().put("k".repeat(2049), new byte[200_000]);
                return null;
            });
            assertThatThrownBy(() -> strict.runInDurableObject(
                            sqlite, (Store o, dev.partyflare.durable.DurableObjectState c) -> {
                                c.storage().put("k", new byte[2_000_000]);
                                return null;
                            }))
                    .hasMessage("string or blob too big: SQLITE_TOOBIG");
            // KV-backed objects: 2 KiB keys, 128 KiB values, 128 keys per call
            DurableObjectStub s = strict.namespace("KV").getByName("strict");
            assertThatThrownBy(() -> strict.runInDurableObject(
                            s, (dev.partyflare.fixtures.KvStore o, dev.partyflare.durable.DurableObjectState c) -> {
                                c.storage().put("k".repeat(2049), 1);
                                return null;
                            }))
                    .hasMessage("Keys cannot be larger than 2048 bytes. A key of size 2049 was provided.");
            assertThatThrownBy(() -> strict.runInDurableObject(
                            s, (dev.partyflare.fixtures.KvStore o, dev.partyflare.durable.DurableObjectState c) -> {
                                c.storage().put("k", new byte[200_000]);
                                return null;
                            }))
                    .hasMessage("Values cannot be larger than 131072 bytes. A value of size 200013 was provided.");
            List<String> many = new ArrayList<>();
            for (int i = 0; i < 129; i++) {
                many.add("k" + i);
            }
            assertThatThrownBy(() -> strict.runInDurableObject(
                            s,
                            (dev.partyflare.fixtures.KvStore o, dev.partyflare.durable.DurableObjectState c) ->
                                    c.storage().get(many)))
                    .hasMessage("Maximum number of key value pairs is 128. 129 pairs were provided.");
        }
        // local (default) mode accepts them, as local workerd does
        in(s -> {
            s.put("k".repeat(2049), 1);
            s.put("big", new byte[200_000]);
            return null;
        });
        assertThatThrownBy(() -> in(s -> {
                    s.put("huge", new byte[5 * 1024 * 1024]);
                    return null;
                }))
                .hasMessage("string or blob too big: SQLITE_TOOBIG");
    }

    /**
     * The largest value is decided by its V8 size, as on workerd (a key "k" and 2,199,986 'x' fit;
     * one more is SQLITE_TOOBIG), although partyflare stores a longer form; and a refused value
     * does not break later writes.
     */
    @Test
    void theLargestValueIsJudgedByItsV8SizeAndARefusalBreaksNothing() {
        in(s -> {
            s.put("k", "x".repeat(2_199_986));
            assertThatThrownBy(() -> s.put("k", "x".repeat(2_199_987)))
                    .hasMessage("string or blob too big: SQLITE_TOOBIG");
            s.put("after", 1);
            assertThat(s.get("k", String.class).orElseThrow()).hasSize(2_199_986);
            // escapes and two-byte characters store longer still than V8 measures them
            s.put("ctl", "\u0001".repeat(1_000_000));
            s.put("two-byte", "\u00e9\u4e16".repeat(500_000));
            assertThat(s.get("ctl", String.class).orElseThrow()).hasSize(1_000_000);
            assertThat(s.get("two-byte", String.class).orElseThrow()).hasSize(1_000_000);
            assertThat(s.list()).hasSize(4);
            return null;
        });
    }

    @Test
    void bookmarksFollowWorkerdsLocalFormat() {
        in(s -> {
            assertThat(s.getCurrentBookmark()).isEqualTo("00000000-00000000-00000000-00000000000000000000000000000000");
            assertThat(s.getCurrentBookmark()).isEqualTo("00000000-00000001-00000000-00000000000000000000000000000000");
            assertThatThrownBy(() -> s.getBookmarkForTime(1))
                    .hasMessage("This Durable Object's storage back-end does not implement point-in-time recovery.");
            assertThatThrownBy(() -> s.onNextSessionRestoreBookmark("x"))
                    .hasMessage("This Durable Object's storage back-end does not implement point-in-time recovery.");
            return null;
        });
    }

    @Test
    void manyLiveObjectsDoNotHoldTransactionsOpen() {
        // H2 allows 255 open transactions per database: objects must not keep one between events
        for (int i = 0; i < 600; i++) {
            DurableObjectStub s = emu.namespace("STORE").getByName("many-" + i);
            int n = i;
            emu.runInDurableObject(s, (Store o, dev.partyflare.durable.DurableObjectState c) -> {
                c.storage().get("k");
                if (n % 2 == 0) {
                    c.storage().put("k", n);
                }
                return null;
            });
        }
        assertThat(emu.fetch("http://x/do/STORE/many-598/get?k=k").text()).isEqualTo("598");
    }

    @Test
    void storageOutsideTheObjectsEventIsRejected() {
        DurableObjectStorage leaked = in(s -> s);
        assertThatThrownBy(() -> leaked.get("k"))
                .hasMessageContaining("must be called from code running inside this Durable Object");
    }
}
