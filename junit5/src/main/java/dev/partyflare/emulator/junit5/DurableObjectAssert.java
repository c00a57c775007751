package dev.partyflare.emulator.junit5;

import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.emulator.ObjectInfo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on the object behind a stub, as its emulator sees it: whether it could
 * hibernate (and if not, why), whether it is in memory, its sockets and its alarm.
 */
public final class DurableObjectAssert extends AbstractAssert<DurableObjectAssert, DurableObjectStub> {
    private final PartyflareEnv env;

    public DurableObjectAssert(PartyflareEnv env, DurableObjectStub actual) {
        super(actual, DurableObjectAssert.class);
        this.env = env;
    }

    private String name() {
        return env.describe(actual);
    }

    /**
     * Nothing pins the object: it could hibernate now (or is not in memory). Events still finishing
     * are given time (see {@link PartyflareEnv#settledHibernationBlockers}). On failure the message
     * lists what pins it: events in flight, timers, standard WebSockets, {@code waitUntil} work.
     */
    public DurableObjectAssert isHibernationEligible() {
        isNotNull();
        List<String> why = env.settledHibernationBlockers(actual);
        if (!why.isEmpty()) {
            failWithMessage(
                    "Expected %s to be hibernation-eligible, but it cannot hibernate: %s",
                    name(), String.join("; ", why));
        }
        return this;
    }

    /** Something other than an event that is finishing pins the object in memory. */
    public DurableObjectAssert isNotHibernationEligible() {
        isNotNull();
        if (env.settledHibernationBlockers(actual).isEmpty()) {
            failWithMessage(
                    "Expected %s to be pinned in memory, but nothing prevents it from hibernating (%s)",
                    name(), state());
        }
        return this;
    }

    /** An instance is in memory. */
    public DurableObjectAssert isLive() {
        isNotNull();
        if (!"live".equals(state())) {
            failWithMessage("Expected %s to be live but it is %s", name(), state());
        }
        return this;
    }

    /** No instance is in memory (hibernated, evicted or never created). */
    public DurableObjectAssert isNotLive() {
        isNotNull();
        if ("live".equals(state())) {
            failWithMessage("Expected %s not to be live but it is (%s)", name(), env.describeObjects());
        }
        return this;
    }

    /** No instance is in memory, and hibernatable WebSockets stay connected. */
    public DurableObjectAssert isHibernated() {
        isNotNull();
        if (!"hibernated".equals(state())) {
            failWithMessage("Expected %s to be hibernated but it is %s", name(), state());
        }
        return this;
    }

    public DurableObjectAssert hasHibernatableWebSockets(int count) {
        isNotNull();
        int got = info().map(ObjectInfo::hibernatableSockets).orElse(0);
        if (got != count) {
            failWithMessage("Expected %s to have %s hibernatable WebSockets but it has %s", name(), count, got);
        }
        return this;
    }

    public DurableObjectAssert hasStandardWebSockets(int count) {
        isNotNull();
        int got = info().map(ObjectInfo::standardSockets).orElse(0);
        if (got != count) {
            failWithMessage("Expected %s to have %s standard WebSockets but it has %s", name(), count, got);
        }
        return this;
    }

    /** An alarm is set (reads storage inside the object, creating it if needed). */
    public DurableObjectAssert hasAlarm() {
        isNotNull();
        if (env.storage(actual).alarm().isEmpty()) {
            failWithMessage("Expected %s to have an alarm set but it has none", name());
        }
        return this;
    }

    /** The alarm is set for {@code at}. */
    public DurableObjectAssert hasAlarmAt(Instant at) {
        isNotNull();
        Optional<Instant> got = env.storage(actual).alarm();
        if (!got.equals(Optional.of(at))) {
            failWithMessage(
                    "Expected %s to have its alarm at %s but it has %s",
                    name(), at, got.map(Instant::toString).orElse("none"));
        }
        return this;
    }

    /** No alarm is set. */
    public DurableObjectAssert hasNoAlarm() {
        isNotNull();
        Optional<Instant> got = env.storage(actual).alarm();
        if (got.isPresent()) {
            failWithMessage("Expected %s to have no alarm but it has one at %s", name(), got.get());
        }
        return this;
    }

    private Optional<ObjectInfo> info() {
        return env.objectInfo(actual);
    }

    private String state() {
        return info().map(ObjectInfo::state).orElse("not in memory");
    }
}
