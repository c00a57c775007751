package dev.partyflare.emulator.internal.http;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * permessage-deflate (RFC 7692) for one connection, as workerd applies it: messages from the client
 * with RSV1 set are inflated, and their inflated size counts against the message limit (kj checks
 * it as it inflates and fails with {@code 1009 Message is too large}, without sizes); every data
 * message to the client is compressed with zlib's default level, the context kept across messages
 * unless {@code server_no_context_takeover}. Java's zlib cannot limit its window below 2^15: when
 * the client asked for {@code server_max_window_bits} under 15, each piece of a message of that
 * many bytes is compressed on its own (no reference reaches further back than the window), which
 * is valid for the client's window though not byte for byte what workerd's zlib produces. zlib
 * state is allocated on first use and freed by {@link #end}.
 */
final class PerMessageDeflate {
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private final WebSocketHandshake.Deflate params;
    private Inflater inflater;
    private Deflater deflater;
    private boolean ended;

    PerMessageDeflate(WebSocketHandshake.Deflate params) {
        this.params = params;
    }

    /** Thrown for input that does not inflate, or inflates to more than the limit. */
    static final class Failure extends Exception {
        final int code;
        final String description;

        Failure(int code, String description) {
            super(description, null, false, false);
            this.code = code;
            this.description = description;
        }
    }

    /** Inflates one message ({@code data[0, len)}, without the trailing {@code 00 00 FF FF}). */
    synchronized byte[] inflate(byte[] data, int len, long max) throws Failure {
        if (ended) {
            throw new Failure(1002, "Invalid compressed data");
        }
        if (inflater == null) {
            inflater = new Inflater(true);
        } else if (params.inboundNoContextTakeover()) {
            inflater.reset();
        }
        byte[] input = Arrays.copyOf(data, len + TAIL.length);
        System.arraycopy(TAIL, 0, input, len, TAIL.length);
        inflater.setInput(input);
        byte[] out = new byte[(int) Math.min(Math.max(len * 4L, 256), Math.min(max + 1, 1 << 20))];
        // grows up to max + 1 bytes: one more than the limit is enough to refuse
        int total = 0;
        try {
            while (true) {
                if (total == out.length) {
                    out = Arrays.copyOf(out, (int)
                            Math.min(Math.min((long) out.length * 2, max + 1), Integer.MAX_VALUE - 16));
                }
                int n = inflater.inflate(out, total, out.length - total);
                total += n;
                if (total > max) {
                    throw new Failure(1009, "Message is too large");
                }
                if (n == 0) {
                    if (inflater.needsDictionary()) {
                        throw new Failure(1002, "Invalid compressed data");
                    }
                    if (inflater.finished() || inflater.needsInput()) {
                        break;
                    }
                }
            }
        } catch (DataFormatException e) {
            inflater.reset(); // the connection is failing anyway
            throw new Failure(1002, "Invalid compressed data");
        }
        if (inflater.finished()) {
            inflater.reset(); // a final block ends the stream: kj starts a fresh one
        }
        return total == out.length ? out : Arrays.copyOf(out, total);
    }

    /** Compresses one message for the client: the payload of a frame with RSV1 set. */
    synchronized byte[] deflate(byte[] message) {
        if (message.length == 0) {
            return new byte[] {0}; // RFC 7692 7.2.3.6: an empty uncompressed block, as kj sends
        }
        if (ended) {
            return message; // the connection is closing: never written
        }
        if (deflater == null) {
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        } else if (params.outboundNoContextTakeover()) {
            deflater.reset();
        }
        int bits = params.outboundMaxWindowBits();
        if (bits != WebSocketHandshake.Deflate.UNSET && bits < 15) {
            return deflateInWindows(message, 1 << Math.max(bits, 9));
        }
        byte[] out = sync(message, 0, message.length, new byte[message.length + 64], 0);
        int total = outLength;
        // strip the 00 00 FF FF that ends a sync flush (RFC 7692 7.2.1)
        return Arrays.copyOf(out, total - TAIL.length);
    }

    /** Compresses {@code message} a window at a time, each piece with a fresh context. */
    private byte[] deflateInWindows(byte[] message, int window) {
        byte[] out = new byte[message.length + 64];
        int total = 0;
        for (int off = 0; off < message.length; off += window) {
            deflater.reset();
            out = sync(message, off, Math.min(window, message.length - off), out, total);
            total = outLength;
        }
        return Arrays.copyOf(out, total - TAIL.length);
    }

    private int outLength;

    /** Deflates {@code in[off, off+len)} with a sync flush into {@code out} from {@code at}; the end is {@link #outLength}. */
    private byte[] sync(byte[] in, int off, int len, byte[] out, int at) {
        deflater.setInput(in, off, len);
        int total = at;
        while (true) {
            if (out.length - total < 64) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            int n = deflater.deflate(out, total, out.length - total, Deflater.SYNC_FLUSH);
            total += n;
            if (total < out.length) {
                break;
            }
        }
        outLength = total;
        return out;
    }

    /** Frees zlib's memory; later calls fail or send uncompressed. */
    synchronized void end() {
        ended = true;
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
    }
}
