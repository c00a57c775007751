package dev.partyflare.examples;

import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.server.Connection;
import dev.partyflare.server.ConnectionContext;
import dev.partyflare.server.Server;
import java.util.List;

/** The partyflare README's example: every message goes to every other connection. */
public class MyServer extends Server {
    public MyServer(DurableObjectState ctx, Env env) {
        super(ctx, env);
    }

    @Override
    public void onConnect(Connection connection, ConnectionContext context) {
        System.out.println("Connected " + connection.id() + " to server " + name());
    }

    @Override
    public void onMessage(Connection connection, WebSocketMessage message) {
        System.out.println("Message from " + connection.id() + ": " + message.asText());
        // Send the message to every other connection
        broadcast(message, List.of(connection.id()));
    }
}
