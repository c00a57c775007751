package dev.partyflare.conformance;

import java.net.URI;

/** Something the scenarios run against: a base URL serving one of the two fixture sets. */
public interface Target extends AutoCloseable {
    /** A short name for reports ({@code workerd}, {@code emulator}, or the URL). */
    String name();

    /** Which fixtures it serves: {@code js} (partyserver on workerd) or {@code java} (partyflare). */
    String fixtures();

    /** What it is, with versions, for the report. */
    String description();

    URI baseUrl();

    @Override
    default void close() {}

    /** A target that is already running somewhere (a deployment, partyflare dev, another emulator). */
    static Target url(URI url, String fixtures) {
        return new Target() {
            @Override
            public String name() {
                return url.toString();
            }

            @Override
            public String fixtures() {
                return fixtures;
            }

            @Override
            public String description() {
                return url + " (" + fixtures + " fixtures)";
            }

            @Override
            public URI baseUrl() {
                return url;
            }
        };
    }
}
