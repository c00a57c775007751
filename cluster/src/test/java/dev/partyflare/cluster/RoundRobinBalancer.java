package dev.partyflare.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP load balancer in front of a cluster's nodes, as clients meet a cluster in production: each
 * new connection goes to the next node in turn, skipping a node that refuses the connection (a dead
 * one), and its bytes are copied both ways until either side ends. No health checks and no
 * stickiness: a client that reconnects lands on whichever node comes next. 127.0.0.1 only.
 */
final class RoundRobinBalancer implements AutoCloseable {
    private final ServerSocket server;
    private final List<Integer> ports;
    private final AtomicInteger next = new AtomicInteger();
    private final java.util.Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

    RoundRobinBalancer(List<Integer> ports) throws IOException {
        this.ports = List.copyOf(ports);
        this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("balancer-accept").start(this::acceptLoop);
    }

    /** {@code 127.0.0.1:<port>}, the host a client is given. */
    String host() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            open.add(client);
            Thread.ofVirtual().name("balancer-conn").start(() -> forward(client));
        }
    }

    private void forward(Socket client) {
        Socket backend = connectToNextNode();
        if (backend == null) {
            closeQuietly(client); // no node accepts: the client sees its connection end
            return;
        }
        Thread.ofVirtual().name("balancer-up").start(() -> copy(client, backend));
        copy(backend, client);
    }

    private Socket connectToNextNode() {
        int start = Math.floorMod(next.getAndIncrement(), ports.size());
        for (int i = 0; i < ports.size(); i++) {
            int port = ports.get((start + i) % ports.size());
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
                s.setTcpNoDelay(true);
                open.add(s);
                return s;
            } catch (IOException refused) {
                closeQuietly(s);
            }
        }
        return null;
    }

    /** Copies until {@code from} ends, then closes both sockets (the other direction's copy ends too). */
    private void copy(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // either side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : List.copyOf(open)) {
            closeQuietly(s);
        }
    }
}
