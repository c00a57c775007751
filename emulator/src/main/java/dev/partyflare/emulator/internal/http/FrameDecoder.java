package dev.partyflare.emulator.internal.http;

/**
 * Reads the frames a client sends on a WebSocket and judges them as workerd does (kj's {@code
 * WebSocketImpl::receive}, {@code kj/compat/http.c++}), with its close codes and texts:
 *
 * <ul>
 *   <li>RSV2 or RSV3 set: {@code 1002 Received frame had RSV bits 2 or 3 set};
 *   <li>then, before any payload is read, a frame whose declared length is larger than the room
 *       left in the message (the limit less the fragments received so far; also for a control
 *       frame between fragments): {@code 1009 Message is too large: <length> > <room>};
 *   <li>a continuation frame outside a fragmented message: {@code 1002 Unexpected continuation
 *       frame}; a new data frame inside one: {@code 1002 Missing continuation frame}; a control
 *       frame without FIN: {@code 1002 Received fragmented control frame};
 *   <li>after the payload: RSV1 without permessage-deflate: {@code 1002 Received a WebSocket frame
 *       whose compression bit was set, but the compression extension was not negotiated for this
 *       connection.}; a compressed message that does not inflate: {@code 1002 Invalid compressed
 *       data}, or inflates to more than the limit: {@code 1009 Message is too large}; an opcode
 *       other than 0-2 and 8-10: {@code 1002 Unknown opcode <n>}.
 * </ul>
 *
 * Like kj it does not require client frames to be masked, limits control frames only by the
 * message limit, delivers text that is not valid UTF-8 with replacement characters, reads a close
 * frame with less than two bytes of payload as 1005 and passes any other close code on as is.
 */
final class FrameDecoder {
    /** What the frames mean. */
    interface Events {
        void text(String text);

        void binary(byte[] data);

        void ping(byte[] payload);

        void closeFrame(int code, String reason);

        void protocolError(int code, String description);
    }

    static final String COMPRESSION_NOT_NEGOTIATED = "Received a WebSocket frame whose compression bit was set, but the"
            + " compression extension was not negotiated for this connection.";

    private static final int OP_CONTINUATION = 0;
    private static final int OP_TEXT = 1;
    private static final int OP_BINARY = 2;
    private static final int OP_CLOSE = 8;
    private static final int OP_PING = 9;
    private static final int OP_PONG = 10;

    private final long maxMessageBytes;
    private final PerMessageDeflate deflate;

    // the frame header being read
    private final byte[] header = new byte[14];
    private int headerLength;

    // the frame whose payload is being read
    private boolean inPayload;
    private boolean fin;
    private boolean rsv1;
    private int opcode; // as sent (0 for a continuation)
    private long remaining;
    private final byte[] mask = new byte[4];
    private boolean masked;
    private int maskIndex;
    private byte[] control; // payload of a control frame
    private int controlLength;

    // the message being assembled
    private boolean fragmented;
    private int fragmentOpcode;
    private boolean fragmentCompressed;
    private long room;
    private byte[] message = new byte[256];
    private int messageLength;

    private boolean stopped;

    FrameDecoder(long maxMessageBytes, PerMessageDeflate deflate) {
        this.maxMessageBytes = maxMessageBytes;
        this.deflate = deflate;
        this.room = maxMessageBytes;
    }

    /** Whether a close frame or an error ended reading. */
    boolean stopped() {
        return stopped;
    }

    /**
     * Consumes {@code buf[off, end)}, reporting what it means to {@code ev}; after a close frame or
     * a protocol error the rest is ignored.
     */
    void feed(byte[] buf, int off, int end, Events ev) {
        int i = off;
        while (i < end && !stopped) {
            if (!inPayload) {
                i = readHeader(buf, i, end, ev);
                if (inPayload && remaining == 0) {
                    payloadDone(ev);
                }
                continue;
            }
            int n = (int) Math.min(remaining, end - i);
            if (opcode >= OP_CLOSE) {
                unmaskInto(buf, i, n, control, controlLength);
                controlLength += n;
            } else {
                ensureMessageCapacity(messageLength + n);
                unmaskInto(buf, i, n, message, messageLength);
                messageLength += n;
            }
            i += n;
            remaining -= n;
            if (remaining == 0) {
                payloadDone(ev);
            }
        }
    }

    /**
     * While the payload of a large data frame is being read: room in the message for up to {@code
     * max} of its bytes, to read them straight from the socket (as kj does: fewer, larger reads,
     * no copy); null otherwise.
     */
    java.nio.ByteBuffer directTarget(int max) {
        if (!inPayload || opcode >= OP_CLOSE || remaining < 4096 || stopped) {
            return null;
        }
        int n = (int) Math.min(remaining, max);
        ensureMessageCapacity(messageLength + n);
        return java.nio.ByteBuffer.wrap(message, messageLength, n);
    }

    /** {@code n} payload bytes were read into the {@link #directTarget}. */
    void directRead(int n, Events ev) {
        if (masked) {
            int m = maskIndex;
            for (int k = messageLength, end = messageLength + n; k < end; k++) {
                message[k] ^= mask[m];
                m = (m + 1) & 3;
            }
            maskIndex = m;
        }
        messageLength += n;
        remaining -= n;
        if (remaining == 0) {
            payloadDone(ev);
        }
    }

    private int readHeader(byte[] buf, int i, int end, Events ev) {
        while (i < end && headerLength < 2) {
            header[headerLength++] = buf[i++];
        }
        if (headerLength < 2) {
            return i;
        }
        int b1 = header[1] & 0xff;
        int len7 = b1 & 0x7f;
        int need = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((b1 & 0x80) != 0 ? 4 : 0);
        while (i < end && headerLength < need) {
            header[headerLength++] = buf[i++];
        }
        if (headerLength < need) {
            return i;
        }
        headerLength = 0;
        int b0 = header[0] & 0xff;
        long length = len7;
        int p = 2;
        if (len7 == 126) {
            length = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
            p = 4;
        } else if (len7 == 127) {
            length = 0;
            for (int k = 2; k < 10; k++) {
                length = (length << 8) | (header[k] & 0xff);
            }
            p = 10;
        }
        masked = (b1 & 0x80) != 0;
        if (masked) {
            System.arraycopy(header, p, mask, 0, 4);
        }
        maskIndex = 0;

        if ((b0 & 0x30) != 0) {
            error(ev, 1002, "Received frame had RSV bits 2 or 3 set");
            return i;
        }
        if (Long.compareUnsigned(length, room) > 0) {
            error(ev, 1009, "Message is too large: " + Long.toUnsignedString(length) + " > " + room);
            return i;
        }
        int op = b0 & 0x0f;
        boolean isData = op < OP_CLOSE;
        if (op == OP_CONTINUATION) {
            if (!fragmented) {
                error(ev, 1002, "Unexpected continuation frame");
                return i;
            }
        } else if (isData && fragmented) {
            error(ev, 1002, "Missing continuation frame");
            return i;
        }
        fin = (b0 & 0x80) != 0;
        rsv1 = (b0 & 0x40) != 0;
        if (!fin) {
            if (!isData) {
                error(ev, 1002, "Received fragmented control frame");
                return i;
            }
            if (!fragmented) {
                fragmented = true;
                fragmentOpcode = op;
                fragmentCompressed = rsv1;
            }
        }
        opcode = op;
        remaining = length;
        inPayload = true;
        if (!isData) {
            control = new byte[(int) length];
            controlLength = 0;
        } else if (length <= 1 << 20) {
            ensureMessageCapacity((int) (messageLength + length)); // a big frame grows as its bytes arrive
        }
        return i;
    }

    private void payloadDone(Events ev) {
        inPayload = false;
        boolean isData = opcode < OP_CLOSE;
        if (!fin) {
            room -= currentFrameLength();
            return;
        }
        if (opcode == OP_PING) {
            byte[] payload = control;
            control = null;
            ev.ping(payload);
            return;
        }
        if (opcode == OP_PONG) {
            control = null;
            return;
        }
        boolean compressed = rsv1 || fragmentCompressed;
        if (compressed && deflate == null) {
            error(ev, 1002, COMPRESSION_NOT_NEGOTIATED);
            return;
        }
        if (!isData) {
            if (opcode == OP_CLOSE) {
                byte[] c = control;
                control = null;
                stopped = true;
                if (controlLength < 2) {
                    ev.closeFrame(1005, "");
                } else {
                    int code = ((c[0] & 0xff) << 8) | (c[1] & 0xff);
                    ev.closeFrame(code, Utf8.decode(c, 2, controlLength - 2));
                }
                return;
            }
            error(ev, 1002, "Unknown opcode " + opcode);
            return;
        }
        int op = opcode == OP_CONTINUATION ? fragmentOpcode : opcode;
        if (op != OP_TEXT && op != OP_BINARY) {
            error(ev, 1002, "Unknown opcode " + op);
            return;
        }
        if (compressed) {
            byte[] data;
            try {
                data = deflate.inflate(message, messageLength, maxMessageBytes);
            } catch (PerMessageDeflate.Failure f) {
                error(ev, f.code, f.description);
                return;
            }
            resetMessage();
            if (op == OP_TEXT) {
                ev.text(Utf8.decode(data, 0, data.length));
            } else {
                ev.binary(data);
            }
            return;
        }
        int length = messageLength;
        if (op == OP_TEXT) {
            String text = Utf8.decode(message, 0, length);
            resetMessage();
            ev.text(text);
        } else {
            byte[] data = length == message.length ? message : java.util.Arrays.copyOf(message, length);
            if (data == message) {
                message = EMPTY; // handed over
            }
            resetMessage();
            ev.binary(data);
        }
    }

    private static final byte[] EMPTY = new byte[0];

    /** The length of the data frame just read (its bytes are the last of the message buffer). */
    private long frameStart;

    private long currentFrameLength() {
        long n = messageLength - frameStart;
        frameStart = messageLength;
        return n;
    }

    private void resetMessage() {
        fragmented = false;
        fragmentOpcode = 0;
        fragmentCompressed = false;
        room = maxMessageBytes;
        if (message.length > 64 * 1024) {
            message = EMPTY; // keep a small buffer for the next message, not a big one
        }
        messageLength = 0;
        frameStart = 0;
    }

    private void error(Events ev, int code, String description) {
        stopped = true;
        inPayload = false;
        message = null;
        control = null;
        ev.protocolError(code, description);
    }

    private void ensureMessageCapacity(int needed) {
        if (needed > message.length) {
            long grown = Math.max(needed, Math.min((long) message.length * 2, maxMessageBytes));
            message = java.util.Arrays.copyOf(message, (int) Math.min(Math.max(grown, 256), Integer.MAX_VALUE - 16));
        }
    }

    private void unmaskInto(byte[] src, int from, int n, byte[] dst, int at) {
        if (!masked) {
            System.arraycopy(src, from, dst, at, n);
            return;
        }
        int m = maskIndex;
        for (int k = 0; k < n; k++) {
            dst[at + k] = (byte) (src[from + k] ^ mask[m]);
            m = (m + 1) & 3;
        }
        maskIndex = m;
    }
}
