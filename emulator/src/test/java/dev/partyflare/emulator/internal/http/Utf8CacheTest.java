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

    @Test
    void aBroadcastTextIsFramedOnceEachSocketWithItsOwnBuffer() {
        byte[] utf8 = WebSocketConnection.utf8("broadcast " + System.nanoTime());
        java.nio.ByteBuffer[] a = WebSocketConnection.textFrame(utf8);
        java.nio.ByteBuffer[] b = WebSocketConnection.textFrame(utf8);
        assertThat(a).hasSize(1);
        assertThat(b[0].array()).isSameAs(a[0].array());
        assertThat(b[0]).isNotSameAs(a[0]);
        a[0].position(a[0].limit()); // one socket's write does not move another's
        assertThat(b[0].remaining()).isEqualTo(2 + utf8.length);
        assertThat(b[0].get(0)).isEqualTo((byte) 0x81);
        assertThat(b[0].get(1)).isEqualTo((byte) utf8.length);

        byte[] other = WebSocketConnection.utf8("other " + System.nanoTime());
        java.nio.ByteBuffer[] c = WebSocketConnection.textFrame(other);
        assertThat(c[0].array()).isNotSameAs(a[0].array());
        assertThat(java.util.Arrays.copyOfRange(c[0].array(), 2, c[0].limit())).isEqualTo(other);
    }
}
