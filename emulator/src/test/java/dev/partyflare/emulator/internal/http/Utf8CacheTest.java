package dev.partyflare.emulator.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A broadcast's text is encoded once for all its sockets; other texts are never given those bytes. */
class Utf8CacheTest {
    @Test
    void oneStringIsEncodedOnceAndAnEqualOrOtherStringGetsItsOwnBytes() {
        String text = "héllo " + System.nanoTime();
        byte[] first = WebSocketConnection.utf8(text);
        assertThat(WebSocketConnection.utf8(text)).isSameAs(first);
        assertThat(first).isEqualTo(text.getBytes(StandardCharsets.UTF_8));

        String equal = new String(text.toCharArray()); // equal, not the same instance
        byte[] own = WebSocketConnection.utf8(equal);
        assertThat(own).isNotSameAs(first).isEqualTo(first);

        byte[] other = WebSocketConnection.utf8("other");
        assertThat(other).isEqualTo("other".getBytes(StandardCharsets.UTF_8));
        assertThat(WebSocketConnection.utf8(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    }
}
