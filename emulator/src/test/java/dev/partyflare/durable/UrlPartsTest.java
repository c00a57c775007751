package dev.partyflare.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UrlPartsTest {
    @Test
    void plainUrlsAreSplitAsUriSplitsThem() {
        for (String url : List.of(
                "http://127.0.0.1:8787/parties/room/a",
                "http://localhost:8787",
                "http://localhost:8787?x=1",
                "https://example.com/a%20b/c?q=%C3%A9&k=v;w",
                "ws://h/p?",
                "wss://h:443/",
                "http://h/a//b/./../c:@&=+$,;",
                "http://h/p?a=/?:@&=+$,;")) {
            UrlParts fast = UrlParts.scan(url);
            assertThat(fast).as(url).isNotNull();
            URI u = URI.create(url);
            assertThat(fast.rawPath()).as(url).isEqualTo(u.getRawPath());
            assertThat(fast.rawQuery()).as(url).isEqualTo(u.getRawQuery());
        }
    }

    @Test
    void unusualUrlsAreLeftToUri() {
        for (String url : List.of(
                "http://user@h/p",
                "http://[::1]:80/p",
                "http://h/p#frag",
                "http://h/a b",
                "http://h/%zz",
                "http://h:/p",
                "mailto:x@y",
                "HTTP://h/p",
                "http://h/p?a=[1]",
                "http://h/é")) {
            assertThat(UrlParts.scan(url)).as(url).isNull();
        }
        assertThat(UrlParts.of("http://h/p?a=[1]").rawQuery()).isEqualTo("a=[1]");
        assertThat(UrlParts.of("http://h/p#frag").rawPath()).isEqualTo("/p");
        assertThatThrownBy(() -> UrlParts.of("http://h/a b")).hasMessageStartingWith("Invalid URL: ");
        assertThatThrownBy(() -> UrlParts.of("/relative")).hasMessageStartingWith("Invalid URL (must be absolute)");
    }

    /** Whatever the scan accepts, URI accepts with the same raw path and query (random URLs). */
    @Test
    void scanNeverDisagreesWithUri() {
        SplittableRandom r = new SplittableRandom(42);
        String alphabet = "aZ09-_.!~*'()%:@&=+$,;/?#[] é\u0000Fb";
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder b = new StringBuilder(r.nextBoolean() ? "http://h" : "https://a.b:8");
            int len = r.nextInt(12);
            for (int k = 0; k < len; k++) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String url = b.toString();
            UrlParts fast = UrlParts.scan(url);
            if (fast == null) {
                continue;
            }
            accepted++;
            URI u = URI.create(url); // must not throw
            assertThat(fast.rawPath()).as(url).isEqualTo(u.getRawPath());
            assertThat(fast.rawQuery()).as(url).isEqualTo(u.getRawQuery());
        }
        assertThat(accepted).isGreaterThan(10_000);
    }
}
