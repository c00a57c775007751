package dev.partyflare.emulator.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The permessage-deflate answers observed on workerd 1.20260426.1 for each offer. */
class WebSocketHandshakeTest {
    private static String answer(String offer) {
        WebSocketHandshake.Deflate d = WebSocketHandshake.negotiate(offer);
        return d == null ? null : d.response();
    }

    @Test
    void acceptKeyOfRfc6455() {
        assertThat(WebSocketHandshake.accept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void offersAndAnswers() {
        assertThat(answer(null)).isNull();
        assertThat(answer("permessage-deflate")).isEqualTo("permessage-deflate");
        assertThat(answer("permessage-deflate; client_max_window_bits"))
                .isEqualTo("permessage-deflate; client_max_window_bits=15");
        assertThat(answer("permessage-deflate; client_max_window_bits=10"))
                .isEqualTo("permessage-deflate; client_max_window_bits=10");
        assertThat(answer("permessage-deflate; server_max_window_bits=10"))
                .isEqualTo("permessage-deflate; server_max_window_bits=10");
        assertThat(answer("permessage-deflate; server_no_context_takeover"))
                .isEqualTo("permessage-deflate; server_no_context_takeover");
        assertThat(answer("permessage-deflate; client_no_context_takeover"))
                .isEqualTo("permessage-deflate; client_no_context_takeover");
        assertThat(answer("permessage-deflate; server_no_context_takeover; client_no_context_takeover;"
                        + " server_max_window_bits=9; client_max_window_bits=12"))
                .isEqualTo("permessage-deflate; client_no_context_takeover; server_no_context_takeover;"
                        + " client_max_window_bits=12; server_max_window_bits=9");
        assertThat(answer("permessage-deflate; server_max_window_bits=8"))
                .isEqualTo("permessage-deflate; server_max_window_bits=8");
        assertThat(answer("foo, permessage-deflate; client_max_window_bits=11"))
                .isEqualTo("permessage-deflate; client_max_window_bits=11");
        assertThat(answer("permessage-deflate; server_max_window_bits=10, permessage-deflate"))
                .isEqualTo("permessage-deflate; server_max_window_bits=10");
        assertThat(answer("permessage-deflate; bogus, permessage-deflate; client_max_window_bits=9"))
                .isEqualTo("permessage-deflate; client_max_window_bits=9");
        assertThat(answer("permessage-deflate;client_max_window_bits=10"))
                .isEqualTo("permessage-deflate; client_max_window_bits=10");
        assertThat(answer("permessage-deflate; client_max_window_bits=0xa"))
                .isEqualTo("permessage-deflate; client_max_window_bits=10");
    }

    @Test
    void invalidOffersAreDeclined() {
        for (String offer : new String[] {
            "permessage-deflate; server_max_window_bits=16",
            "permessage-deflate; client_max_window_bits=7",
            "permessage-deflate; bogus_param",
            "permessage-deflate; server_max_window_bits",
            "permessage-deflate; client_max_window_bits; client_max_window_bits",
            "permessage-deflate; client_max_window_bits=",
            "permessage-deflate; server_no_context_takeover=1",
            "x-webkit-deflate-frame",
            "PerMessage-Deflate",
            "permessage-deflate; client_max_window_bits=\"10\"",
            "permessage-deflate; client_max_window_bits=-10",
            "permessage-deflate; a; b; c; d; e"
        }) {
            assertThat(answer(offer)).as(offer).isNull();
        }
    }
}
