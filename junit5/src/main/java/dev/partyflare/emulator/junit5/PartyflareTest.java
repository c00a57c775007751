package dev.partyflare.emulator.junit5;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.Worker;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against an in-process partyflare emulator: a fresh one per test (in-memory
 * storage, a controllable clock, no port), closed after the test. Test and lifecycle methods may
 * declare parameters of type {@link PartyflareEnv}, {@link dev.partyflare.emulator.Emulator},
 * {@link dev.partyflare.durable.Env}, {@link dev.partyflare.emulator.TimeControl}, {@link
 * TestClient} or {@link dev.partyflare.emulator.EmulatorOptions}.
 *
 * <pre>{@code
 * @PartyflareTest(worker = App.class, durableObjects = Counter.class)
 * class CounterTest {
 *   @Test void counts(PartyflareEnv env) {
 *     assertThat(env.fetch("/counter/a").text()).isEqualTo("1");
 *   }
 * }
 * }</pre>
 *
 * The emulator's options come from {@link #config()} (a {@code wrangler.toml}/{@code
 * wrangler.json(c)}) and/or the classes listed here, then {@link #http()} and the clock; for
 * anything else, register {@link PartyflareExtension} with {@code @RegisterExtension} and fill the
 * {@link dev.partyflare.emulator.EmulatorOptions} builder directly. On a {@code @Nested} class the
 * nearest annotation (the nested class's own, else its enclosing class's) applies.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(PartyflareExtension.class)
public @interface PartyflareTest {

    /**
     * A wrangler configuration file ({@code name}, {@code main}, {@code [vars]}, {@code
     * [[durable_objects.bindings]]}, {@code [[migrations]]}): a path relative to the working
     * directory (the module directory under Maven), else a class path resource.
     */
    String config() default "";

    /**
     * The Worker class: a {@link Worker} (public, no-argument constructor, instantiated for every
     * emulator) or a {@link dev.partyflare.durable.WorkerEntrypoint} (a new instance per event, its
     * public methods callable over RPC through service bindings).
     */
    Class<?> worker() default Worker.class;

    /**
     * Named entrypoints of the main Worker ({@code export class Admin extends WorkerEntrypoint}), each
     * under its simple class name; a service binding reaches one with {@code BINDING=worker#Admin}.
     */
    Class<? extends dev.partyflare.durable.WorkerEntrypoint>[] entrypoints() default {};

    /**
     * Durable Object classes, each bound under its simple name in upper snake case ({@code
     * ChatRoom} as {@code CHAT_ROOM}), SQLite-backed.
     */
    Class<? extends DurableObject>[] durableObjects() default {};

    /** Durable Object classes under names of your choice. */
    Binding[] bindings() default {};

    /** Vars, each {@code NAME=value} (a string). */
    String[] vars() default {};

    /**
     * The main Worker's service bindings, each {@code BINDING=worker-name} (as {@code [[services]]
     * binding = "BINDING", service = "worker-name"}), or {@code BINDING=worker-name#Entrypoint} for a
     * named entrypoint ({@code entrypoint = "Entrypoint"}); the name is the main Worker's or one of
     * {@link #workers()}.
     */
    String[] services() default {};

    /** Workers besides the main one, reached through service bindings. */
    OtherWorker[] workers() default {};

    /**
     * Workers besides the main one, each from its wrangler configuration (its {@code name}, {@code
     * main}, vars, service bindings, Durable Object bindings and migrations or {@code exports}), as
     * {@code wrangler dev -c main -c other} and the auxiliary Workers of Cloudflare's Vitest pool; paths
     * as {@link #config()}, classes from the test's class path.
     */
    String[] workerConfigs() default {};

    /** The Worker's name (part of every id); default: the config's, else {@code worker}. */
    String workerName() default "";

    /** A fresh emulator per test (the default) or one per class. */
    EmulatorLifetime lifetime() default EmulatorLifetime.PER_TEST;

    /**
     * Automatic time skipping: while the test waits (a response, a socket message, {@code
     * env.await}, {@code awaitHibernated}) and every object waits only on timers or alarms, the clock
     * jumps to the next one. See {@link dev.partyflare.emulator.TimeControl#setAutoSkip}.
     */
    boolean autoTimeSkipping() default false;

    /**
     * Chaos hibernation: every object is hibernated (or evicted) after every event, so state kept in
     * fields instead of storage or socket attachments is lost at once and the test shows it.
     */
    boolean chaosHibernation() default false;

    /** Also serve HTTP on a free port of 127.0.0.1 (for {@link PartyflareEnv#httpClient()}). */
    boolean http() default false;

    /**
     * The clock's start, ISO-8601 ({@code 2030-01-01T00:00:00Z}); default: the wall-clock time when
     * the class starts, the same for all of its tests.
     */
    String startTime() default "";

    /**
     * An in-process cluster of this many nodes (docs/cluster.md) instead of one emulator: each node an
     * emulator with these options, on one shared temporary state directory, the objects placed by
     * Pekko Cluster Sharding. Requests from {@link PartyflareEnv#fetch}, {@link PartyflareEnv#connect}
     * and {@link PartyflareEnv#client()} enter through the nodes in turn, so most reach their object
     * through another node; tools on an object ({@code runInDurableObject}, {@code storage}, {@code
     * hibernate}, {@code evict}, {@code timeline}, faults) act on the node that owns it; {@code
     * time()} moves every node's clock together. Needs {@code dev.partyflare:partyflare-cluster} on
     * the test class path; a fresh cluster per test ({@link EmulatorLifetime#PER_TEST}), without
     * {@link #autoTimeSkipping()}. Default 1: no cluster.
     */
    int clusterNodes() default 1;

    /** How long, in real milliseconds, any call of the harness waits before it fails. */
    long waitTimeoutMillis() default 5_000;

    /** A Worker besides the main one, under its name. */
    @Target({})
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @interface OtherWorker {
        /** The name service bindings use ({@code service = "..."}). */
        String name();

        /**
         * The Worker class: a {@link Worker} (public, no-argument constructor) or a {@link
         * dev.partyflare.durable.WorkerEntrypoint}.
         */
        Class<?> type();

        /** Its named entrypoints, each under its simple class name. */
        Class<? extends dev.partyflare.durable.WorkerEntrypoint>[] entrypoints() default {};

        /** Its Durable Object classes, each bound under its simple name in upper snake case. */
        Class<? extends DurableObject>[] durableObjects() default {};

        /**
         * Its Durable Object bindings under names of your choice; with {@code scriptName}, classes of
         * another Worker.
         */
        Binding[] bindings() default {};

        /** Its vars, each {@code NAME=value}. */
        String[] vars() default {};

        /** Its service bindings, each {@code BINDING=worker-name} or {@code BINDING=worker-name#Entrypoint}. */
        String[] services() default {};
    }

    /** A Durable Object class under a binding name. */
    @Target({})
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @interface Binding {
        /** The binding name in {@code env} (e.g. {@code COUNTER}). */
        String name();

        /** The class. */
        Class<? extends DurableObject> type();

        /** SQLite-backed ({@code new_sqlite_classes}, the default) or KV-backed ({@code new_classes}). */
        boolean sqlite() default true;

        /**
         * The Worker that defines the class ({@code script_name}), when it is another Worker: the
         * objects are that Worker's (its env, its storage, ids from its name), which must bind {@code
         * type} itself; {@code sqlite} is then taken from there.
         */
        String scriptName() default "";
    }
}
