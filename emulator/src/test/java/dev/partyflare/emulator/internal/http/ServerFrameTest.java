package dev.partyflare.emulator.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Server frames (RFC 6455 5.2): FIN, no mask, the payload length in 7, 7+16 or 7+64 bits. */
class ServerFrameTest {
    private static byte[] bytes(ByteBuffer[] frame) {
        int n = 0;
        for (ByteBuffer b : frame) {
            n += b.remaining();
        }
        byte[] all = new byte[n];
        int at = 0;
        for (ByteBuffer b : frame) {
            int r = b.remaining();
            b.duplicate().get(all, at, r);
            at += r;
        }
        return all;
    }

    @Test
    void lengthsInEachOfTheThreeForms() {
        for (int n : new int[] {0, 1, 125, 126, 1024, 1025, 65535, 65536, 70000}) {
            byte[] payload = new byte[n];
            for (int i = 0; i < n; i++) {
                payload[i] = (byte) i;
            }
            ByteBuffer[] frame = WebSocketConnection.frame(0x2, n % 2 == 0, payload);
            byte[] f = bytes(frame);
            assertThat(frame)
                    .as("one buffer up to 1 KiB, header and payload after")
                    .hasSize(n <= 1024 ? 1 : 2);
            assertThat(f[0] & 0xff).as("FIN, RSV1, opcode").isEqualTo(0x80 | (n % 2 == 0 ? 0x40 : 0) | 0x2);
            int header;
            if (n < 126) {
                assertThat(f[1] & 0xff).isEqualTo(n);
                header = 2;
            } else if (n <= 0xffff) {
                assertThat(f[1] & 0xff).isEqualTo(126);
                assertThat(((f[2] & 0xff) << 8) | (f[3] & 0xff)).isEqualTo(n);
                header = 4;
            } else {
                assertThat(f[1] & 0xff).isEqualTo(127);
                long length = 0;
                for (int k = 2; k < 10; k++) {
                    length = (length << 8) | (f[k] & 0xff);
                }
                assertThat(length).isEqualTo(n);
                header = 10;
            }
            assertThat(f).hasSize(header + n);
            assertThat(java.util.Arrays.copyOfRange(f, header, f.length)).isEqualTo(payload);
        }
    }
}
