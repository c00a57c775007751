package dev.partyflare.emulator.internal.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * The listening socket and the I/O threads (XNIO, the NIO layer Undertow is built on, with
 * Undertow's settings): each accepted connection becomes an {@link HttpConnection} served by one
 * I/O thread. The HTTP/1.1 and WebSocket protocols themselves are ours, so that every byte on the
 * wire is workerd's.
 */
final class WireServer implements AutoCloseable {
    private final XnioWorker worker;
    private final AcceptingChannel<StreamConnection> acceptor;
    private final int port;
    private final Set<StreamConnection> open = ConcurrentHashMap.newKeySet();

    WireServer(String host, int port, int ioThreads, int connectionLimit, ChannelListener<StreamConnection> onOpen)
            throws IOException {
        Xnio xnio = Xnio.getInstance("nio", WireServer.class.getClassLoader());
        this.worker = xnio.createWorker(OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, ioThreads)
                .set(Options.WORKER_TASK_CORE_THREADS, 1)
                .set(Options.WORKER_TASK_MAX_THREADS, 2)
                .set(Options.TCP_NODELAY, true)
                .set(Options.CONNECTION_HIGH_WATER, 1_000_000)
                .set(Options.CONNECTION_LOW_WATER, 1_000_000)
                .getMap());
        ChannelListener<StreamConnection> tracked = connection -> {
            open.add(connection);
            onOpen.handleEvent(connection);
        };
        this.acceptor = worker.createStreamConnectionServer(
                new InetSocketAddress(host, port),
                ChannelListeners.openListenerAdapter(tracked),
                OptionMap.builder()
                        .set(Options.REUSE_ADDRESSES, true)
                        .set(Options.TCP_NODELAY, true)
                        .set(Options.BACKLOG, 1000)
                        .set(Options.BALANCING_TOKENS, 1)
                        .set(Options.BALANCING_CONNECTIONS, 2)
                        // past this many open connections new ones wait in the accept backlog (instead of
                        // accept failing with "too many open files" once the process's descriptors run out)
                        .set(Options.CONNECTION_HIGH_WATER, connectionLimit)
                        .set(Options.CONNECTION_LOW_WATER, connectionLimit * 9 / 10)
                        .getMap());
        this.port = ((InetSocketAddress) acceptor.getLocalAddress()).getPort();
    }

    /**
     * Starts accepting connections. The socket listens from the constructor on (its port is known and
     * clients may connect), but {@code onOpen} sees no connection before this: a server that needs
     * this one to build what its connections use calls it once that is built.
     */
    void start() {
        acceptor.resumeAccepts();
    }

    /** Forgets a connection that closed. */
    void closed(StreamConnection connection) {
        open.remove(connection);
    }

    int port() {
        return port;
    }

    /** Stops accepting, closes every connection and stops the I/O threads (waiting up to {@code millis}). */
    boolean stop(long millis) throws InterruptedException {
        IoUtils.safeClose(acceptor);
        for (StreamConnection c : open) {
            IoUtils.safeClose(c);
        }
        worker.shutdown();
        return worker.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        try {
            stop(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
