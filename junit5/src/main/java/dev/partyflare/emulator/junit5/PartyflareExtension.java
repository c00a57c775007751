package dev.partyflare.emulator.junit5;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Worker;
import dev.partyflare.durable.WorkerEntrypoint;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import dev.partyflare.emulator.TimeControl;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The JUnit 5 extension behind {@link PartyflareTest}, also usable directly with
 * {@code @RegisterExtension} when the options are easier to write in code:
 *
 * <pre>{@code
 * @RegisterExtension
 * static PartyflareExtension partyflare = PartyflareExtension.create(options -> options
 *     .worker(new App())
 *     .durableObject("COUNTER", Counter.class));
 * }</pre>
 *
 * The {@link EmulatorOptions.Builder} handed to the callback starts with the test defaults ({@code
 * http(false)} and a manual clock), so anything may be overridden there, e.g. {@code http(true)} or
 * {@code realClock()}. {@link Builder#options(EmulatorOptions)} takes finished options as they are.
 *
 * <p>Lifetime: a fresh emulator per test, created before {@code @BeforeEach} methods and closed
 * after {@code @AfterEach} methods, even when the test failed; or, with {@link
 * EmulatorLifetime#PER_CLASS}, one per class. When a test fails, the exceptions user code threw
 * that reached no caller (an alarm, a socket listener) are attached to the failure as suppressed
 * exceptions.
 */
public final class PartyflareExtension
        implements BeforeAllCallback,
                AfterAllCallback,
                BeforeEachCallback,
                AfterEachCallback,
                ParameterResolver,
                TestExecutionExceptionHandler {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PartyflareExtension.class);
    private static final int MAX_ATTACHED_ERRORS = 10;
    private static final List<Class<?>> INJECTABLE = List.of(
            PartyflareEnv.class, Emulator.class, Env.class, TimeControl.class, TestClient.class, EmulatorOptions.class);

    /** How environments are made: options (built anew for each emulator), lifetime, wait timeout. */
    private record Setup(
            Supplier<EmulatorOptions> options,
            EmulatorLifetime lifetime,
            Duration waitTimeout,
            Class<?> declaredOn,
            Object runKey,
            int clusterNodes) {
        Setup(
                Supplier<EmulatorOptions> options,
                EmulatorLifetime lifetime,
                Duration waitTimeout,
                Class<?> declaredOn,
                Object runKey) {
            this(options, lifetime, waitTimeout, declaredOn, runKey, 1);
        }
    }

    /** An environment in a JUnit store, and the context that owns (and closes) it. */
    private record Holder(PartyflareEnv env, String owner) implements AutoCloseable {
        @Override
        public void close() {
            if (!owner.equals(RUN_OWNER)) {
                env.close();
            }
        }
    }

    /** The owner of an environment shared by the run (closed with the root context, not by a class). */
    private static final String RUN_OWNER = "[the run]";

    private final Setup fixed;
    private final Map<Class<?>, Setup> annotated = new ConcurrentHashMap<>();
    private volatile PartyflareEnv last;

    /** For {@code @ExtendWith} / {@link PartyflareTest}: reads the annotation. */
    public PartyflareExtension() {
        this.fixed = null;
    }

    private PartyflareExtension(Setup setup) {
        this.fixed = setup;
    }

    /**
     * An extension whose emulators are configured by {@code options}, applied to a builder that
     * starts with {@code http(false)} and a manual clock. It runs once per emulator, so objects made
     * there (a Worker instance) are fresh for each.
     */
    public static PartyflareExtension create(Consumer<EmulatorOptions.Builder> options) {
        return builder().options(options).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of a {@link PartyflareExtension}. */
    public static final class Builder {
        private Path config;
        private Consumer<EmulatorOptions.Builder> customizer = b -> {};
        private EmulatorOptions exact;
        private EmulatorLifetime lifetime = EmulatorLifetime.PER_TEST;
        private Duration waitTimeout = PartyflareEnv.DEFAULT_WAIT_TIMEOUT;
        private Instant startTime;

        private Builder() {}

        /** Start the options from a wrangler configuration file. */
        public Builder config(Path file) {
            this.config = Objects.requireNonNull(file, "config");
            return this;
        }

        /** Start the options from a wrangler configuration file (relative: to the working directory). */
        public Builder config(String file) {
            return config(Path.of(file));
        }

        /**
         * Fills the options: applied (once per emulator) to a builder that starts from the config
         * file if any, with {@code http(false)} and a manual clock at {@link #startTime(Instant)}.
         */
        public Builder options(Consumer<EmulatorOptions.Builder> options) {
            this.customizer = Objects.requireNonNull(options, "options");
            this.exact = null;
            return this;
        }

        /** Uses {@code options} exactly as given (real clock and HTTP included, if they say so). */
        public Builder options(EmulatorOptions options) {
            this.exact = Objects.requireNonNull(options, "options");
            return this;
        }

        /** {@link EmulatorLifetime#PER_TEST} (the default) or {@link EmulatorLifetime#PER_CLASS}. */
        public Builder lifetime(EmulatorLifetime l) {
            this.lifetime = Objects.requireNonNull(l, "lifetime");
            return this;
        }

        /** How long any call of the harness waits (real time) before it fails; 5 s by default. */
        public Builder waitTimeout(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("The wait timeout must be positive, got " + d);
            }
            this.waitTimeout = d;
            return this;
        }

        /** Where the manual clock starts; default: the wall-clock time when the extension is built. */
        public Builder startTime(Instant t) {
            this.startTime = Objects.requireNonNull(t, "startTime");
            return this;
        }

        public PartyflareExtension build() {
            EmulatorOptions given = exact;
            Path file = config;
            Consumer<EmulatorOptions.Builder> c = customizer;
            long start = (startTime != null ? startTime : Instant.now()).toEpochMilli();
            Supplier<EmulatorOptions> options = given != null
                    ? () -> given
                    : () -> {
                        EmulatorOptions.Builder b =
                                file == null ? EmulatorOptions.builder() : EmulatorOptions.fromConfig(file);
                        b.http(false).manualClock(start).journal(true).settleTimeout(waitTimeout);
                        c.accept(b);
                        return b.build();
                    };
            return new PartyflareExtension(new Setup(options, lifetime, waitTimeout, null, new Object()));
        }
    }

    // ---- for users of @RegisterExtension ----

    /**
     * The environment of the test that runs now (or of the class, with a shared lifetime): for
     * {@code @RegisterExtension} users who prefer a field to a parameter. With parallel test
     * execution, use parameters instead.
     *
     * @throws IllegalStateException outside a test
     */
    public PartyflareEnv env() {
        PartyflareEnv e = last;
        if (e == null || e.isClosed()) {
            throw new IllegalStateException(
                    "No partyflare emulator is running: env() works inside tests and @BeforeEach/@AfterEach methods"
                            + " (and @BeforeAll/@AfterAll with lifetime PER_CLASS)");
        }
        return e;
    }

    // ---- callbacks ----

    @Override
    public void beforeAll(ExtensionContext context) {
        Setup setup = setup(context);
        if (setup.lifetime() == EmulatorLifetime.PER_TEST) {
            return;
        }
        Class<?> testClass = context.getRequiredTestClass();
        Holder inherited = holder(context);
        boolean ownAnnotation = fixed == null && testClass.isAnnotationPresent(PartyflareTest.class);
        if (inherited != null && !ownAnnotation) {
            return; // a @Nested class shares its enclosing class's emulator
        }
        if (setup.lifetime() == EmulatorLifetime.REUSED_IN_RUN) {
            shareRunWide(context, setup);
            return;
        }
        create(context, setup);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Holder h = holder(context);
        Setup setup = setup(context);
        if (h == null
                || (setup.lifetime() == EmulatorLifetime.PER_TEST && !h.owner().equals(context.getUniqueId()))) {
            if (setup.lifetime() == EmulatorLifetime.REUSED_IN_RUN) {
                h = shareRunWide(context.getParent().orElse(context), setup);
            } else if (setup.lifetime() != EmulatorLifetime.PER_TEST) {
                // registered on an instance field: no beforeAll ran; share it from the class context
                h = create(context.getParent().orElse(context), setup);
            } else {
                h = create(context, setup);
            }
        }
        h.env().beginTest();
        last = h.env();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Holder h = context.getStore(NAMESPACE).get(this, Holder.class);
        if (h == null) {
            return;
        }
        AssertionError unmatched = h.env().unmatchedOutbound();
        if (h.owner().equals(context.getUniqueId())) {
            context.getStore(NAMESPACE).remove(this);
            h.env().close();
        } else if (setup(context).lifetime().resets()) {
            h.env().resetForNextTest();
        } else {
            h.env().endTest();
        }
        if (unmatched != null) {
            throw unmatched;
        }
    }

    /** The one environment of the run for {@code setup}'s configuration, shared through the root store. */
    private Holder shareRunWide(ExtensionContext context, Setup setup) {
        ExtensionContext.Store root = context.getRoot().getStore(NAMESPACE);
        RunWide shared = root.computeIfAbsent(setup.runKey(), k -> new RunWide(startEnv(setup)), RunWide.class);
        if (shared.env().isClosed()) { // closed by hand: start another
            root.remove(setup.runKey());
            shared = root.computeIfAbsent(setup.runKey(), k -> new RunWide(startEnv(setup)), RunWide.class);
        }
        Holder h = new Holder(shared.env(), RUN_OWNER);
        context.getStore(NAMESPACE).put(this, h);
        last = h.env();
        return h;
    }

    /** The environment of the whole run for one configuration: JUnit closes it when the run ends. */
    private record RunWide(PartyflareEnv env) implements AutoCloseable {
        @Override
        public void close() {
            env.close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Holder h = context.getStore(NAMESPACE).get(this, Holder.class);
        if (h != null && h.owner().equals(context.getUniqueId())) {
            context.getStore(NAMESPACE).remove(this);
            h.env().close();
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        Holder h = holder(context);
        if (h != null) {
            List<PartyflareEnv.UncaughtError> errors = h.env().uncaughtErrorsOfThisTest();
            int n = 0;
            for (PartyflareEnv.UncaughtError e : errors) {
                if (n++ == MAX_ATTACHED_ERRORS) {
                    failure.addSuppressed(new UncaughtInEmulator(
                            (errors.size() - MAX_ATTACHED_ERRORS) + " more uncaught errors in the emulator", null));
                    break;
                }
                failure.addSuppressed(new UncaughtInEmulator(e.toString(), e.error()));
            }
            String timelines = h.env().timelineReport();
            if (!timelines.isEmpty()) {
                failure.addSuppressed(new TimelineReport(timelines));
            }
        }
        throw failure;
    }

    /** The timelines of the objects a failing test touched, attached to its failure. */
    static final class TimelineReport extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TimelineReport(String message) {
            super(message, null, false, false);
        }

        @Override
        public String toString() {
            return getMessage(); // the report, without a class name in front
        }
    }

    /** An exception of user code that reached no caller, attached to a failing test. */
    static final class UncaughtInEmulator extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UncaughtInEmulator(String message, Throwable cause) {
            super(message, cause, true, false);
        }
    }

    // ---- parameters ----

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return INJECTABLE.contains(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        Holder h = holder(context);
        if (h == null || h.env().isClosed()) {
            throw new ParameterResolutionException(
                    "No partyflare emulator exists for " + parameter.getDeclaringExecutable()
                            + ": with lifetime PER_TEST one is created per test, so ask for " + type.getSimpleName()
                            + " in @Test, @BeforeEach or @AfterEach methods (not constructors or @BeforeAll), or use"
                            + " lifetime = EmulatorLifetime.PER_CLASS");
        }
        PartyflareEnv env = h.env();
        if (type == PartyflareEnv.class) {
            return env;
        }
        if (type == Emulator.class) {
            return env.emulator();
        }
        if (type == Env.class) {
            return env.env();
        }
        if (type == TimeControl.class) {
            return env.time();
        }
        if (type == TestClient.class) {
            return env.client();
        }
        return env.options();
    }

    // ---- environments in the JUnit store ----

    private Holder holder(ExtensionContext context) {
        return context.getStore(NAMESPACE).get(this, Holder.class);
    }

    private Holder create(ExtensionContext owner, Setup setup) {
        Holder h = new Holder(startEnv(setup), owner.getUniqueId());
        owner.getStore(NAMESPACE).put(this, h);
        last = h.env();
        return h;
    }

    private static PartyflareEnv startEnv(Setup setup) {
        EmulatorOptions options;
        try {
            options = setup.options().get();
        } catch (RuntimeException e) {
            String where = setup.declaredOn() != null
                    ? "@PartyflareTest on " + setup.declaredOn().getName()
                    : "the PartyflareExtension's options";
            throw new ExtensionConfigurationException(
                    "Cannot build the emulator options from " + where + ": " + e.getMessage(), e);
        }
        if (setup.clusterNodes() > 1) {
            try {
                return PartyflareEnv.startCluster(options, setup.clusterNodes(), setup.waitTimeout());
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new ExtensionConfigurationException(
                        "@PartyflareTest(clusterNodes = " + setup.clusterNodes() + ") on "
                                + setup.declaredOn().getName() + ": " + e.getMessage(),
                        e);
            }
        }
        return PartyflareEnv.start(options, setup.waitTimeout());
    }

    private Setup setup(ExtensionContext context) {
        if (fixed != null) {
            return fixed;
        }
        Class<?> testClass = context.getRequiredTestClass();
        return annotated.computeIfAbsent(testClass, PartyflareExtension::fromAnnotation);
    }

    private static Setup fromAnnotation(Class<?> testClass) {
        PartyflareTest a = null;
        Class<?> declaredOn = testClass;
        for (Class<?> c = testClass; c != null && a == null; c = c.getEnclosingClass()) {
            a = c.getAnnotation(PartyflareTest.class);
            declaredOn = c;
        }
        if (a == null) {
            throw new ExtensionConfigurationException("PartyflareExtension on " + testClass.getName()
                    + " needs configuration: annotate the class with @PartyflareTest(...) instead of"
                    + " @ExtendWith(PartyflareExtension.class), or register it with @RegisterExtension"
                    + " PartyflareExtension.create(options -> ...)");
        }
        PartyflareTest ann = a;
        Class<?> on = declaredOn;
        String where = "@PartyflareTest on " + on.getName();
        long start;
        try {
            start = ann.startTime().isEmpty()
                    ? System.currentTimeMillis()
                    : Instant.parse(ann.startTime()).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new ExtensionConfigurationException(
                    where + ": startTime \"" + ann.startTime() + "\" is not an ISO-8601 instant such as"
                            + " 2030-01-01T00:00:00Z",
                    e);
        }
        if (ann.waitTimeoutMillis() <= 0) {
            throw new ExtensionConfigurationException(
                    where + ": waitTimeoutMillis must be positive, got " + ann.waitTimeoutMillis());
        }
        Path config = ann.config().isEmpty() ? null : resolveConfig(ann.config(), on, where);
        List<Path> workerConfigs = new ArrayList<>();
        for (String c : ann.workerConfigs()) {
            workerConfigs.add(resolveConfig(c, on, where));
        }
        if (config == null
                && ann.worker() == Worker.class
                && ann.durableObjects().length == 0
                && ann.bindings().length == 0) {
            throw new ExtensionConfigurationException(where
                    + " configures nothing to run: give config = \"wrangler.toml\", or worker = ..., durableObjects"
                    + " = {...} or bindings = {...}");
        }
        Supplier<EmulatorOptions> options = () -> {
            EmulatorOptions.Builder b = config == null
                    ? EmulatorOptions.builder()
                    : EmulatorOptions.fromConfig(config, on.getClassLoader());
            b.http(ann.http())
                    .manualClock(start)
                    .journal(true)
                    .settleTimeout(Duration.ofMillis(ann.waitTimeoutMillis()))
                    .autoTimeSkipping(ann.autoTimeSkipping())
                    .chaosHibernation(ann.chaosHibernation());
            if (!ann.workerName().isEmpty()) {
                b.workerName(ann.workerName());
            }
            if (ann.worker() != Worker.class) {
                b.worker(instantiate(ann.worker(), where));
            }
            for (Class<? extends WorkerEntrypoint> e : ann.entrypoints()) {
                b.entrypoint(e);
            }
            for (Class<? extends DurableObject> t : ann.durableObjects()) {
                b.durableObject(bindingName(t), t);
            }
            for (PartyflareTest.Binding x : ann.bindings()) {
                b.durableObject(binding(x));
            }
            for (String v : ann.vars()) {
                String[] kv = pair(v, "vars", "NAME=value");
                b.var(kv[0], kv[1]);
            }
            for (String sv : ann.services()) {
                b.service(serviceSpec(sv, "services"));
            }
            for (PartyflareTest.OtherWorker w : ann.workers()) {
                EmulatorOptions.NamedWorker nw = EmulatorOptions.NamedWorker.of(w.name(), instantiate(w.type(), where));
                for (Class<? extends WorkerEntrypoint> e : w.entrypoints()) {
                    nw = nw.withEntrypoint(e);
                }
                for (Class<? extends DurableObject> t : w.durableObjects()) {
                    nw = nw.withDurableObject(bindingName(t), t);
                }
                for (PartyflareTest.Binding x : w.bindings()) {
                    nw = nw.withDurableObject(binding(x));
                }
                for (String v : w.vars()) {
                    String[] kv = pair(v, "vars of Worker " + w.name(), "NAME=value");
                    nw = nw.withVar(kv[0], kv[1]);
                }
                for (String sv : w.services()) {
                    nw = nw.withService(serviceSpec(sv, "services of Worker " + w.name()));
                }
                b.worker(nw);
            }
            for (Path c : workerConfigs) {
                try {
                    b.worker(EmulatorOptions.fromConfig(c, on.getClassLoader()).toNamedWorker());
                } catch (IllegalStateException e) {
                    throw new ExtensionConfigurationException(
                            where + ": workerConfigs " + c + ": " + e.getMessage(), e);
                }
            }
            return b.build();
        };
        if (ann.clusterNodes() < 1) {
            throw new ExtensionConfigurationException(
                    where + ": clusterNodes must be at least 1, got " + ann.clusterNodes());
        }
        if (ann.clusterNodes() > 1 && ann.lifetime() != EmulatorLifetime.PER_TEST) {
            throw new ExtensionConfigurationException(where + ": a cluster (clusterNodes = " + ann.clusterNodes()
                    + ") is started for each test; lifetime " + ann.lifetime() + " is not offered for it");
        }
        if (ann.clusterNodes() > 1 && ann.autoTimeSkipping()) {
            throw new ExtensionConfigurationException(where + ": autoTimeSkipping is not offered on a cluster"
                    + " (clusterNodes = " + ann.clusterNodes() + "): each node has its own clock; move them together"
                    + " with env.time().advance(...)");
        }
        return new Setup(
                options, ann.lifetime(), Duration.ofMillis(ann.waitTimeoutMillis()), on, ann, ann.clusterNodes());
    }

    private static EmulatorOptions.DurableObjectBinding binding(PartyflareTest.Binding x) {
        return new EmulatorOptions.DurableObjectBinding(
                x.name(), null, x.type(), x.sqlite(), x.scriptName().isEmpty() ? null : x.scriptName());
    }

    /** {@code BINDING=worker-name} or {@code BINDING=worker-name#Entrypoint}. */
    private static EmulatorOptions.ServiceBindingSpec serviceSpec(String entry, String what) {
        String[] kv = pair(entry, what, "BINDING=worker-name or BINDING=worker-name#Entrypoint");
        int hash = kv[1].indexOf('#');
        return hash < 0
                ? new EmulatorOptions.ServiceBindingSpec(kv[0], kv[1])
                : new EmulatorOptions.ServiceBindingSpec(kv[0], kv[1].substring(0, hash), kv[1].substring(hash + 1));
    }

    /** {@code NAME=value} split at the first {@code =}. */
    private static String[] pair(String entry, String what, String form) {
        int eq = entry.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException(what + " entry \"" + entry + "\" is not " + form);
        }
        return new String[] {entry.substring(0, eq), entry.substring(eq + 1)};
    }

    /** {@code ChatRoom} as {@code CHAT_ROOM}, {@code HTTPCache2} as {@code HTTP_CACHE2}. */
    static String bindingName(Class<?> type) {
        String s = type.getSimpleName();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (i > 0 && Character.isUpperCase(c)) {
                char prev = s.charAt(i - 1);
                boolean nextLower = i + 1 < s.length() && Character.isLowerCase(s.charAt(i + 1));
                if (Character.isLowerCase(prev)
                        || Character.isDigit(prev)
                        || (Character.isUpperCase(prev) && nextLower)) {
                    out.append('_');
                }
            }
            out.append(c);
        }
        return out.toString().toUpperCase(Locale.ROOT);
    }

    private static Path resolveConfig(String name, Class<?> testClass, String where) {
        Path p = Path.of(name);
        if (Files.isRegularFile(p)) {
            return p;
        }
        URL url = testClass.getClassLoader().getResource(name.startsWith("/") ? name.substring(1) : name);
        if (url != null && url.getProtocol().equals("file")) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                // fall through to the error
            }
        }
        throw new ExtensionConfigurationException(where + ": config file \"" + name + "\" not found (looked at "
                + p.toAbsolutePath() + " and on the class path)");
    }

    @SuppressWarnings("unchecked")
    private static Worker instantiate(Class<?> any, String where) {
        if (WorkerEntrypoint.class.isAssignableFrom(any)) {
            try {
                return WorkerEntrypoint.asWorker((Class<? extends WorkerEntrypoint>) any);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        if (!Worker.class.isAssignableFrom(any)) {
            throw new IllegalArgumentException(where + ": " + any.getName() + " is neither a " + Worker.class.getName()
                    + " nor a " + WorkerEntrypoint.class.getName());
        }
        Class<? extends Worker> type = (Class<? extends Worker>) any;
        try {
            Constructor<? extends Worker> c = type.getDeclaredConstructor();
            return c.newInstance();
        } catch (NoSuchMethodException | IllegalAccessException | InstantiationException e) {
            throw new IllegalArgumentException(
                    where + ": the Worker " + type.getName() + " needs a public no-argument constructor"
                            + " (and must be a public, non-abstract class)",
                    e);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException(
                    where + ": the constructor of the Worker " + type.getName() + " threw " + e.getCause(),
                    e.getCause());
        }
    }
}
