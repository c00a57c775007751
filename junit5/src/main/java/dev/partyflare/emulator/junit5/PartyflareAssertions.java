package dev.partyflare.emulator.junit5;

import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.Response;

/**
 * AssertJ entry points for the harness; import them next to AssertJ's own:
 *
 * <pre>{@code
 * import static dev.partyflare.emulator.junit5.PartyflareAssertions.assertThat;
 * import static org.assertj.core.api.Assertions.assertThat;
 *
 * assertThat(env.fetch("/counter/a")).hasStatus(200).hasBody("1");
 * assertThat(socket).receives("hello");
 * assertThat(env.storage(stub)).containsEntry("n", 1L).hasNoAlarm();
 * assertThat(stub).isHibernationEligible();
 * }</pre>
 *
 * Built on AssertJ ({@code org.assertj:assertj-core}), which {@code partyflare-junit5} brings.
 */
public final class PartyflareAssertions {
    private PartyflareAssertions() {}

    public static ResponseAssert assertThat(Response actual) {
        return new ResponseAssert(actual);
    }

    public static TestWebSocketAssert assertThat(TestWebSocket actual) {
        return new TestWebSocketAssert(actual);
    }

    public static StorageAssert assertThat(StorageView actual) {
        return new StorageAssert(actual);
    }

    /** Assertions on what an object received: {@code assertThat(env.journal(stub)).hasReceivedRpc("add", 5)}. */
    public static JournalAssert assertThat(ObjectJournal actual) {
        return new JournalAssert(actual);
    }

    /**
     * Assertions on the object behind {@code stub}, in the emulator of the test running on this
     * thread (or the only running one that knows it). With several emulators, use {@code new
     * DurableObjectAssert(env, stub)}.
     */
    public static DurableObjectAssert assertThat(DurableObjectStub stub) {
        return new DurableObjectAssert(PartyflareEnv.owning(stub), stub);
    }
}
