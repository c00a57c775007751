package dev.partyflare.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeadersTest {
    @Test
    void namesAreCaseInsensitiveAndValuesJoin() {
        Headers h = Headers.builder()
                .add("X-Multi", "a")
                .add("x-multi", "b")
                .set("Content-Type", "text/plain")
                .build();
        assertThat(h.get("x-MULTI")).hasValue("a, b");
        assertThat(h.getAll("X-Multi")).containsExactly("a", "b");
        assertThat(h.names()).containsExactly("x-multi", "content-type");
        assertThat(h.get("missing")).isEmpty();
    }

    @Test
    void builtHeadersNeverChangeWhenTheBuilderGoesOn() {
        Headers.Builder b = Headers.builder().add("a", "1");
        Headers first = b.build();
        b.add("a", "2").set("b", "x").remove("c");
        Headers second = b.build();
        b.remove("a");
        Headers third = b.build();
        assertThat(first.getAll("a")).containsExactly("1");
        assertThat(first.has("b")).isFalse();
        assertThat(second.getAll("a")).containsExactly("1", "2");
        assertThat(second.get("b")).hasValue("x");
        assertThat(third.has("a")).isFalse();
        assertThatThrownBy(() -> first.getAll("a").add("3")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> first.asMap().remove("a")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void derivedHeadersLeaveTheOriginalAlone() {
        Headers h = Headers.of("a", "1");
        Headers more = h.withAdded("a", "2").with("b", "3").without("zz");
        assertThat(h.getAll("a")).containsExactly("1");
        assertThat(more.getAll("a")).containsExactly("1", "2");
        assertThat(more.get("b")).hasValue("3");
        assertThat(h).isEqualTo(Headers.of("A", "1"));
    }

    @Test
    void invalidNamesAndValuesAreRefused() {
        for (String bad : new String[] {"", "a b", "a:b", "é", "a\u007f", "(x)"}) {
            assertThatThrownBy(() -> Headers.builder().add(bad, "v"))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Headers.builder().add("x", "a\r\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Headers.builder()
                        .add("X-Token!#$%&'*+-.^_`|~", " v ")
                        .build()
                        .get("x-token!#$%&'*+-.^_`|~"))
                .hasValue("v");
    }

    @Test
    void theCodesSpellingIsKeptForTheWireWhileNamesReadInLowerCase() {
        Headers h = Headers.builder()
                .add("X-Zed", "1")
                .add("x-ZED", "2")
                .add("x-alpha", "3")
                .build();
        assertThat(h.names()).containsExactly("x-zed", "x-alpha");
        assertThat(h.spelling("x-zed")).isEqualTo("X-Zed"); // the first spelling given
        assertThat(h.spelling("X-ALPHA")).isEqualTo("x-alpha");
        assertThat(h.with("X-Other", "4").spelling("x-other")).isEqualTo("X-Other");
        assertThat(h.without("x-zed").toBuilder().add("x-zed", "5").build().spelling("X-Zed"))
                .isEqualTo("x-zed");
        assertThat(Headers.builder().addAll(h).build().spelling("x-zed")).isEqualTo("X-Zed");
        assertThat(h).isEqualTo(Headers.of("x-zed", "1", "x-zed", "2", "x-alpha", "3"));
    }
}
