package dev.partyflare.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The class history of one Worker, which decides whose stored objects each Durable Object class
 * owns: Cloudflare's {@code [[migrations]]} steps in order, or what the declarative {@code exports}
 * of its config say. A class keeps the stored objects (and ids) of the class it was renamed from or
 * transferred from; the stored objects of a deleted class are deleted when the emulator starts or
 * reloads. Classes are named as in the config (a Java class name; only its simple name counts, as a
 * JS export's name does).
 *
 * <pre>{@code
 * Migrations.none().created("Counter").renamed("Counter", "Tally")
 * }</pre>
 */
public final class Migrations {
    /** One step of a class's history. */
    public sealed interface Step permits Created, Renamed, Deleted, Transferred {}

    /** {@code new_classes} / {@code new_sqlite_classes}: a class with no stored objects yet. */
    public record Created(String className) implements Step {
        public Created {
            Objects.requireNonNull(className, "className");
        }
    }

    /** {@code renamed_classes}: {@code to} takes over the stored objects of {@code from}. */
    public record Renamed(String from, String to) implements Step {
        public Renamed {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }
    }

    /** {@code deleted_classes}: the class and every object it stored are gone. */
    public record Deleted(String className) implements Step {
        public Deleted {
            Objects.requireNonNull(className, "className");
        }
    }

    /**
     * {@code transferred_classes}: {@code to} takes over the stored objects of class {@code fromClass}
     * of Worker {@code fromWorker}.
     */
    public record Transferred(String fromWorker, String fromClass, String to) implements Step {
        public Transferred {
            Objects.requireNonNull(fromWorker, "fromWorker");
            Objects.requireNonNull(fromClass, "fromClass");
            Objects.requireNonNull(to, "to");
        }
    }

    private static final Migrations NONE = new Migrations(List.of());

    private final List<Step> steps;

    private Migrations(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    /** No history: each class owns the objects stored under its own name. */
    public static Migrations none() {
        return NONE;
    }

    /** These steps, in order. */
    public static Migrations of(List<Step> steps) {
        return new Migrations(steps);
    }

    public Migrations created(String className) {
        return with(new Created(className));
    }

    public Migrations renamed(String from, String to) {
        return with(new Renamed(from, to));
    }

    public Migrations deleted(String className) {
        return with(new Deleted(className));
    }

    public Migrations transferred(String fromWorker, String fromClass, String to) {
        return with(new Transferred(fromWorker, fromClass, to));
    }

    private Migrations with(Step s) {
        List<Step> out = new ArrayList<>(steps);
        out.add(s);
        return new Migrations(out);
    }

    public List<Step> steps() {
        return steps;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Migrations m && m.steps.equals(steps);
    }

    @Override
    public int hashCode() {
        return steps.hashCode();
    }

    @Override
    public String toString() {
        return "Migrations" + steps;
    }
}
