package io.sluice.peer.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PacketKindTest {

    @ParameterizedTest(name = "first byte {0} is {1}")
    @CsvSource({"0,STUN", "1,STUN", "3,STUN", "4,UNKNOWN", "16,ZRTP", "19,ZRTP", "20,DTLS", "22,DTLS", "63,DTLS",
            "64,TURN_CHANNEL", "79,TURN_CHANNEL", "80,UNKNOWN", "127,UNKNOWN", "128,RTP", "191,RTP", "192,UNKNOWN",
            "255,UNKNOWN"})
    void classifiesByFirstByte(int first, PacketKind kind) {
        assertThat(PacketKind.classify(new byte[] {(byte) first, 0, 0})).isEqualTo(kind);
    }

    @org.junit.jupiter.api.Test
    void emptyIsUnknown() {
        assertThat(PacketKind.classify(new byte[0])).isEqualTo(PacketKind.UNKNOWN);
    }
}
