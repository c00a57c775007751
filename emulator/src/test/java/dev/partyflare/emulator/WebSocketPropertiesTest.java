package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.WebSocket;
import dev.partyflare.durable.WebSocketPair;
import org.junit.jupiter.api.Test;

/** {@code ws.protocol}, {@code ws.extensions}, {@code ws.binaryType} as workerd reports them. */
class WebSocketPropertiesTest {

    @Test
    void theEndsOfAPairReportNoProtocolAndNoExtensions() {
        WebSocketPair pair = new WebSocketPair();
        for (WebSocket ws : new WebSocket[] {pair.client(), pair.server()}) {
            assertThat(ws.protocol()).isEmpty();
            assertThat(ws.extensions()).isEmpty();
        }
    }

    @Test
    void binaryTypeIsBlobByDefaultAndIgnoresInvalidValues() {
        WebSocket ws = new WebSocketPair().server();
        assertThat(ws.binaryType()).isEqualTo("blob");
        ws.binaryType("arraybuffer");
        assertThat(ws.binaryType()).isEqualTo("arraybuffer");
        ws.binaryType("nonsense");
        assertThat(ws.binaryType()).isEqualTo("arraybuffer");
        ws.binaryType("blob");
        assertThat(ws.binaryType()).isEqualTo("blob");
    }
}
