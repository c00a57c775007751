package dev.partyflare.cli;

import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Help.Ansi;

/** Colours on a terminal, plain text otherwise (picocli decides, honouring NO_COLOR-style settings). */
final class Terminal {
    private final Ansi ansi;

    Terminal(PrintWriter out) {
        this.ansi = System.console() != null ? Ansi.AUTO : Ansi.OFF;
    }

    private String style(String styles, String text) {
        return ansi.string("@|" + styles + " " + text.replace("|@", "| @") + "|@");
    }

    String bold(String s) {
        return style("bold", s);
    }

    String dim(String s) {
        return style("faint", s);
    }

    String green(String s) {
        return style("green", s);
    }

    String yellow(String s) {
        return style("yellow", s);
    }

    String red(String s) {
        return style("red", s);
    }

    /** {@code METHOD path STATUS text (N ms)}, as wrangler prints it. */
    String requestLine(String method, String path, int status, Duration time) {
        String text = method + " " + path + " " + status + " " + reason(status) + " (" + time.toMillis() + "ms)";
        if (status >= 500) {
            return red(text);
        }
        if (status >= 400) {
            return yellow(text);
        }
        return text;
    }

    private static String reason(int status) {
        return dev.partyflare.durable.Response.defaultStatusText(status);
    }
}
