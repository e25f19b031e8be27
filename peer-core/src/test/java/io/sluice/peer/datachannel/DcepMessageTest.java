package io.sluice.peer.datachannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.peer.wire.MalformedPacketException;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** DCEP codec (RFC 8832 §5): named Success and Failure tables, every prefix, and round trips. */
class DcepMessageTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static DcepMessage.Open open(ChannelType t, int prio, long rel, String label, String protocol) {
        return new DcepMessage.Open(t, prio, rel, label, protocol);
    }

    static Stream<Arguments> success() {
        return Stream.of(
                Arguments.of("ACK", "02", DcepMessage.Ack.INSTANCE),
                Arguments.of("OPEN reliable, all zero", "03 00 0000 00000000 0000 0000",
                        open(ChannelType.RELIABLE, 0, 0, "", "")),
                Arguments.of("OPEN reliable label chat, normal priority", "03 00 0100 00000000 0004 0000 63686174",
                        open(ChannelType.RELIABLE, 256, 0, "chat", "")),
                Arguments.of("OPEN rexmit unordered 0 retransmits", "03 81 0100 00000000 0001 0001 61 62",
                        open(ChannelType.PARTIAL_RELIABLE_REXMIT_UNORDERED, 256, 0, "a", "b")),
                Arguments.of("OPEN rexmit ordered 3, UTF-8 label, protocol",
                        "03 01 0080 00000003 0004 0004 63c3a761 6a736f6e",
                        open(ChannelType.PARTIAL_RELIABLE_REXMIT, 128, 3, "c\u00e7a", "json")),
                Arguments.of("OPEN timed ordered 1500 ms, high priority", "03 02 0200 000005dc 0000 0000",
                        open(ChannelType.PARTIAL_RELIABLE_TIMED, 512, 1500, "", "")),
                Arguments.of("OPEN timed unordered, largest parameter", "03 82 0400 ffffffff 0000 0000",
                        open(ChannelType.PARTIAL_RELIABLE_TIMED_UNORDERED, 1024, 0xffffffffL, "", "")),
                Arguments.of("OPEN reliable unordered, parameter kept though ignored",
                        "03 80 ffff 0000002a 0000 0000",
                        open(ChannelType.RELIABLE_UNORDERED, 0xffff, 42, "", "")),
                Arguments.of("OPEN four-byte UTF-8 label", "03 00 0100 00000000 0004 0000 f09f9880",
                        open(ChannelType.RELIABLE, 256, 0, "\uD83D\uDE00", "")),
                Arguments.of("OPEN protocol only", "03 00 0100 00000000 0000 0003 787878",
                        open(ChannelType.RELIABLE, 256, 0, "", "xxx")));
    }

    static Stream<Arguments> failure() {
        return Stream.of(
                Arguments.of("empty", ""),
                Arguments.of("reserved type 0x00", "00"),
                Arguments.of("reserved type 0x01", "01"),
                Arguments.of("unassigned type 0x04", "04"),
                Arguments.of("reserved type 0xff", "ff"),
                Arguments.of("ACK with a trailing byte", "02 00"),
                Arguments.of("OPEN type byte only", "03"),
                Arguments.of("OPEN header of 9 bytes", "03 00 0100 00000000 00"),
                Arguments.of("OPEN header of 11 bytes", "03 00 0100 00000000 0000 00"),
                Arguments.of("OPEN unassigned channel type 0x03", "03 03 0100 00000000 0000 0000"),
                Arguments.of("OPEN reserved channel type 0x7f", "03 7f 0100 00000000 0000 0000"),
                Arguments.of("OPEN unassigned channel type 0x83", "03 83 0100 00000000 0000 0000"),
                Arguments.of("OPEN reserved channel type 0xff", "03 ff 0100 00000000 0000 0000"),
                Arguments.of("OPEN label longer than the message", "03 00 0100 00000000 0005 0000 61626364"),
                Arguments.of("OPEN protocol one byte short", "03 00 0100 00000000 0001 0001 61"),
                Arguments.of("OPEN trailing byte", "03 00 0100 00000000 0000 0000 00"),
                Arguments.of("OPEN padded to four bytes", "03 00 0100 00000000 0001 0000 61 000000"),
                Arguments.of("OPEN lengths 65535 + 65535", "03 00 0100 00000000 ffff ffff 6162"),
                Arguments.of("OPEN label invalid UTF-8 byte", "03 00 0100 00000000 0001 0000 ff"),
                Arguments.of("OPEN label truncated UTF-8 sequence", "03 00 0100 00000000 0001 0000 c3"),
                Arguments.of("OPEN label overlong encoding", "03 00 0100 00000000 0002 0000 c0af"),
                Arguments.of("OPEN label encoded surrogate", "03 00 0100 00000000 0003 0000 eda080"),
                Arguments.of("OPEN protocol lone continuation byte", "03 00 0100 00000000 0000 0001 80"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("success")
    void parsesAndReencodes(String name, String bytes, DcepMessage expected) throws Exception {
        byte[] wire = hex(bytes);
        DcepMessage m = DcepMessage.parse(wire, 0, wire.length);
        assertThat(m).isEqualTo(expected);
        assertThat(m.encode()).isEqualTo(wire);
        assertThat(m.encodedLength()).isEqualTo(wire.length);
        assertThat(expected.encode()).isEqualTo(wire);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("success")
    void parsesInsideALargerArray(String name, String bytes, DcepMessage expected) throws Exception {
        byte[] wire = hex(bytes);
        byte[] framed = new byte[wire.length + 7];
        java.util.Arrays.fill(framed, (byte) 0x55);
        System.arraycopy(wire, 0, framed, 3, wire.length);
        assertThat(DcepMessage.parse(framed, 3, wire.length)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("success")
    void everyPrefixFailsCleanly(String name, String bytes, DcepMessage expected) {
        byte[] wire = hex(bytes);
        for (int n = 0; n < wire.length; n++) {
            int len = n;
            assertThatThrownBy(() -> DcepMessage.parse(wire, 0, len)).as("prefix of %d bytes", n)
                    .isInstanceOf(MalformedPacketException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failure")
    void rejects(String name, String bytes) {
        byte[] wire = hex(bytes);
        assertThatThrownBy(() -> DcepMessage.parse(wire, 0, wire.length))
                .isInstanceOf(MalformedPacketException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failure")
    void everyPrefixOfAFailureFailsCleanly(String name, String bytes) {
        byte[] wire = hex(bytes);
        for (int n = 0; n <= wire.length; n++) {
            int len = n;
            try {
                DcepMessage.parse(wire, 0, len);
            } catch (MalformedPacketException expected) {
                // fine: the only thing allowed to escape
            }
        }
    }

    @Test
    void everyChannelTypeRoundTrips() throws Exception {
        for (ChannelType t : ChannelType.values()) {
            DcepMessage.Open o = open(t, 256, t.reliable() ? 0 : 7, "label-" + t, "proto");
            byte[] wire = o.encode();
            assertThat(wire[1] & 0xff).isEqualTo(t.code());
            assertThat(DcepMessage.parse(wire, 0, wire.length)).isEqualTo(o);
            assertThat(ChannelType.fromCode(t.code())).isEqualTo(t);
            assertThat(ChannelType.of(t.ordered(), t.rexmit() ? 1 : null, t.timed() ? 1 : null)).isEqualTo(t);
        }
    }

    @Test
    void longestLabelAndProtocolRoundTrip() throws Exception {
        String label = "l".repeat(65535);
        String protocol = "\u00e9".repeat(32767) + "p"; // 65535 bytes of UTF-8
        DcepMessage.Open o = open(ChannelType.RELIABLE, 256, 0, label, protocol);
        byte[] wire = o.encode();
        assertThat(wire).hasSize(12 + 65535 + 65535);
        assertThat(DcepMessage.parse(wire, 0, wire.length)).isEqualTo(o);
    }

    @Test
    void constructorRefusesWhatTheWireCannotCarry() {
        assertThatThrownBy(() -> open(ChannelType.RELIABLE, 256, 0, "x".repeat(65536), ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> open(ChannelType.RELIABLE, 256, 0, "", "\u00e9".repeat(32768)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> open(ChannelType.RELIABLE, 65536, 0, "", ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> open(ChannelType.RELIABLE, 256, 1L << 32, "", ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> open(null, 256, 0, "", "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ppidNames() {
        assertThat(Ppid.name(Ppid.DCEP)).isEqualTo("dcep");
        assertThat(Ppid.name(Ppid.STRING_EMPTY)).isEqualTo("string-empty");
        assertThat(Ppid.name(-1)).isEqualTo("ppid-4294967295");
    }
}
