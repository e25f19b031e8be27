package io.sluice.peer.mux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PacketKindTest {

    @Test
    void classifiesEveryFirstByteAsRfc7983Says() {
        for (int b = 0; b < 256; b++) {
            PacketKind expected;
            if (b <= 3) {
                expected = PacketKind.STUN;
            } else if (b >= 16 && b <= 19) {
                expected = PacketKind.ZRTP;
            } else if (b >= 20 && b <= 63) {
                expected = PacketKind.DTLS;
            } else if (b >= 64 && b <= 79) {
                expected = PacketKind.TURN_CHANNEL;
            } else if (b >= 128 && b <= 191) {
                expected = PacketKind.RTP_RTCP;
            } else {
                expected = PacketKind.UNKNOWN;
            }
            assertThat(PacketKind.classify((byte) b)).as("byte %d", b).isEqualTo(expected);
            assertThat(PacketKind.isDtls((byte) b)).isEqualTo(expected == PacketKind.DTLS);
        }
    }

    @Test
    void emptyOrBadSlicesAreUnknown() {
        assertThat(PacketKind.classify(new byte[0], 0, 0)).isEqualTo(PacketKind.UNKNOWN);
        assertThat(PacketKind.classify(null, 0, 1)).isEqualTo(PacketKind.UNKNOWN);
        assertThat(PacketKind.classify(new byte[] {22}, 1, 1)).isEqualTo(PacketKind.UNKNOWN);
        assertThat(PacketKind.classify(new byte[] {0, 22}, 1, 1)).isEqualTo(PacketKind.DTLS);
    }
}
