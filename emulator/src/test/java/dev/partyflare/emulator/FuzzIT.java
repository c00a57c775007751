package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bounded, seeded fuzzing of what reaches the server: malformed requests and headers, hostile paths
 * and names, and malformed WebSocket frames. The server must answer each case (or close), never hang
 * or crash, and other objects keep their data. Seed: {@code -Dpartyflare.fuzz.seed}; cases: {@code
 * -Dpartyflare.fuzz.cases}.
 */
class FuzzIT {
    static Emulator emu;
    static final long SEED = Long.getLong("partyflare.fuzz.seed", 20261123L);
    static final int CASES = Integer.getInteger("partyflare.fuzz.cases", 1500);

    @BeforeAll
    static void start() {
        emu = TestEmulators.served();
        emu.fetch("/do/STORE/fuzz-witness/put?k=w&v=intact");
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    /** Sends {@code bytes}, half-closes, and reads the answer; returns it (maybe empty) or fails on a hang. */
    static String exchange(byte[] bytes) throws IOException {
        try (Socket s = new Socket("127.0.0.1", emu.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(bytes);
                out.flush();
                s.shutdownOutput();
            } catch (IOException e) {
                return "<closed while sending>";
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            try {
                int n;
                while ((n = in.read(buf)) > 0 && got.size() < 65536) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server neither answered nor closed within 10 s for: "
                        + new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                // reset: an acceptable way to refuse
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static final String[] HOSTILE_NAMES = {
        "..",
        "%2e%2e",
        "..%2F..%2Fetc%2Fpasswd",
        "%00",
        "a%00b",
        "%zz",
        "%",
        "%e2%28%a1",
        "%ff%fe",
        "a/../../b",
        "%2F",
        "CON",
        "nul",
        "%C0%AE%C0%AE",
        "x".repeat(8192),
        "\u00e9t\u00e9"
    };

    static byte[] randomHttp(Random r) {
        int kind = r.nextInt(8);
        String req;
        switch (kind) {
            case 0 -> {
                byte[] garbage = new byte[1 + r.nextInt(300)];
                r.nextBytes(garbage);
                return garbage;
            }
            case 1 -> req = "GARBAGE " + r.nextInt() + " HTTP/1.1\r\nHost: x\r\n\r\n";
            case 2 ->
                req = "GET / HTTP/1.1\r\nHost: x\r\n" + "X-" + r.nextInt(1000)
                        + (r.nextBoolean() ? " no colon" : ": \u0001\u0002") + "\r\n\r\n";
            case 3 ->
                req = "GET /do/STORE/" + HOSTILE_NAMES[r.nextInt(HOSTILE_NAMES.length)]
                        + "/inc HTTP/1.1\r\nHost: x\r\n\r\n";
            case 4 ->
                req = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + (r.nextBoolean() ? "-5" : "abc")
                        + "\r\n\r\nbody";
            case 5 ->
                req = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + Integer.toHexString(r.nextInt(100)) + "\r\nxyz\r\nZZ\r\n";
            case 6 ->
                req =
                        "GET /do/PROBE/fuzz/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: "
                                + r.nextInt(20) + "\r\n\r\n";
            default ->
                req = "GET /" + "%".repeat(r.nextInt(5)) + Integer.toHexString(r.nextInt())
                        + " HTTP/1.1\r\nHost: x\r\n\r\n";
        }
        return req.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void malformedHttpNeverHangsOrCrashes() throws Exception {
        Random r = new Random(SEED);
        int answered = 0;
        for (int i = 0; i < CASES; i++) {
            String answer = exchange(randomHttp(r));
            if (answer.startsWith("HTTP/1.1 ")) {
                answered++;
                int status = Integer.parseInt(answer.substring(9, 12));
                assertThat(status).as("case %d", i).isBetween(100, 599);
                assertThat(answer).doesNotContain("\tat dev.partyflare.emulator.internal");
            }
        }
        assertThat(answered).isGreaterThan(CASES / 2);
        assertThat(exchange("GET /x HTTP/1.1\r\nHost: x\r\nX-Big: "
                        .concat("a".repeat(1 << 20))
                        .concat("\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1)))
                .matches("(?s)(HTTP/1\\.1 4\\d\\d.*|<closed while sending>|)");
        stillHealthy();
    }

    static byte[] handshake(String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, long declaredLength) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
        long len = declaredLength >= 0 ? declaredLength : payload.length;
        if (len < 126) {
            out.write(0x80 | (int) len);
        } else if (len < 65536) {
            out.write(0x80 | 126);
            out.write((int) (len >> 8));
            out.write((int) len);
        } else {
            out.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) (len >> (8 * i)));
            }
        }
        byte[] mask = {1, 2, 3, 4};
        out.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i % 4]);
        }
        return out.toByteArray();
    }

    static byte[] randomFrames(Random r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(handshake("/do/PROBE/fuzz-ws-" + r.nextInt(20) + "/ws"));
        int frames = 1 + r.nextInt(4);
        for (int f = 0; f < frames; f++) {
            byte[] payload = new byte[r.nextInt(200)];
            r.nextBytes(payload);
            switch (r.nextInt(7)) {
                case 0 -> out.writeBytes(frame(true, 0, 3 + r.nextInt(5), payload, -1)); // reserved data opcodes
                case 1 ->
                    out.writeBytes(
                            frame(true, 1 + r.nextInt(7), 1, "hi".getBytes(StandardCharsets.UTF_8), -1)); // RSV bits
                case 2 -> out.writeBytes(frame(false, 0, 9, payload, -1)); // fragmented ping
                case 3 -> out.writeBytes(frame(true, 0, 0, payload, -1)); // continuation without start
                case 4 -> out.writeBytes(frame(true, 0, 1, new byte[] {(byte) 0xc3, (byte) 0x28}, -1)); // invalid UTF-8
                case 5 -> out.writeBytes(frame(true, 0, 2, new byte[0], 1L << 40)); // declared 1 TiB
                default -> out.writeBytes(frame(true, 0, 8, payload, -1)); // close with a random payload
            }
        }
        return out.toByteArray();
    }

    @Test
    void malformedWebSocketFramesNeverHangOrCrash() throws Exception {
        Random r = new Random(SEED + 1);
        List<String> firstLines = new ArrayList<>();
        for (int i = 0; i < CASES / 3; i++) {
            String answer = exchange(randomFrames(r));
            firstLines.add(answer.lines().findFirst().orElse(""));
        }
        assertThat(firstLines).allSatisfy(l -> assertThat(l).matches("HTTP/1\\.1 101 .*|"));
        stillHealthy();
    }

    static void stillHealthy() throws Exception {
        assertThat(emu.fetch("/do/STORE/fuzz-witness/get?k=w").text()).isEqualTo("intact");
        assertThat(emu.fetch("/do/PROBE/fuzz-after-" + System.nanoTime() + "/inc")
                        .text())
                .isEqualTo("1");
        try (WsClient c = WsClient.connect("ws://127.0.0.1:" + emu.port() + "/do/PROBE/fuzz-after-ws/ws")) {
            c.send("still");
            assertThat(c.nextText()).isEqualTo("still");
        }
    }
}
