package io.sluice.peer.sctp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.peer.sctp.chunk.AbortChunk;
import io.sluice.peer.sctp.chunk.Chunk;
import io.sluice.peer.sctp.chunk.Chunks;
import io.sluice.peer.sctp.chunk.CookieAckChunk;
import io.sluice.peer.sctp.chunk.CookieEchoChunk;
import io.sluice.peer.sctp.chunk.DataChunk;
import io.sluice.peer.sctp.chunk.ErrorChunk;
import io.sluice.peer.sctp.chunk.ForwardTsnChunk;
import io.sluice.peer.sctp.chunk.HeartbeatAckChunk;
import io.sluice.peer.sctp.chunk.HeartbeatChunk;
import io.sluice.peer.sctp.chunk.IDataChunk;
import io.sluice.peer.sctp.chunk.IForwardTsnChunk;
import io.sluice.peer.sctp.chunk.InitAckChunk;
import io.sluice.peer.sctp.chunk.InitChunk;
import io.sluice.peer.sctp.chunk.OutgoingSsnResetRequestParameter;
import io.sluice.peer.sctp.chunk.ReConfigChunk;
import io.sluice.peer.sctp.chunk.ReconfigurationResponseParameter;
import io.sluice.peer.sctp.chunk.SackChunk;
import io.sluice.peer.sctp.chunk.SctpPacket;
import io.sluice.peer.sctp.chunk.ShutdownAckChunk;
import io.sluice.peer.sctp.chunk.ShutdownChunk;
import io.sluice.peer.sctp.chunk.ShutdownCompleteChunk;
import io.sluice.peer.sctp.chunk.UnknownChunk;
import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Success/Failure tables for every chunk type: parse, check the record, write back the same bytes. */
class SctpChunkCodecTest {

    private static final HexFormat HEX = HexFormat.of();

    /** An INIT as a browser stack sends it: Forward-TSN-Supported, extensions, AUTH parameters, unpadded last. */
    static final String BROWSER_INIT_PACKET = "13881388000000008146" + "9dfc01000056"
            + "55b964a50002000004000800e86d1030c000000480080009c00fc1808200000080020024"
            + "9febbb5c50c9bf759cb12c574fa45a51ba601778" + "27945c31e65d5b0947e22206800400060001000080030006"
            + "80c10000";

    static Stream<Arguments> success() {
        return Stream.of(
                ok("DATA single fragment, padded", "0003001300000001000200030000003361626300",
                        c -> assertThat((DataChunk) c).satisfies(d -> {
                            assertThat(d.tsn()).isEqualTo(1);
                            assertThat(d.streamId()).isEqualTo(2);
                            assertThat(d.ssn()).isEqualTo(3);
                            assertThat(d.ppid()).isEqualTo(51);
                            assertThat(d.payload()).isEqualTo(new byte[] {'a', 'b', 'c'});
                            assertThat(d.beginning() && d.end() && !d.unordered()).isTrue();
                        })),
                ok("DATA unordered middle fragment", "0004001400000002000100000000003561626364",
                        c -> assertThat(((DataChunk) c).unordered()).isTrue()),
                ok("I-DATA first fragment carries the PPID", "400200150000000700050000000000090000003361000000",
                        c -> assertThat((IDataChunk) c).satisfies(d -> {
                            assertThat(d.mid()).isEqualTo(9);
                            assertThat(d.ppid()).isEqualTo(51);
                            assertThat(d.fsn()).isZero();
                        })),
                ok("I-DATA later fragment carries the FSN", "400100150000000800050000000000090000000461000000",
                        c -> assertThat(((IDataChunk) c).fsn()).isEqualTo(4)),
                ok("INIT with Forward-TSN-Supported and extensions (last parameter unpadded)",
                        "0100001f1234567800100000ffffffff00000064c000000480080007c0c08200",
                        c -> assertThat((InitChunk) c).satisfies(i -> {
                            assertThat(i.fields().forwardTsnSupported()).isTrue();
                            assertThat(i.fields().supports(130)).isTrue();
                            assertThat(i.fields().supports(64)).isFalse();
                            assertThat(i.outboundStreams()).isEqualTo(0xffff);
                        })),
                ok("INIT-ACK with a state cookie", "0200001c0000000100010000000100010000000200070008deadbeef",
                        c -> assertThat(((InitAckChunk) c).stateCookie()).isEqualTo(HEX.parseHex("deadbeef"))),
                ok("SACK with two gaps and a duplicate", "0300001c0000000a0001000000020001000200030005000000000009",
                        c -> assertThat((SackChunk) c).satisfies(s -> {
                            assertThat(s.cumulativeTsnAck()).isEqualTo(10);
                            assertThat(s.gaps()).containsExactly(2, 3, 5, 0);
                            assertThat(s.duplicateTsns()).containsExactly(9);
                        }).extracting(SackChunk::gapCount).isEqualTo(2)),
                ok("SACK without gaps", "030000100000000a0000100000000000", c -> assertThat(((SackChunk) c).aRwnd()).isEqualTo(4096)),
                ok("HEARTBEAT", "0400000c0001000801020304", c -> assertThat(((HeartbeatChunk) c).info()).hasSize(4)),
                ok("HEARTBEAT-ACK with odd info", "0500000b0001000701020300",
                        c -> assertThat(((HeartbeatAckChunk) c).info()).hasSize(3)),
                ok("ABORT with T bit and user-initiated cause", "0601000a000c000662790000",
                        c -> assertThat(((AbortChunk) c).describe()).isEqualTo("user initiated abort: by")),
                ok("ABORT without cause", "06000004", c -> assertThat(((AbortChunk) c).tBit()).isFalse()),
                ok("SHUTDOWN", "0700000800000064", c -> assertThat(((ShutdownChunk) c).cumulativeTsnAck()).isEqualTo(100)),
                ok("SHUTDOWN-ACK", "08000004", c -> assertThat(c).isInstanceOf(ShutdownAckChunk.class)),
                ok("ERROR with two causes", "09000014000100080001000000060008ff000004",
                        c -> assertThat(((ErrorChunk) c).causes()).hasSize(2)),
                ok("COOKIE-ECHO odd length", "0a000007aabbcc00", c -> assertThat(((CookieEchoChunk) c).cookie()).hasSize(3)),
                ok("COOKIE-ACK", "0b000004", c -> assertThat(c).isInstanceOf(CookieAckChunk.class)),
                ok("SHUTDOWN-COMPLETE with T bit", "0e010004", c -> assertThat(((ShutdownCompleteChunk) c).tBit()).isTrue()),
                ok("RE-CONFIG outgoing reset of two streams", "82000018000d001400000001000000000000000500010002",
                        c -> assertThat((OutgoingSsnResetRequestParameter) ((ReConfigChunk) c).parameters().get(0))
                                .satisfies(p -> assertThat(p.streamIds()).containsExactly(1, 2))),
                ok("RE-CONFIG response", "820000100010000c0000000100000006",
                        c -> assertThat(((ReconfigurationResponseParameter) ((ReConfigChunk) c).parameters().get(0)).result())
                                .isEqualTo(ReconfigurationResponseParameter.IN_PROGRESS)),
                ok("FORWARD-TSN with a stream entry", "c000000c0000006400030007",
                        c -> assertThat(((ForwardTsnChunk) c).ssns()).containsExactly(7)),
                ok("I-FORWARD-TSN with an unordered entry", "c2000010000000640003000100000009",
                        c -> assertThat(((IForwardTsnChunk) c).unordered()).containsExactly(true)),
                ok("unknown chunk 0xcf (skip and report)", "cf070005ff000000",
                        c -> assertThat((UnknownChunk) c).satisfies(u -> {
                            assertThat(u.stopProcessing()).isFalse();
                            assertThat(u.report()).isTrue();
                        })));
    }

    static Arguments ok(String name, String hex, Consumer<Chunk> check) {
        return Arguments.of(name, hex, check);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("success")
    void parsesAndWritesBack(String name, String hex, Consumer<Chunk> check) throws Exception {
        byte[] bytes = HEX.parseHex(hex);
        ByteReader r = new ByteReader(bytes);
        Chunk c = Chunks.parse(r);
        assertThat(r.hasRemaining()).isFalse();
        check.accept(c);
        ByteWriter w = new ByteWriter();
        c.writeTo(w);
        assertThat(HEX.formatHex(w.toByteArray())).isEqualTo(hex);
        assertThat(c.paddedLength()).isEqualTo(bytes.length);
        // Every strict prefix fails cleanly.
        for (int n = 0; n < bytes.length; n++) {
            int len = n;
            assertThatThrownBy(() -> Chunks.parse(new ByteReader(bytes, 0, len)))
                    .as("prefix %d of %s", n, name).isInstanceOf(MalformedPacketException.class);
        }
    }

    static Stream<Arguments> failure() {
        return Stream.of(
                Arguments.of("chunk length below header", "00000003"),
                Arguments.of("chunk length beyond input", "0b000008"),
                Arguments.of("padding missing", "0a000007aabbcc"),
                Arguments.of("DATA without user data", "0003001000000001000200030000003300"),
                Arguments.of("DATA header truncated", "0003000c0000000100020003"),
                Arguments.of("SACK counts beyond length", "030000140000000a0001000000020001"),
                Arguments.of("SACK trailing bytes", "030000140000000a0000100000000000ffffffff"),
                Arguments.of("SHUTDOWN wrong length", "070000090000006400000000"),
                Arguments.of("COOKIE-ACK with a value", "0b00000800000000"),
                Arguments.of("HEARTBEAT without info parameter", "04000008000200040"),
                Arguments.of("HEARTBEAT info length beyond chunk", "0400000c0001000c01020304"),
                Arguments.of("INIT parameter length below 4", "0100001800000001000100000001000100000001c0000002"),
                Arguments.of("FORWARD-TSN entry truncated", "c000000a000000640003000000"),
                Arguments.of("I-FORWARD-TSN entry truncated", "c200000c0000006400030001"),
                Arguments.of("RE-CONFIG without parameters", "82000004"),
                Arguments.of("RE-CONFIG odd stream list", "82000013000d000f00000001000000000000000500010000"),
                Arguments.of("Forward-TSN-Supported with a value", "0100001c00000001000100000001000100000001c0000008000000000"),
                Arguments.of("error cause length below 4", "0900000800010002"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failure")
    void rejects(String name, String hex) {
        byte[] bytes = HEX.parseHex(hex.length() % 2 == 0 ? hex : hex + "0");
        assertThatThrownBy(() -> {
            ByteReader r = new ByteReader(bytes);
            Chunks.parse(r);
            if (r.hasRemaining()) {
                throw new MalformedPacketException("trailing", r.position());
            }
        }).isInstanceOf(MalformedPacketException.class);
    }

    @Test
    void browserInitPacketParsesWithItsChecksum() throws Exception {
        byte[] p = HEX.parseHex(BROWSER_INIT_PACKET);
        SctpPacket packet = SctpPacket.parse(p, 0, p.length);
        assertThat(packet.sourcePort()).isEqualTo(5000);
        assertThat(packet.chunks()).hasSize(1);
        InitChunk init = (InitChunk) packet.chunks().get(0);
        assertThat(init.fields().forwardTsnSupported()).isTrue();
        assertThat(init.fields().supports(130)).isTrue();
        assertThat(init.inboundStreams()).isEqualTo(2048);
        // Re-encoding gives the same bytes, checksum included.
        assertThat(HEX.formatHex(packet.encode())).isEqualTo(BROWSER_INIT_PACKET);
    }

    @Test
    void badChecksumIsRejected() {
        byte[] p = HEX.parseHex(BROWSER_INIT_PACKET);
        p[20] ^= 1;
        assertThatThrownBy(() -> SctpPacket.parse(p, 0, p.length))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("CRC32c");
        assertThatThrownBy(() -> SctpPacket.parse(p, 0, 12)).isInstanceOf(MalformedPacketException.class);
        for (int n = 0; n < p.length; n++) {
            int len = n;
            assertThatThrownBy(() -> SctpPacket.parse(p, 0, len, false)).isInstanceOf(MalformedPacketException.class);
        }
    }

    @Test
    void packetRoundTripsSeveralChunks() throws Exception {
        SctpPacket packet = new SctpPacket(5000, 5000, 0x01020304, List.of(new CookieAckChunk(),
                new SackChunk(5, 1000, new int[] {2, 2}, new int[0]),
                new DataChunk(6, 1, 0, 51, new byte[] {1, 2, 3, 4, 5}, false, true, true, false)));
        byte[] bytes = packet.encode();
        assertThat(bytes.length % 4).isZero();
        SctpPacket back = SctpPacket.parse(bytes, 0, bytes.length);
        assertThat(back.chunks()).hasSize(3);
        assertThat(back.verificationTag()).isEqualTo(0x01020304);
        assertThat(((DataChunk) back.chunks().get(2)).payload()).containsExactly(1, 2, 3, 4, 5);
    }
}
