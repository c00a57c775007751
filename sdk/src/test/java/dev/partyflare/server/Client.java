package dev.partyflare.server;

import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocket;
import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.emulator.Emulator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An in-process WebSocket client of the emulator, recording what arrives. */
final class Client {
    final WebSocket ws;
    final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

    private Client(WebSocket ws) {
        this.ws = ws;
    }

    static Client connect(Emulator emu, String path) {
        Response r = emu.fetch(Request.builder("GET", "http://localhost" + path)
                .header("upgrade", "websocket")
                .build());
        if (r.status() != 101) {
            throw new AssertionError("Expected 101 for " + path + ", got " + r.status() + ": " + r.text());
        }
        Client c = new Client(r.webSocket().orElseThrow());
        c.ws.accept();
        c.ws.onMessage(c.events::add);
        c.ws.onClose(c.events::add);
        return c;
    }

    Object next() throws InterruptedException {
        Object e = events.poll(10, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("No WebSocket event within 10 s");
        }
        return e;
    }

    String nextText() throws InterruptedException {
        Object e = next();
        if (e instanceof WebSocketMessage m && m.isText()) {
            return m.asText();
        }
        throw new AssertionError("Expected a text message, got " + e);
    }

    String request(String text) throws InterruptedException {
        ws.send(text);
        return nextText();
    }

    Object poll(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }
}
