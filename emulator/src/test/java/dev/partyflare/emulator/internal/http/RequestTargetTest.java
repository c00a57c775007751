package dev.partyflare.emulator.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Request targets turned into the path and query a Worker sees on workerd (WHATWG URL parsing). */
class RequestTargetTest {
    @Test
    void plainTargetsAreKept() {
        assertThat(RequestTarget.normalize("/raw/RAW/x/echo?a=1&b=%20x")).isEqualTo("/raw/RAW/x/echo?a=1&b=%20x");
        assertThat(RequestTarget.normalize("/")).isEqualTo("/");
        assertThat(RequestTarget.normalize("//raw/x")).isEqualTo("//raw/x");
    }

    @Test
    void dotSegmentsAndBackslashesAreResolved() {
        assertThat(RequestTarget.normalize("/nope/../raw/RAW/x/info")).isEqualTo("/raw/RAW/x/info");
        assertThat(RequestTarget.normalize("/raw/RAW/x/./info")).isEqualTo("/raw/RAW/x/info");
        assertThat(RequestTarget.normalize("/raw/RAW/x/%2e/info")).isEqualTo("/raw/RAW/x/info");
        assertThat(RequestTarget.normalize("/nope/%2E%2e/raw")).isEqualTo("/raw");
        assertThat(RequestTarget.normalize("/raw\\RAW\\x\\info")).isEqualTo("/raw/RAW/x/info");
        assertThat(RequestTarget.normalize("/raw/RAW/x/info/..")).isEqualTo("/raw/RAW/x/");
        assertThat(RequestTarget.normalize("/..")).isEqualTo("/");
        assertThat(RequestTarget.normalize("/a/.")).isEqualTo("/a/");
        assertThat(RequestTarget.normalize("/a/..?q=/../")).isEqualTo("/?q=/../");
    }

    @Test
    void charactersAreEncodedAsTheUrlParserDoes() {
        assertThat(RequestTarget.normalize("/x?q=\u00c3\u00a9")).isEqualTo("/x?q=%C3%A9"); // the bytes of "é"
        assertThat(RequestTarget.normalize("/a b?c d")).isEqualTo("/a%20b?c%20d");
        assertThat(RequestTarget.normalize("/x?a='b")).isEqualTo("/x?a=%27b");
        assertThat(RequestTarget.normalize("/x'y")).isEqualTo("/x'y");
        assertThat(RequestTarget.normalize("/x#frag")).isEqualTo("/x");
        assertThat(RequestTarget.normalize("/x?q=%7c")).isEqualTo("/x?q=%7c");
        // java.net.URI cannot hold these, which the URL parser keeps (the one difference)
        assertThat(RequestTarget.normalize("/x?q=a|b^c")).isEqualTo("/x?q=a%7Cb%5Ec");
        assertThat(RequestTarget.normalize("/x?a=%zz")).isEqualTo("/x?a=%25zz");
    }

    @Test
    void targetsThatAreNotPathsAreRefused() {
        for (String t : new String[] {"*", "http://example.com/x", "?a=1", "raw/x", ""}) {
            assertThatThrownBy(() -> RequestTarget.normalize(t)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
