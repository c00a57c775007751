package dev.partyflare.emulator.internal.runtime;

import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.durable.Response;

/**
 * Error pages. An uncaught exception gives a 500 whose body names the exception and its message,
 * followed by the user-code part of the stack, as {@code wrangler dev} shows it (bare workerd says
 * only {@code Internal Server Error}).
 */
public final class ErrorResponses {
    private static final String INTERNAL_PREFIX = "dev.partyflare.emulator.internal.";

    private ErrorResponses() {}

    public static Response internalError(Throwable e) {
        return Response.text(describe(e), 500);
    }

    /** {@code Type: message} and the stack frames of user code. */
    public static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        if (e instanceof DurableObjectException de) {
            sb.append(de.errorType()).append(": ").append(de.getMessage());
            if (de.durableObjectReset()) {
                sb.append("\n    (the Durable Object was reset)");
            }
            String remote = de.remoteStack();
            if (remote != null && !remote.isEmpty()) {
                sb.append('\n');
                appendFrames(sb, remote.lines().skip(1).toList());
            }
            return sb.toString();
        }
        sb.append(e.getClass().getName());
        if (e.getMessage() != null) {
            sb.append(": ").append(e.getMessage());
        }
        sb.append('\n');
        java.util.List<String> frames = new java.util.ArrayList<>();
        for (StackTraceElement f : e.getStackTrace()) {
            frames.add("\tat " + f);
        }
        appendFrames(sb, frames);
        return sb.toString().stripTrailing();
    }

    private static void appendFrames(StringBuilder sb, java.util.List<String> frames) {
        for (String line : frames) {
            if (line.contains(INTERNAL_PREFIX) || line.contains("jdk.internal.reflect")) {
                break;
            }
            sb.append(line).append('\n');
        }
    }
}
