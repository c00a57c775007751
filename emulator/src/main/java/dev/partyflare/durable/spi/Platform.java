package dev.partyflare.durable.spi;

import dev.partyflare.durable.WebSocket;
import java.util.ServiceLoader;

/**
 * What the public types of {@code dev.partyflare.durable} need from the runtime that implements them
 * (JSON bodies, WebSocket pairs), found once through {@link ServiceLoader}, so that the public API
 * depends on no implementation class: the emulator provides it, and another runtime could.
 *
 * <p>Not for application code: use {@code Request.json}, {@code Response.json} and {@code new
 * WebSocketPair()}.
 */
public interface Platform {

    /** {@code value} as JSON bytes (UTF-8). */
    byte[] writeJson(Object value);

    /** JSON bytes as {@code type}. */
    <T> T readJson(byte[] json, Class<T> type);

    /** Two connected WebSocket ends: the client end first. */
    WebSocket[] newWebSocketPair();

    /** The platform on the class path. */
    static Platform get() {
        return Holder.PLATFORM;
    }

    /** Loaded on first use. */
    final class Holder {
        private static final Platform PLATFORM = load();

        private Holder() {}

        private static Platform load() {
            return ServiceLoader.load(Platform.class, Platform.class.getClassLoader())
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "No dev.partyflare.durable.spi.Platform on the class path: add the partyflare-emulator"
                                    + " artifact (it provides the runtime behind the public API)"));
        }
    }
}
