package io.sluice.peer.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.dtls.DtlsRecordHeader.Verdict;

import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DtlsRecordHeaderTest {

    static byte[] record(int type, int minor, int epoch, long seq, int length, int bodyBytes) {
        byte[] b = new byte[13 + bodyBytes];
        b[0] = (byte) type;
        b[1] = (byte) 0xfe;
        b[2] = (byte) minor;
        b[3] = (byte) (epoch >> 8);
        b[4] = (byte) epoch;
        for (int i = 0; i < 6; i++) {
            b[5 + i] = (byte) (seq >> (40 - 8 * i));
        }
        b[11] = (byte) (length >> 8);
        b[12] = (byte) length;
        return b;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Named.of("handshake DTLS 1.0", record(22, 0xff, 0, 0, 5, 5)), Verdict.OK),
                Arguments.of(Named.of("application data DTLS 1.2", record(23, 0xfd, 1, 7, 40, 40)), Verdict.OK),
                Arguments.of(Named.of("two records", concat(record(20, 0xfd, 0, 1, 1, 1), record(22, 0xfd, 1, 0, 3, 3))), Verdict.OK),
                Arguments.of(Named.of("empty", new byte[0]), Verdict.EMPTY),
                Arguments.of(Named.of("short header", new byte[] {22, (byte) 0xfe, (byte) 0xfd}), Verdict.TRUNCATED_HEADER),
                Arguments.of(Named.of("content type 19", record(19, 0xfd, 0, 0, 1, 1)), Verdict.BAD_CONTENT_TYPE),
                Arguments.of(Named.of("content type 26", record(26, 0xfd, 0, 0, 1, 1)), Verdict.BAD_CONTENT_TYPE),
                Arguments.of(Named.of("TLS 1.2 version", concat(new byte[] {22, 3, 3}, new byte[12])), Verdict.BAD_VERSION),
                Arguments.of(Named.of("DTLS 1.3 minor", record(22, 0xfc, 0, 0, 1, 1)), Verdict.BAD_VERSION),
                Arguments.of(Named.of("zero length", record(22, 0xfd, 0, 0, 0, 0)), Verdict.EMPTY_FRAGMENT),
                Arguments.of(Named.of("length past end", record(22, 0xfd, 0, 0, 10, 9)), Verdict.TRUNCATED_FRAGMENT),
                Arguments.of(Named.of("trailing garbage", concat(record(22, 0xfd, 0, 0, 2, 2), new byte[] {1})), Verdict.TRUNCATED_HEADER),
                Arguments.of(Named.of("huge length", record(23, 0xfd, 1, 0, 0xffff, 0)), Verdict.FRAGMENT_TOO_LONG));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void check(byte[] datagram, Verdict expected) {
        assertThat(DtlsRecordHeader.check(datagram, 0, datagram.length)).isEqualTo(expected);
    }

    @Test
    void peekReadsEveryField() {
        byte[] r = record(23, 0xfd, 0x1234, 0x0102_0304_0506L, 40, 40);
        DtlsRecordHeader h = DtlsRecordHeader.peek(r, 0, r.length);
        assertThat(h).isEqualTo(new DtlsRecordHeader(23, 0xfefd, 0x1234, 0x0102_0304_0506L, 40));
        assertThat(h.isDtlsVersion()).isTrue();
        assertThat(DtlsRecordHeader.peek(r, 0, 12)).isNull();
        assertThat(DtlsRecordHeader.peek(r, 50, 13)).isNull();
        assertThat(DtlsRecordHeader.peek(null, 0, 13)).isNull();
        assertThat(DtlsRecordHeader.peek(r, -1, 13)).isNull();
    }

    @Test
    void badSlicesNeverThrow() {
        byte[] r = record(22, 0xfd, 0, 0, 1, 1);
        assertThat(DtlsRecordHeader.check(null, 0, 3)).isEqualTo(Verdict.EMPTY);
        assertThat(DtlsRecordHeader.check(r, -1, 3)).isEqualTo(Verdict.EMPTY);
        assertThat(DtlsRecordHeader.check(r, 10, 100)).isEqualTo(Verdict.EMPTY);
        assertThat(DtlsRecordHeader.check(r, 0, -5)).isEqualTo(Verdict.EMPTY);
        assertThat(DtlsRecordHeader.check(r, Integer.MAX_VALUE, 2)).isEqualTo(Verdict.EMPTY);
    }

    @Test
    void everyPrefixOfAValidDatagramIsHandled() {
        byte[] d = concat(record(22, 0xfd, 0, 0, 30, 30), record(23, 0xfd, 1, 0, 50, 50));
        new Random(1).nextBytes(new byte[0]);
        for (int n = 0; n <= d.length; n++) {
            Verdict v = DtlsRecordHeader.check(d, 0, n);
            assertThat(v == Verdict.OK).isEqualTo(n == 43 || n == d.length);
        }
    }

    @Test
    void firstByteRange() {
        for (int b = 0; b < 256; b++) {
            assertThat(DtlsRecordHeader.isDtls((byte) b)).isEqualTo(b >= 20 && b <= 63);
        }
    }
}
