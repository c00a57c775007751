package dev.partyflare.emulator.internal.runtime;

import dev.partyflare.durable.WebSocket;
import dev.partyflare.durable.spi.Platform;
import dev.partyflare.emulator.internal.json.Json;
import dev.partyflare.emulator.internal.websocket.WebSocketEnd;

/** The emulator behind the public API's JSON bodies and WebSocket pairs (a {@link Platform} service). */
public final class EmulatorPlatform implements Platform {

    @Override
    public byte[] writeJson(Object value) {
        return Json.write(value);
    }

    @Override
    public <T> T readJson(byte[] json, Class<T> type) {
        return Json.read(json, type);
    }

    @Override
    public WebSocket[] newWebSocketPair() {
        return WebSocketEnd.newPair();
    }
}
