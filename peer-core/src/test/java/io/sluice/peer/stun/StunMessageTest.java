package io.sluice.peer.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.peer.stun.StunAttribute.ErrorCode;
import io.sluice.peer.stun.StunAttribute.Fingerprint;
import io.sluice.peer.stun.StunAttribute.IceControlled;
import io.sluice.peer.stun.StunAttribute.IceControlling;
import io.sluice.peer.stun.StunAttribute.MessageIntegrity;
import io.sluice.peer.stun.StunAttribute.Priority;
import io.sluice.peer.stun.StunAttribute.Raw;
import io.sluice.peer.stun.StunAttribute.Software;
import io.sluice.peer.stun.StunAttribute.UnknownAttributes;
import io.sluice.peer.stun.StunAttribute.UseCandidate;
import io.sluice.peer.stun.StunAttribute.Username;
import io.sluice.peer.stun.StunAttribute.XorMappedAddress;
import io.sluice.peer.time.RandomSource;
import io.sluice.peer.wire.MalformedPacketException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StunMessageTest {

    private static final byte[] KEY = StunMessage.shortTermKey(StunVectors.PASSWORD);

    private static StunMessage parse(byte[] b) throws MalformedPacketException {
        return StunMessage.parse(b, 0, b.length);
    }

    @Test
    void rfc5769SampleRequest() throws Exception {
        StunMessage m = parse(StunVectors.REQUEST);
        assertThat(m.method()).isEqualTo(StunMessage.BINDING);
        assertThat(m.messageClass()).isEqualTo(StunClass.REQUEST);
        assertThat(m.transactionId().toString()).isEqualTo("b7e7a701bc34d686fa87dfae");
        assertThat(m.attribute(Software.class).value()).isEqualTo("STUN test client");
        assertThat(m.attribute(Priority.class).value()).isEqualTo(0x6e0001ffL);
        assertThat(m.attribute(IceControlled.class).tieBreaker()).isEqualTo(0x932ff9b151263b36L);
        assertThat(m.username()).isEqualTo("evtj:h6vY");
        assertThat(m.unknownComprehensionRequired()).isEmpty();
        assertThat(m.verifyIntegrity(KEY)).isTrue();
        assertThat(m.verifyIntegrity(StunMessage.shortTermKey("wrong"))).isFalse();
        assertThat(m.verifyFingerprint()).isTrue();
        // Re-encoding with space padding, as the vector uses, reproduces it byte for byte.
        assertThat(m.encode(KEY, true, (byte) 0x20)).isEqualTo(StunVectors.REQUEST);
        assertThat(m.encode()).hasSize(StunVectors.REQUEST.length);
    }

    @Test
    void rfc5769Ipv4Response() throws Exception {
        StunMessage m = parse(StunVectors.IPV4_RESPONSE);
        assertThat(m.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(m.attribute(Software.class).value()).isEqualTo("test vector");
        assertThat(m.attribute(XorMappedAddress.class).address())
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853));
        assertThat(m.verifyIntegrity(KEY)).isTrue();
        assertThat(m.verifyFingerprint()).isTrue();
        assertThat(m.encode(KEY, true, (byte) 0x20)).isEqualTo(StunVectors.IPV4_RESPONSE);
    }

    @Test
    void rfc5769Ipv6Response() throws Exception {
        StunMessage m = parse(StunVectors.IPV6_RESPONSE);
        assertThat(m.attribute(XorMappedAddress.class).address()).isEqualTo(
                new InetSocketAddress(InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853));
        assertThat(m.verifyIntegrity(KEY)).isTrue();
        assertThat(m.verifyFingerprint()).isTrue();
        assertThat(m.encode(KEY, true, (byte) 0x20)).isEqualTo(StunVectors.IPV6_RESPONSE);
    }

    @Test
    void rfc5769LongTermRequest() throws Exception {
        StunMessage m = parse(StunVectors.LONG_TERM_REQUEST);
        assertThat(m.username()).isEqualTo("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9");
        assertThat(m.attribute(StunAttribute.Realm.class).value()).isEqualTo("example.org");
        assertThat(m.attribute(StunAttribute.Nonce.class).value()).isEqualTo("f//499k954d6OL34oL9FSTvy64sA");
        byte[] key = StunMessage.longTermKey(m.username(), "example.org", "TheMatrIX");
        assertThat(m.verifyIntegrity(key)).isTrue();
        assertThat(m.hasFingerprint()).isFalse();
        assertThat(m.verifyFingerprint()).isFalse();
        assertThat(m.encode(key, false)).isEqualTo(StunVectors.LONG_TERM_REQUEST);
    }

    @Test
    void verbatimEncodeOfParsedVectorKeepsValues() throws Exception {
        StunMessage m = parse(StunVectors.IPV4_RESPONSE);
        StunMessage again = parse(m.encode());
        assertThat(again).isEqualTo(m);
        // Padding differs (zeros instead of spaces) so the old HMAC no longer matches those bytes.
        assertThat(again.verifyIntegrity(KEY)).isFalse();
    }

    @Test
    void looksLikeStun() {
        byte[] v = StunVectors.REQUEST;
        assertThat(StunMessage.looksLikeStun(v, 0, v.length)).isTrue();
        assertThat(StunMessage.looksLikeStun(v, 0, 19)).isFalse();
        byte[] dtls = v.clone();
        dtls[0] = 22;
        assertThat(StunMessage.looksLikeStun(dtls, 0, dtls.length)).isTrue(); // 22 < 64: first bits zero
        byte[] rtp = v.clone();
        rtp[0] = (byte) 0x80;
        assertThat(StunMessage.looksLikeStun(rtp, 0, rtp.length)).isFalse();
        byte[] cookie = v.clone();
        cookie[5] ^= 1;
        assertThat(StunMessage.looksLikeStun(cookie, 0, cookie.length)).isFalse();
        assertThat(StunMessage.looksLikeStun(v, 100, 20)).isFalse();
        assertThat(StunMessage.looksLikeStun(null, 0, 20)).isFalse();
    }

    @Test
    void roundTripEveryAttributeWithIntegrityAndFingerprint() throws Exception {
        TransactionId tx = TransactionId.random(RandomSource.seeded(1));
        StunMessage m = StunMessage.builder(StunMessage.BINDING, StunClass.ERROR_RESPONSE, tx)
                .add(new Username("abcd:efgh"))
                .add(new StunAttribute.MappedAddress(new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 9)))
                .add(new XorMappedAddress(new InetSocketAddress(InetAddress.getByName("::1"), 65535)))
                .add(new ErrorCode(487, "Role Conflict"))
                .add(new UnknownAttributes(List.of(0x7777, 0x0003, 0x1234)))
                .add(new Priority(0xffffffffL))
                .add(new UseCandidate())
                .add(new IceControlling(-1L))
                .add(new IceControlled(Long.MIN_VALUE))
                .add(new Software("sluice"))
                .add(new StunAttribute.Realm("r"))
                .add(new StunAttribute.Nonce("nonce"))
                .add(new Raw(0xC001, new byte[] {1, 2, 3}))
                .build();
        byte[] key = StunMessage.shortTermKey("pw");
        byte[] wire = m.encode(key, true);
        assertThat(wire.length % 4).isZero();
        StunMessage back = parse(wire);
        assertThat(back.verifyIntegrity(key)).isTrue();
        assertThat(back.verifyFingerprint()).isTrue();
        assertThat(back.messageClass()).isEqualTo(StunClass.ERROR_RESPONSE);
        assertThat(back.attributes().subList(0, m.attributes().size())).isEqualTo(m.attributes());
        assertThat(back.attributes().get(back.attributes().size() - 2)).isInstanceOf(MessageIntegrity.class);
        assertThat(back.attributes().get(back.attributes().size() - 1)).isInstanceOf(Fingerprint.class);
        assertThat(back.attribute(ErrorCode.class).code()).isEqualTo(487);

        byte[] tampered = wire.clone();
        tampered[HEADER + 4] ^= 1; // inside USERNAME
        StunMessage t = parse(tampered);
        assertThat(t.verifyIntegrity(key)).isFalse();
        assertThat(t.verifyFingerprint()).isFalse();
    }

    private static final int HEADER = StunMessage.HEADER_LENGTH;

    @Test
    void sha256IntegrityRoundTrip() throws Exception {
        TransactionId tx = TransactionId.random(RandomSource.seeded(2));
        StunMessage m = StunMessage.builder(StunMessage.BINDING, StunClass.REQUEST, tx)
                .add(new Username("a:b")).build();
        byte[] key = StunMessage.shortTermKey("secret");
        StunMessage back = parse(m.encodeSha256(key, true));
        assertThat(back.verifyIntegritySha256(key)).isTrue();
        assertThat(back.verifyIntegritySha256(StunMessage.shortTermKey("other"))).isFalse();
        assertThat(back.verifyIntegrity(key)).isFalse();
        assertThat(back.verifyFingerprint()).isTrue();
    }

    @Test
    void emptyKeyWorks() throws Exception {
        StunMessage m = StunMessage.builder(StunMessage.BINDING, StunClass.REQUEST,
                TransactionId.random(RandomSource.seeded(3))).build();
        StunMessage back = parse(m.encode(new byte[0], false));
        assertThat(back.verifyIntegrity(new byte[0])).isTrue();
    }

    @Test
    void methodAndClassBitsInterleave() throws Exception {
        TransactionId tx = TransactionId.random(RandomSource.seeded(4));
        for (StunClass c : StunClass.values()) {
            for (int method : new int[] {0x001, 0x003, 0x0FF, 0xABC, 0xFFF}) {
                byte[] wire = StunMessage.builder(method, c, tx).build().encode();
                StunMessage back = parse(wire);
                assertThat(back.method()).isEqualTo(method);
                assertThat(back.messageClass()).isEqualTo(c);
            }
        }
        // Binding success response is 0x0101, error 0x0111, indication 0x0011.
        assertThat(StunMessage.builder(1, StunClass.SUCCESS_RESPONSE, tx).build().encode()[1]).isEqualTo((byte) 1);
        assertThat(StunMessage.builder(1, StunClass.ERROR_RESPONSE, tx).build().encode()[1]).isEqualTo((byte) 0x11);
    }

    @Test
    void unknownAttributesAreKeptAndRequiredOnesReported() throws Exception {
        StunMessage m = StunMessage.builder(StunMessage.BINDING, StunClass.REQUEST,
                        TransactionId.random(RandomSource.seeded(5)))
                .add(new Raw(0x7001, new byte[] {9}))
                .add(new Raw(0x8F00, new byte[0]))
                .build();
        StunMessage back = parse(m.encode());
        assertThat(back.unknownComprehensionRequired()).containsExactly(0x7001);
        assertThat(back.attributes()).containsExactly(new Raw(0x7001, new byte[] {9}), new Raw(0x8F00, new byte[0]));
    }

    @Test
    void attributesAfterIntegrityAreIgnored() throws Exception {
        // USERNAME after MESSAGE-INTEGRITY is not processed; FINGERPRINT still is.
        byte[] v = StunVectors.IPV4_RESPONSE;
        int fpAt = v.length - 8;
        byte[] extra = StunVectors.hex("000600046162636400000000".substring(0, 16));
        byte[] msg = new byte[v.length + extra.length];
        System.arraycopy(v, 0, msg, 0, fpAt);
        System.arraycopy(extra, 0, msg, fpAt, extra.length);
        System.arraycopy(v, fpAt, msg, fpAt + extra.length, 8);
        int len = msg.length - HEADER;
        msg[2] = (byte) (len >> 8);
        msg[3] = (byte) len;
        StunMessage m = parse(msg);
        assertThat(m.username()).isNull();
        assertThat(m.verifyIntegrity(KEY)).isTrue();
        assertThat(m.has(Fingerprint.class)).isTrue();
    }

    static Stream<Arguments> malformed() {
        byte[] v = StunVectors.REQUEST;
        return Stream.of(
                Arguments.of("empty", new byte[0], "truncated header"),
                Arguments.of("truncated header", Arrays.copyOf(v, 19), "truncated header"),
                Arguments.of("first bits set", with(v, 0, 0x40), "first two bits not zero"),
                Arguments.of("bad cookie", with(v, 4, 0x22), "bad magic cookie"),
                Arguments.of("length not multiple of 4", with(v, 3, 0x57), "length not a multiple of 4"),
                Arguments.of("length beyond datagram", Arrays.copyOf(v, v.length - 4), "length beyond datagram"),
                Arguments.of("trailing bytes", Arrays.copyOf(v, v.length + 4), "bytes after message"),
                Arguments.of("attribute overruns", withLen(header(4), 0, 0x0024, 8), "attribute overruns message"),
                Arguments.of("truncated attribute header", withRaw(header(4), "00240000"),
                        "PRIORITY length 0, expected 4"),
                Arguments.of("bad XOR address family", withRaw(header(8), "0020000400030000"),
                        "address family 3"),
                Arguments.of("IPv4 address too long", withRaw(header(16), "0020000c0001000001020304 05060708"
                        .replace(" ", "")), "address length 12 for family 1"),
                Arguments.of("IPv6 address too short", withRaw(header(12), "0001000800020000 01020304"
                        .replace(" ", "")), "address length 8 for family 2"),
                Arguments.of("bad PRIORITY length", withRaw(header(12), "0024000800000001 00000002"
                        .replace(" ", "")), "PRIORITY length 8, expected 4"),
                Arguments.of("USE-CANDIDATE with value", withRaw(header(8), "0025000400000000"),
                        "USE-CANDIDATE length 4, expected 0"),
                Arguments.of("ICE-CONTROLLING short", withRaw(header(8), "802a000400000000"),
                        "ICE-CONTROLLING length 4, expected 8"),
                Arguments.of("MESSAGE-INTEGRITY short", withRaw(header(20),
                        "000800100000000000000000000000000000 0000".replace(" ", "")), "MESSAGE-INTEGRITY length 16"),
                Arguments.of("FINGERPRINT long", withRaw(header(12), "8028000800000000 00000000"
                        .replace(" ", "")), "FINGERPRINT length 8"),
                Arguments.of("error class 7", withRaw(header(8), "0009000400000701"), "ERROR-CODE 7/1"),
                Arguments.of("error number 100", withRaw(header(8), "0009000400000464"), "ERROR-CODE 4/100"),
                Arguments.of("error code short", withRaw(header(8), "0009000200000000"), "ERROR-CODE length 2"),
                Arguments.of("odd UNKNOWN-ATTRIBUTES", withRaw(header(8), "000a000300010200"),
                        "UNKNOWN-ATTRIBUTES odd length"),
                Arguments.of("attribute after FINGERPRINT", withRaw(header(12), "8028000400000000 80220000"
                        .replace(" ", "")), "attribute after FINGERPRINT"),
                Arguments.of("too many attributes", tooMany(), "too many attributes"),
                Arguments.of("username too long", longUsername(), "USERNAME too long"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformed(String name, byte[] input, String reason) {
        assertThatThrownBy(() -> parse(input))
                .isInstanceOf(MalformedPacketException.class)
                .satisfies(e -> assertThat(((MalformedPacketException) e).reason()).startsWith(reason));
    }

    @Test
    void everyPrefixAndBitFlipOfEveryVectorParsesOrFailsCleanly() {
        for (byte[] v : List.of(StunVectors.REQUEST, StunVectors.IPV4_RESPONSE, StunVectors.IPV6_RESPONSE,
                StunVectors.LONG_TERM_REQUEST)) {
            for (int n = 0; n <= v.length; n++) {
                tryParse(Arrays.copyOf(v, n));
            }
            for (int i = 0; i < v.length * 8; i++) {
                byte[] f = v.clone();
                f[i / 8] ^= (byte) (1 << (i % 8));
                tryParse(f);
            }
        }
    }

    private static void tryParse(byte[] b) {
        try {
            StunMessage m = parse(b);
            m.verifyIntegrity(KEY);
            m.verifyIntegritySha256(KEY);
            m.verifyFingerprint();
            m.encode();
        } catch (MalformedPacketException expected) {
            // fine
        }
    }

    @Test
    void parseHonoursOffset() throws Exception {
        byte[] v = StunVectors.IPV4_RESPONSE;
        byte[] buf = new byte[v.length + 10];
        System.arraycopy(v, 0, buf, 7, v.length);
        StunMessage m = StunMessage.parse(buf, 7, v.length);
        assertThat(m.verifyIntegrity(KEY)).isTrue();
        assertThat(m.verifyFingerprint()).isTrue();
        assertThatThrownBy(() -> StunMessage.parse(buf, 7, buf.length)).isInstanceOf(MalformedPacketException.class);
    }

    // --- helpers for the failure table ---

    private static byte[] with(byte[] v, int index, int value) {
        byte[] c = v.clone();
        c[index] = (byte) value;
        return c;
    }

    /** A Binding request header declaring {@code bodyLength} bytes, followed by that many zeros. */
    private static byte[] header(int bodyLength) {
        byte[] h = new byte[HEADER + bodyLength];
        h[1] = 1;
        h[2] = (byte) (bodyLength >> 8);
        h[3] = (byte) bodyLength;
        h[4] = 0x21;
        h[5] = 0x12;
        h[6] = (byte) 0xa4;
        h[7] = 0x42;
        return h;
    }

    private static byte[] withRaw(byte[] h, String bodyHex) {
        byte[] body = StunVectors.hex(bodyHex);
        System.arraycopy(body, 0, h, HEADER, body.length);
        return h;
    }

    private static byte[] withLen(byte[] h, int at, int type, int len) {
        h[HEADER + at] = (byte) (type >> 8);
        h[HEADER + at + 1] = (byte) type;
        h[HEADER + at + 2] = (byte) (len >> 8);
        h[HEADER + at + 3] = (byte) len;
        return h;
    }

    private static byte[] tooMany() {
        byte[] h = header(4 * (StunMessage.MAX_ATTRIBUTES + 1));
        for (int i = 0; i <= StunMessage.MAX_ATTRIBUTES; i++) {
            withLen(h, 4 * i, 0x8F00, 0);
        }
        return h;
    }

    private static byte[] longUsername() {
        byte[] h = header(4 + 516);
        withLen(h, 0, 0x0006, 516);
        Arrays.fill(h, HEADER + 4, h.length, (byte) 'a');
        return h;
    }
}
