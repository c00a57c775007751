package dev.partyflare.emulator;

import java.nio.file.Path;

/** A configuration file that cannot be used: says which file, which line, and what to do. */
public final class ConfigException extends RuntimeException {
    private final transient Path file;
    private final int line;
    private final String hint;

    public ConfigException(Path file, int line, String problem, String hint, Throwable cause) {
        super(format(file, line, problem, hint), cause);
        this.file = file;
        this.line = line;
        this.hint = hint;
    }

    private static String format(Path file, int line, String problem, String hint) {
        StringBuilder sb = new StringBuilder();
        if (file != null) {
            sb.append(file);
            if (line > 0) {
                sb.append(':').append(line);
            }
            sb.append(": ");
        }
        sb.append(problem);
        if (hint != null && !hint.isEmpty()) {
            sb.append("\n  hint: ").append(hint);
        }
        return sb.toString();
    }

    /** The file, if known. */
    public Path file() {
        return file;
    }

    /** The 1-based line, or 0 when unknown. */
    public int line() {
        return line;
    }

    public String hint() {
        return hint;
    }
}
