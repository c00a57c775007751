package dev.partyflare.emulator.internal.http;

/**
 * How a request's body is delimited, and its chunked decoding, as workerd's HTTP server reads
 * them (kj's {@code getEntityBody} and {@code HttpChunkedEntityReader}): {@code Transfer-Encoding:
 * chunked} (any case, also {@code chunked, chunked}) wins over {@code Content-Length}; any other
 * transfer coding, and a {@code Content-Length} that is not all digits (two headers, {@code "3,
 * 3"}, a sign, spaces after it) fail the request; no header means no body. Chunk extensions and
 * trailers are not supported (a trailer line is read as the next request, as kj does).
 */
final class RequestBody {
    private RequestBody() {}

    /** No body, a body of a known length, a chunked body, or an invalid framing (workerd: 500). */
    sealed interface Framing {}

    record None() implements Framing {}

    record Fixed(long length) implements Framing {}

    record Chunked() implements Framing {}

    record Invalid(String why) implements Framing {}

    static final None NONE = new None();
    static final Chunked CHUNKED = new Chunked();

    static Framing framing(HttpHead.Request head) {
        String te = head.header("transfer-encoding");
        if (te != null) {
            if (te.equalsIgnoreCase("chunked")
                    || te.equalsIgnoreCase("chunked, chunked")
                    || te.equalsIgnoreCase("chunked,chunked")) {
                return CHUNKED;
            }
            return new Invalid("unknown transfer encoding: " + te);
        }
        String cl = head.header("content-length");
        if (cl == null) {
            return NONE;
        }
        if (cl.isEmpty() || cl.length() > 18) {
            return new Invalid("invalid Content-Length header value: " + cl);
        }
        long n = 0;
        for (int i = 0; i < cl.length(); i++) {
            char ch = cl.charAt(i);
            if (ch < '0' || ch > '9') {
                return new Invalid("invalid Content-Length header value: " + cl);
            }
            n = n * 10 + (ch - '0');
        }
        return n == 0 ? NONE : new Fixed(n);
    }

    /** kj reads a chunk-size line of at most this many bytes. */
    static final int MAX_CHUNK_HEADER = 32;

    /**
     * Decodes a chunked body incrementally. Between chunks kj expects a line break but accepts its
     * absence ("missing line break, whatever"); a lone {@code \r} becomes part of the next size line
     * and so fails it.
     */
    static final class ChunkedDecoder {
        private enum State {
            SIZE,
            DATA,
            AFTER_DATA,
            AFTER_DATA_CR,
            DONE
        }

        private State state = State.SIZE;
        private final byte[] line = new byte[MAX_CHUNK_HEADER + 1];
        private int lineLength;
        private long remaining;
        private String error;

        /** Where decoded bytes go. */
        interface Sink {
            void accept(byte[] buf, int off, int len);
        }

        boolean done() {
            return state == State.DONE;
        }

        /** Why the body is invalid, or null. */
        String error() {
            return error;
        }

        /**
         * Consumes bytes from {@code buf[off, end)}, writing the body's bytes to {@code sink};
         * returns the index of the first byte not consumed (after the last chunk, or where an error
         * was found).
         */
        int feed(byte[] buf, int off, int end, Sink sink) {
            int i = off;
            while (i < end && error == null && state != State.DONE) {
                switch (state) {
                    case SIZE -> {
                        byte b = buf[i++];
                        if (b == '\n') {
                            chunkSizeLine();
                        } else if (lineLength == line.length) {
                            error = "invalid HTTP chunk size (line too long)";
                        } else {
                            line[lineLength++] = b;
                        }
                    }
                    case DATA -> {
                        int n = (int) Math.min(remaining, end - i);
                        sink.accept(buf, i, n);
                        i += n;
                        remaining -= n;
                        if (remaining == 0) {
                            state = State.AFTER_DATA;
                        }
                    }
                    case AFTER_DATA -> {
                        byte b = buf[i];
                        if (b == '\n') {
                            i++;
                            state = State.SIZE;
                        } else if (b == '\r') {
                            i++;
                            state = State.AFTER_DATA_CR;
                        } else {
                            state = State.SIZE; // no line break: accepted
                        }
                    }
                    case AFTER_DATA_CR -> {
                        if (buf[i] == '\n') {
                            i++;
                            state = State.SIZE;
                        } else {
                            error = "invalid HTTP chunk size (\\r without \\n)";
                        }
                    }
                    case DONE -> {}
                }
            }
            return i;
        }

        private void chunkSizeLine() {
            int n = lineLength;
            if (n > 0 && line[n - 1] == '\r') {
                n--;
            }
            lineLength = 0;
            if (n == 0) {
                error = "invalid HTTP chunk size (empty line)";
                return;
            }
            long value = 0;
            for (int k = 0; k < n; k++) {
                int b = line[k];
                int digit;
                if (b >= '0' && b <= '9') {
                    digit = b - '0';
                } else if (b >= 'a' && b <= 'f') {
                    digit = b - 'a' + 10;
                } else if (b >= 'A' && b <= 'F') {
                    digit = b - 'A' + 10;
                } else {
                    error = "invalid HTTP chunk size";
                    return;
                }
                if (Long.compareUnsigned(value, -1L >>> 4) > 0) {
                    error = "HTTP chunk size overflow";
                    return;
                }
                value = value * 16 + digit;
            }
            if (value < 0) {
                error = "HTTP chunk size overflow";
                return;
            }
            if (value == 0) {
                state = State.DONE;
            } else {
                remaining = value;
                state = State.DATA;
            }
        }
    }
}
