package dev.partyflare.cluster.internal;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Requests, RPC calls and responses too large for one Artery frame (256 KiB), crossing between two
 * nodes' relays: the sender offers the bytes under an id and sends only the id; the receiver pulls
 * them, and the sender's relay streams them in {@link SocketRelay#CHUNK}-sized {@link
 * SocketRelay.Chunk}s on the relays' large-message lane, where one sender's messages to one
 * recipient keep their order. The relay actor calls {@link #sendOffered} and {@link #received}.
 */
final class LargePayloads {
    /** Payloads offered to another node, until it pulls them (or they are withdrawn, or expire). */
    private final ConcurrentHashMap<String, Offered> offers = new ConcurrentHashMap<>();

    private record Offered(byte[] bytes, long since) {}

    /** Payloads this node is pulling. */
    private final ConcurrentHashMap<String, Incoming> incoming = new ConcurrentHashMap<>();

    private static final class Incoming {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        final java.util.concurrent.CompletableFuture<byte[]> done = new java.util.concurrent.CompletableFuture<>();
    }

    /** An offer nobody pulled (its puller's node died) is dropped after this long. */
    private static final long OFFER_LIFETIME_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(5);

    /**
     * Offers {@code bytes} (a request or response too large for one Artery frame, 256 KiB) for
     * another node to {@link #pull}; returns its id. The payload then crosses in {@link SocketRelay.Chunk}s on the
     * relays' large-message lane, in order, each within a large frame.
     */
    String offer(byte[] bytes) {
        long now = System.nanoTime();
        offers.values().removeIf(o -> now - o.since() > OFFER_LIFETIME_NANOS);
        String id = UUID.randomUUID().toString();
        offers.put(id, new Offered(bytes, now));
        return id;
    }

    /** Forgets an offer (its call ended). */
    void withdraw(String id) {
        if (id != null) {
            offers.remove(id);
        }
    }

    /**
     * Fetches the payload {@code from}'s relay offered under {@code id}, waiting at most {@code
     * timeout} (on a virtual thread: a call's).
     *
     * @throws IllegalStateException when it does not arrive in time, or was not offered
     */
    byte[] pull(
            ActorRef<SocketRelay.Command> from,
            String id,
            java.time.Duration timeout,
            ActorRef<SocketRelay.Command> self) {
        Incoming in = new Incoming();
        incoming.put(id, in);
        try {
            from.tell(new SocketRelay.Pull(id, self));
            return in.done.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while a large payload crossed nodes", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(
                    "A large payload did not cross between cluster nodes within " + timeout.toMillis() + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } finally {
            incoming.remove(id);
        }
    }

    void sendOffered(SocketRelay.Pull p) {
        Offered o = offers.remove(p.id());
        if (o == null) {
            p.to().tell(new SocketRelay.Chunk(p.id(), true, null));
            return;
        }
        byte[] b = o.bytes();
        int at = 0;
        do {
            int end = Math.min(b.length, at + SocketRelay.CHUNK);
            p.to().tell(new SocketRelay.Chunk(p.id(), end == b.length, java.util.Arrays.copyOfRange(b, at, end)));
            at = end;
        } while (at < b.length);
    }

    void received(SocketRelay.Chunk c) {
        Incoming in = incoming.get(c.id());
        if (in == null) {
            return; // its puller gave up
        }
        if (c.bytes() == null) {
            in.done.completeExceptionally(
                    new IllegalStateException("A large payload was no longer offered by the node that sent it"));
            return;
        }
        in.bytes.writeBytes(c.bytes());
        if (c.last()) {
            in.done.complete(in.bytes.toByteArray());
        }
    }
}
