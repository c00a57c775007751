package dev.partyflare.cli.bench;

import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The physical baseline: a bare Undertow server with the benchmark's wire contract and none of the
 * emulator's semantics (no gates, no storage, no objects).
 */
final class UndertowBaseline implements AutoCloseable {
    private final Undertow server;
    private final Map<String, Set<WebSocketChannel>> rooms = new ConcurrentHashMap<>();
    final int port;

    UndertowBaseline() {
        WebSocketConnectionCallback ws = (exchange, channel) -> {
            String room = exchange.getRequestURI().replaceAll("\\?.*$", "");
            Set<WebSocketChannel> members = rooms.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet());
            members.add(channel);
            channel.addCloseTask(c -> members.remove(c));
            channel.getReceiveSetter().set(new AbstractReceiveListener() {
                @Override
                protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
                    String text = message.getData();
                    if (text.startsWith("e:")) {
                        WebSockets.sendText(text, ch, null);
                    } else {
                        for (WebSocketChannel other : members) {
                            if (other != ch) {
                                WebSockets.sendText(text, other, null);
                            }
                        }
                    }
                }
            });
            channel.resumeReceives();
        };
        WebSocketProtocolHandshakeHandler wsHandler = new WebSocketProtocolHandshakeHandler(ws);
        HttpHandler http = exchange -> {
            if ("websocket".equalsIgnoreCase(exchange.getRequestHeaders().getFirst(Headers.UPGRADE))) {
                wsHandler.handleRequest(exchange);
                return;
            }
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
            exchange.getResponseSender().send("ok");
        };
        server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setHandler(http)
                .build();
        server.start();
        port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    @Override
    public void close() {
        server.stop();
    }
}
