package dev.partyflare.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    record Point(int x, String label) {}

    @Test
    void stringifyWritesAsTheBodyCodecDoes() {
        Map<String, Object> v = Map.of("topic", "t", "data", List.of(1, "ü"));
        assertThat(Json.stringify(v)).isEqualTo(Response.json(v).text());
        assertThat(Json.stringify(new Point(3, "a"))).isEqualTo("{\"x\":3,\"label\":\"a\"}");
    }

    @Test
    void parseReadsPlainValuesAndTypes() {
        assertThat(Json.parse("{\"a\":[1,true,null,\"ü\"]}", Object.class))
                .isEqualTo(
                        Request.post("http://x/", "{\"a\":[1,true,null,\"ü\"]}").json(Object.class));
        assertThat(Json.parse("{\"x\":3,\"label\":\"a\"}", Point.class)).isEqualTo(new Point(3, "a"));
    }

    @Test
    void parseRefusesWhatIsNotJson() {
        assertThatThrownBy(() -> Json.parse("{nope", Object.class)).isInstanceOf(IllegalArgumentException.class);
    }
}
