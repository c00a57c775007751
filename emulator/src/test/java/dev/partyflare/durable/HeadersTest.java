package dev.partyflare.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        // lists of one value and of several behave alike: unmodifiable, and asking for null is no error
        assertThat(h.getAll("content-type").contains(null)).isFalse();
        assertThat(h.getAll("x-multi").contains(null)).isFalse();
        assertThatThrownBy(() -> h.getAll("content-type").add("x")).isInstanceOf(UnsupportedOperationException.class);
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

    @Test
    void setReplacesANamesValuesInThePlaceOfItsFirstAndRemoveKeepsTheOthersOrder() {
        Headers.Builder b = Headers.builder()
                .add("a", "1")
                .add("b", "2")
                .add("A", "3")
                .add("c", "4")
                .add("a", "5");
        Headers before = b.build();
        Headers set = b.set("a", "x").build();
        assertThat(set.names()).containsExactly("a", "b", "c");
        assertThat(set.getAll("a")).containsExactly("x");
        assertThat(set.get("a")).hasValue("x");
        Headers removed = b.add("d", "6").add("a", "7").remove("b").build();
        List<String> lines = new ArrayList<>();
        removed.forEachValue((name, value) -> lines.add(name + "=" + value));
        assertThat(lines).containsExactly("a=x", "c=4", "d=6", "a=7");
        assertThat(removed.get("a")).hasValue("x, 7");
        // the headers built before were not touched by the changes after them
        assertThat(before.get("a")).hasValue("1, 3, 5");
        assertThat(before.asMap())
                .containsExactly(
                        Map.entry("a", List.of("1", "3", "5")),
                        Map.entry("b", List.of("2")),
                        Map.entry("c", List.of("4")));
    }

    @Test
    void addAllAppendsEachNamesValuesAfterThoseAlreadyThere() {
        Headers other = Headers.of("X-B", "2", "x-a", "3", "x-b", "4");
        Headers h = Headers.builder().add("x-a", "1").addAll(other).build();
        assertThat(h.names()).containsExactly("x-a", "x-b");
        assertThat(h.getAll("x-a")).containsExactly("1", "3");
        assertThat(h.getAll("X-b")).containsExactly("2", "4");
        assertThat(h.spelling("x-b")).isEqualTo("X-B");
        assertThat(h).isEqualTo(Headers.of("x-a", "1", "x-a", "3", "x-b", "2", "x-b", "4"));
        assertThat(h.hashCode())
                .isEqualTo(Headers.of("x-a", "1", "x-a", "3", "x-b", "2", "x-b", "4")
                        .hashCode());
        assertThat(Headers.builder().addAll(Headers.empty()).build()).isSameAs(Headers.empty());
    }

    @Test
    void manyHeadersGrowTheBuilder() {
        Headers.Builder b = Headers.builder();
        for (int i = 0; i < 100; i++) {
            b.add("h" + (i % 10), Integer.toString(i));
        }
        Headers h = b.build();
        assertThat(h.names()).hasSize(10);
        assertThat(h.getAll("h3")).hasSize(10).startsWith("3", "13").endsWith("93");
        assertThat(h.without("h3").has("h3")).isFalse();
        assertThat(h.getAll("h3")).hasSize(10);
        // as a request with a huge head arrives: lower-case names, each new
        Headers.Builder request = Headers.builder();
        for (int i = 0; i < 20_000; i++) {
            request.add("x-" + i, "v");
        }
        Headers big = request.add("X-Late", "w").build();
        assertThat(big.names()).hasSize(20_001);
        assertThat(big.get("x-19999")).hasValue("v");
        assertThat(big.spelling("x-late")).isEqualTo("X-Late");
        assertThat(Headers.builder().addAll(big).build().spelling("x-late")).isEqualTo("X-Late");
    }
}
