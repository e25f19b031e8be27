package io.sluice.peer.fuzz;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The blow-up check catches a quadratic parser and passes a linear one. */
class WorkPerByteTest {

    private static final byte[] INPUT = ("\u0000\u0002ab").getBytes(StandardCharsets.ISO_8859_1);

    private static long sink;

    @Test
    void aQuadraticParserFails() {
        assertThatThrownBy(() -> WorkPerByte.check("quadratic", INPUT, 32 << 10, d -> {
            long s = 0;
            for (int i = 0; i < d.length; i++) {
                for (int j = 0; j < i; j += 2) {
                    s += d[j] ^ d[i];
                }
            }
            sink += s;
        })).isInstanceOf(AssertionError.class).hasMessageContaining("quadratic");
    }

    @Test
    void aLinearParserPasses() {
        assertThatCode(() -> WorkPerByte.check("linear", INPUT, 16 << 20, d -> {
            long s = 0;
            for (int k = 0; k < 8; k++) {
                for (byte b : d) {
                    s = s * 31 + b;
                }
            }
            sink += s;
        })).doesNotThrowAnyException();
    }
}
