package dev.partyflare.durable;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.Objects;

/**
 * A Worker written as a class ({@code export default class extends WorkerEntrypoint}, or a named
 * entrypoint {@code export class Admin extends WorkerEntrypoint}). Every event gets a new instance,
 * built with that event's {@code ctx} and the Worker's {@code env}; subclasses need a public
 * constructor {@code (ExecutionContext ctx, Env env)} that calls {@code super(ctx, env)}.
 *
 * <p>Its public methods other than the handlers ({@code fetch}, {@code scheduled}) are callable over
 * RPC through a service binding ({@link ServiceBinding#call}, {@link ServiceBinding#rpc}), with their
 * arguments and results passed as Durable Object RPC passes them. An {@link RpcTarget} it returns
 * outlives the call: the caller's stub reaches it until disposed. {@link #asWorker(Class)} makes it
 * the main Worker or another Worker of the emulator; named entrypoints are added with {@code
 * EmulatorOptions.Builder.entrypoint(...)} / {@code NamedWorker.withEntrypoint(...)}.
 */
public abstract class WorkerEntrypoint {
    /** The error of a {@code fetch} to an entrypoint that has no fetch handler (workerd's text). */
    public static final String NO_FETCH_HANDLER = "Handler does not export a fetch() function.";

    /** This event's context: {@code waitUntil}, timers, outbound fetch, {@code props}. */
    protected final ExecutionContext ctx;

    /** The Worker's bindings. */
    protected final Env env;

    protected WorkerEntrypoint(ExecutionContext ctx, Env env) {
        this.ctx = ctx;
        this.env = env;
    }

    /** Handles a request ({@code env.SERVICE.fetch(request)}, or HTTP for the main Worker). */
    public Response fetch(Request request) throws Exception {
        throw new UnsupportedOperationException(NO_FETCH_HANDLER);
    }

    /** Handles a cron trigger; see {@link Worker#scheduled}. */
    public void scheduled(ScheduledController controller) throws Exception {
        throw new UnsupportedOperationException(Worker.NO_SCHEDULED_HANDLER);
    }

    /**
     * The {@link Worker} that serves each event with a new instance of {@code type}.
     *
     * @throws IllegalArgumentException when {@code type} is abstract or has no public constructor
     *     {@code (ExecutionContext, Env)}
     */
    public static Exported asWorker(Class<? extends WorkerEntrypoint> type) {
        return new Exported(type);
    }

    /**
     * A {@link WorkerEntrypoint} class as a {@link Worker}: {@code fetch} and {@code scheduled} each
     * run on a new instance. The runtime also finds RPC methods through {@link #type()}.
     */
    public static final class Exported implements Worker {
        private final Class<? extends WorkerEntrypoint> type;
        private final Constructor<? extends WorkerEntrypoint> constructor;

        private Exported(Class<? extends WorkerEntrypoint> type) {
            this.type = Objects.requireNonNull(type, "type");
            this.constructor = constructorOf(type);
        }

        /** The entrypoint class. */
        public Class<? extends WorkerEntrypoint> type() {
            return type;
        }

        /** A new instance for one event. */
        public WorkerEntrypoint instantiate(ExecutionContext ctx, Env env) throws Exception {
            try {
                return constructor.newInstance(ctx, env);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }

        @Override
        public Response fetch(Request request, Env env, ExecutionContext ctx) throws Exception {
            return instantiate(ctx, env).fetch(request);
        }

        @Override
        public void scheduled(ScheduledController controller, Env env, ExecutionContext ctx) throws Exception {
            instantiate(ctx, env).scheduled(controller);
        }

        @Override
        public String toString() {
            return "WorkerEntrypoint " + type.getName();
        }

        private static Constructor<? extends WorkerEntrypoint> constructorOf(Class<? extends WorkerEntrypoint> type) {
            if (Modifier.isAbstract(type.getModifiers()) || !Modifier.isPublic(type.getModifiers())) {
                throw new IllegalArgumentException(
                        "The WorkerEntrypoint " + type.getName() + " must be a public, non-abstract class");
            }
            try {
                return type.getConstructor(ExecutionContext.class, Env.class);
            } catch (NoSuchMethodException e) {
                throw new IllegalArgumentException(
                        "The WorkerEntrypoint " + type.getName() + " needs a public constructor (ExecutionContext ctx,"
                                + " Env env) that calls super(ctx, env)",
                        e);
            }
        }
    }
}
