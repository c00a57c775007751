package dev.partyflare.durable;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A WebSocket message: text stays text and binary stays binary. */
public sealed interface WebSocketMessage {

    static WebSocketMessage text(String text) {
        return new Text(text);
    }

    static WebSocketMessage binary(byte[] bytes) {
        return new Binary(bytes.clone());
    }

    boolean isText();

    /** The text of a text message, or the bytes decoded as UTF-8. */
    String asText();

    /** The bytes of a binary message, or the text encoded as UTF-8. */
    byte[] asBytes();

    /** Payload size in bytes. */
    int size();

    /** A text frame. */
    record Text(String text) implements WebSocketMessage {
        public Text {
            if (text == null) {
                throw new IllegalArgumentException("text must not be null");
            }
        }

        @Override
        public boolean isText() {
            return true;
        }

        @Override
        public String asText() {
            return text;
        }

        @Override
        public byte[] asBytes() {
            return text.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public int size() {
            return asBytes().length;
        }
    }

    /** A binary frame. The array is owned by the message; {@link #bytes()} returns a copy. */
    record Binary(byte[] data) implements WebSocketMessage {
        public Binary {
            if (data == null) {
                throw new IllegalArgumentException("data must not be null");
            }
        }

        public byte[] bytes() {
            return data.clone();
        }

        @Override
        public boolean isText() {
            return false;
        }

        @Override
        public String asText() {
            return new String(data, StandardCharsets.UTF_8);
        }

        @Override
        public byte[] asBytes() {
            return data.clone();
        }

        @Override
        public int size() {
            return data.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Binary b && Arrays.equals(b.data, data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Binary[" + data.length + " bytes]";
        }
    }
}
