package dev.partyflare.emulator;

import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocket;
import dev.partyflare.durable.WebSocketMessage;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A client of an in-process WebSocket (the client end of the pair), recording what arrives. */
final class InProcessSocket {
    final WebSocket ws;
    final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

    private InProcessSocket(WebSocket ws) {
        this.ws = ws;
    }

    static InProcessSocket connect(Emulator emu, String url) {
        Response r = emu.fetch(
                Request.builder("GET", url).header("upgrade", "websocket").build());
        if (r.status() != 101) {
            throw new AssertionError("Expected 101, got " + r.status() + ": " + r.text());
        }
        InProcessSocket s = new InProcessSocket(r.webSocket().orElseThrow());
        s.ws.accept();
        s.ws.onMessage(m -> s.events.add(m));
        s.ws.onClose(s.events::add);
        s.ws.onError(s.events::add);
        return s;
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
}
