package dev.partyflare.emulator.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Invalid UTF-8 replaced as workerd delivers it (observed: the echo of each sequence in a text frame). */
class Utf8Test {
    private static String roundTrip(String hex) {
        byte[] in = HexFormat.of().parseHex(hex);
        return HexFormat.of().formatHex(Utf8.decode(in).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void replacementsAsWorkerdMakesThem() {
        assertThat(roundTrip("e69741")).isEqualTo("efbfbd41");
        assertThat(roundTrip("f09f9841")).isEqualTo("efbfbd41");
        assertThat(roundTrip("eda080")).isEqualTo("efbfbdefbfbdefbfbd");
        assertThat(roundTrip("c080")).isEqualTo("efbfbdefbfbd");
        assertThat(roundTrip("f4908080")).isEqualTo("efbfbdefbfbdefbfbdefbfbd");
        assertThat(roundTrip("8041")).isEqualTo("efbfbd41");
        assertThat(roundTrip("41e697")).isEqualTo("41efbfbd");
        assertThat(roundTrip("f888808080")).isEqualTo("efbfbdefbfbdefbfbdefbfbdefbfbd");
        assertThat(roundTrip("e08080")).isEqualTo("efbfbdefbfbdefbfbd");
        assertThat(roundTrip("f0808080")).isEqualTo("efbfbdefbfbdefbfbdefbfbd");
        assertThat(roundTrip("e64197ffc3a9")).isEqualTo("efbfbd41efbfbdefbfbdc3a9");
        assertThat(roundTrip("61fffe62")).isEqualTo("61efbfbdefbfbd62");
    }

    @Test
    void validTextIsDecodedAsIs() {
        String s = "hello 日本 😀 é";
        assertThat(Utf8.decode(s.getBytes(StandardCharsets.UTF_8))).isEqualTo(s);
        assertThat(Utf8.decode(new byte[0])).isEmpty();
        assertThat(Utf8.decode("abc".getBytes(StandardCharsets.UTF_8), 1, 1)).isEqualTo("b");
    }
}
