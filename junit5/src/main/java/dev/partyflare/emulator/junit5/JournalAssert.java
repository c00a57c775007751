package dev.partyflare.emulator.junit5;

import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.AbstractAssert;

/** Assertions on what an object received ({@link ObjectJournal}). */
public final class JournalAssert extends AbstractAssert<JournalAssert, ObjectJournal> {

    JournalAssert(ObjectJournal actual) {
        super(actual, JournalAssert.class);
    }

    private String received() {
        return "\nIt received:\n" + actual.describe();
    }

    /**
     * It received an RPC call of {@code method} with exactly these arguments, compared as they travel
     * (so {@code 5} matches an {@code int} or {@code long} 5, and a record its JSON form).
     */
    public JournalAssert hasReceivedRpc(String method, Object... args) {
        isNotNull();
        boolean found = actual.rpcCalls(method).stream().anyMatch(e -> e.hasArguments(args));
        if (!found) {
            failWithMessage(
                    "Expected %s to have received the RPC call %s(%s), but it did not.%s",
                    actual.object(), method, describe(args), received());
        }
        return this;
    }

    /** It received {@code times} RPC calls of {@code method}, whatever their arguments. */
    public JournalAssert hasReceivedRpcTimes(String method, int times) {
        isNotNull();
        int n = actual.rpcCalls(method).size();
        if (n != times) {
            failWithMessage(
                    "Expected %s to have received %d RPC call(s) of %s, but it received %d.%s",
                    actual.object(), times, method, n, received());
        }
        return this;
    }

    /** It received no RPC call of {@code method}. */
    public JournalAssert hasNotReceivedRpc(String method) {
        return hasReceivedRpcTimes(method, 0);
    }

    /** It received a request {@code method path} ({@code path} with its query, as sent). */
    public JournalAssert hasReceivedRequest(String method, String path) {
        isNotNull();
        boolean found = actual.requests().stream()
                .anyMatch(e -> e.method().equalsIgnoreCase(method) && e.path().equals(path));
        if (!found) {
            failWithMessage(
                    "Expected %s to have received %s %s, but it did not.%s", actual.object(), method, path, received());
        }
        return this;
    }

    /** It received the text message {@code text} (on any socket). */
    public JournalAssert hasReceivedMessage(String text) {
        isNotNull();
        if (!actual.textMessages().contains(text)) {
            failWithMessage(
                    "Expected %s to have received the message \"%s\", but it did not.%s",
                    actual.object(), text, received());
        }
        return this;
    }

    /** It received exactly these text messages, in this order (binary messages ignored). */
    public JournalAssert hasReceivedMessagesInOrder(String... texts) {
        isNotNull();
        List<String> got = actual.textMessages();
        if (!got.equals(Arrays.asList(texts))) {
            failWithMessage(
                    "Expected %s to have received the messages %s in this order, but it received %s.%s",
                    actual.object(), Arrays.asList(texts), got, received());
        }
        return this;
    }

    /** It received nothing. */
    public JournalAssert isEmpty() {
        isNotNull();
        if (!actual.entries().isEmpty()) {
            failWithMessage("Expected %s to have received nothing.%s", actual.object(), received());
        }
        return this;
    }

    /** It received exactly {@code n} things (requests, calls and messages). */
    public JournalAssert hasSize(int n) {
        isNotNull();
        if (actual.entries().size() != n) {
            failWithMessage(
                    "Expected %s to have received %d thing(s), but it received %d.%s",
                    actual.object(), n, actual.entries().size(), received());
        }
        return this;
    }

    private static String describe(Object[] args) {
        if (args == null) {
            return "null";
        }
        StringBuilder s = new StringBuilder();
        for (Object a : args) {
            if (s.length() > 0) {
                s.append(", ");
            }
            s.append(a instanceof String str ? "\"" + str + "\"" : String.valueOf(a));
        }
        return s.toString();
    }
}
