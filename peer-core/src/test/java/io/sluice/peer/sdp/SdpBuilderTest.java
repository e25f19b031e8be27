package io.sluice.peer.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Descriptions built in code, as the JSEP engine will build them. */
class SdpBuilderTest {

    private static final byte[] DIGEST = new byte[32];

    static {
        for (int i = 0; i < DIGEST.length; i++) {
            DIGEST[i] = (byte) (i * 7 + 1);
        }
    }

    static SessionDescription offer() {
        Fingerprint fp = new Fingerprint("sha-256", DIGEST);
        Map<String, String> opusParams = new LinkedHashMap<>();
        opusParams.put("minptime", "10");
        opusParams.put("useinbandfec", "1");
        MediaDescription audio = MediaDescription.builder(MediaDescription.AUDIO, 9, MediaDescription.PROTO_RTP)
                .connection(Connection.unspecified())
                .iceUfrag("abcd")
                .icePwd("0123456789abcdefghijkl")
                .iceOptions("trickle")
                .fingerprint(fp)
                .setup(Setup.ACTPASS)
                .mid("0")
                .extMap(ExtMap.of(1, "urn:ietf:params:rtp-hdrext:sdes:mid"))
                .direction(Direction.SENDRECV)
                .msid(new Msid("-", "track-1"))
                .rtcpMux()
                .codec(RtpMap.of(111, "opus", 48000, 2), Fmtp.of(111, opusParams),
                        List.of(RtcpFeedback.of(111, "transport-cc")))
                .codec(RtpMap.of(0, "PCMU", 8000), null, List.of())
                .ssrc(SsrcAttribute.cname(1234, "cname-1"))
                .build();
        MediaDescription video = MediaDescription.builder(MediaDescription.VIDEO, 9, MediaDescription.PROTO_RTP)
                .connection(Connection.unspecified())
                .mid("1")
                .direction(Direction.SENDONLY)
                .rtcpMux()
                .rtcpRsize()
                .codec(RtpMap.of(96, "VP8", 90000), null,
                        List.of(RtcpFeedback.of(96, "nack"), RtcpFeedback.of(96, "nack", "pli")))
                .codec(RtpMap.of(97, "rtx", 90000), Fmtp.of(97, "apt=96"), List.of())
                .rid(Rid.send("h"))
                .rid(Rid.send("l"))
                .simulcast(Simulcast.sending(List.of("h", "l")))
                .ssrcGroup(new SsrcGroup("FID", List.of(1L, 2L)))
                .build();
        MediaDescription data = MediaDescription.builder(MediaDescription.APPLICATION, 9, MediaDescription.PROTO_SCTP)
                .format(MediaDescription.FORMAT_DATACHANNEL)
                .connection(Connection.unspecified())
                .mid("2")
                .sctpPort(5000)
                .maxMessageSize(262144)
                .candidate(SdpCandidate.host("1", 1, "udp", 2130706431L, "192.0.2.5", 40000))
                .endOfCandidates()
                .build();
        return SessionDescription.builder(Origin.jsep(4611731400430051336L, 2))
                .bundle(List.of("0", "1", "2"))
                .extmapAllowMixed()
                .msidSemantic(new MsidSemantic("WMS", List.of()))
                .media(audio)
                .media(video)
                .media(data)
                .build();
    }

    @Test
    void writesJsepShapedText() {
        String text = offer().toString();
        assertThat(text).startsWith("v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "a=group:BUNDLE 0 1 2\r\na=extmap-allow-mixed\r\na=msid-semantic: WMS\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\nc=IN IP4 0.0.0.0\r\n");
        assertThat(text).contains("a=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\n"
                + "a=fmtp:111 minptime=10;useinbandfec=1\r\na=rtpmap:0 PCMU/8000\r\n");
        assertThat(text).contains("a=fingerprint:sha-256 01:08:0F:16:");
        assertThat(text).contains("m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n");
        assertThat(text).contains("a=rid:h send\r\na=rid:l send\r\na=simulcast:send h;l\r\n");
        assertThat(text).contains("m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n");
        assertThat(text).contains("a=candidate:1 1 udp 2130706431 192.0.2.5 40000 typ host\r\na=end-of-candidates\r\n");
        assertThat(text).endsWith("\r\n").doesNotContain("\n\n");
    }

    @Test
    void builtDescriptionParsesBackToItself() throws Exception {
        SessionDescription built = offer();
        SessionDescription parsed = SdpParser.parse(built.toString());
        assertThat(parsed).isEqualTo(built);
        assertThat(parsed.mids()).containsExactly("0", "1", "2");
        MediaDescription audio = parsed.media().get(0);
        assertThat(audio.fingerprints()).containsExactly(new Fingerprint("SHA-256", DIGEST));
        assertThat(audio.fingerprints().get(0).matches("sha-256", DIGEST)).isTrue();
        assertThat(audio.codec(111).fmtpParameters()).containsEntry("useinbandfec", "1");
        assertThat(audio.codec(0).channels()).isNull();
        assertThat(parsed.iceUfrag(audio)).isEqualTo("abcd");
        assertThat(parsed.media().get(1).simulcast().send()).hasSize(2);
        assertThat(parsed.media().get(2).candidates()).hasSize(1);
        assertThat(parsed.media().get(2).endOfCandidates()).isTrue();
        SdpVectors.touchAll(parsed);
    }

    @Test
    void withersEditCopies() throws Exception {
        SessionDescription d = offer();
        MediaDescription data = d.media().get(2);
        SdpCandidate extra = SdpCandidate.host("2", 1, "udp", 2130706430L, "192.0.2.6", 40001);
        MediaDescription edited = data.withoutAttributes("end-of-candidates").withAttribute(extra.toAttribute())
                .withAttribute(Attribute.flag("end-of-candidates"));
        SessionDescription e = d.withMedia(2, edited).withOrigin(d.origin().withSessionVersion("3"));
        assertThat(e.media().get(2).candidates()).hasSize(2);
        assertThat(e.origin().sessionVersion()).isEqualTo("3");
        assertThat(d.media().get(2).candidates()).hasSize(1);
        assertThat(SdpParser.parse(e.toString())).isEqualTo(e);
        assertThat(e.media().get(0).withPort(0).isRejected()).isTrue();
        assertThat(e.media().get(0).toBuilder().bundleOnly().build().withPort(0).isRejected()).isFalse();
        assertThat(e.toBuilder().build()).isEqualTo(e);
        assertThat(e.withoutAttributes("group").bundleGroups()).isEmpty();
    }

    @Test
    void directionFallsBackToSessionLevel() {
        MediaDescription plain = MediaDescription.builder("audio", 9, "RTP/AVP").format("0").build();
        MediaDescription inactive = plain.toBuilder().direction(Direction.INACTIVE).build();
        SessionDescription d = SessionDescription.builder(Origin.jsep(1, 1)).direction(Direction.RECVONLY)
                .media(plain).media(inactive).build();
        assertThat(d.direction(plain)).isEqualTo(Direction.RECVONLY);
        assertThat(d.direction(inactive)).isEqualTo(Direction.INACTIVE);
        SessionDescription none = d.withoutAttributes("recvonly");
        assertThat(none.direction(plain)).isEqualTo(Direction.SENDRECV);
        assertThat(Direction.SENDONLY.reverse()).isEqualTo(Direction.RECVONLY);
    }

    @Test
    void rejectsValuesThatCannotBeWritten() {
        assertThatThrownBy(() -> Attribute.of("tool", "a\r\nm=evil")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Attribute.of("bad name", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MediaDescription.builder("audio", 70000, "RTP/AVP").format("0").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MediaDescription.builder("audio", 9, "RTP/AVP").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Fingerprint("sha-256", new byte[20])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RtpMap.of(128, "x", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MediaDescription.builder("audio", 9, "RTP/AVP").mid("a b"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void accessorOnHandBuiltMalformedAttributeFailsLoudly() {
        MediaDescription m = MediaDescription.builder("audio", 9, "RTP/AVP").format("0")
                .attribute("candidate", "garbage").build();
        assertThatThrownBy(m::candidates).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a=candidate:garbage");
    }

    @Test
    void typedValueParsers() throws Exception {
        assertThat(Fingerprint.parse("sha-1 " + "AB:".repeat(19) + "ab").digest()).hasSize(20);
        assertThat(Fingerprint.parse("x-new-hash 01:02").digest()).containsExactly(1, 2);
        assertThat(ExtMap.parse("3/sendonly urn:x attr1 attr2")).isEqualTo(
                new ExtMap(3, Direction.SENDONLY, "urn:x", "attr1 attr2"));
        assertThat(RtcpFeedback.parse("* trr-int 100")).isEqualTo(new RtcpFeedback("*", "trr-int", "100"));
        assertThat(RtcpFeedback.parse("* nack").appliesTo(5)).isTrue();
        assertThat(Simulcast.parse("send 1;~2,3 recv 4")).satisfies(s -> {
            assertThat(s.send()).hasSize(2);
            assertThat(s.send().get(1)).containsExactly(new Simulcast.RidRef("2", true),
                    new Simulcast.RidRef("3", false));
            assertThat(s.recv().get(0)).containsExactly(new Simulcast.RidRef("4", false));
        });
        assertThat(Simulcast.parse("send 1;~2,3 recv 4").value()).isEqualTo("send 1;~2,3 recv 4");
        assertThat(Rid.parse("h send pt=96;max-width=1280").restrictionMap())
                .containsEntry("pt", "96").containsEntry("max-width", "1280");
        assertThat(Group.parse("BUNDLE").mids()).isEmpty();
        assertThat(Group.parse("LS a b")).isEqualTo(new Group("LS", List.of("a", "b")));
        assertThat(MsidSemantic.parse("WMS *").value()).isEqualTo(" WMS *");
        assertThat(SsrcAttribute.parse("1 msid:s t").value()).isEqualTo("s t");
        assertThat(SsrcAttribute.parse("4294967295 x").value()).isNull();
        assertThat(Setup.parse("holdconn")).isEqualTo(Setup.HOLDCONN);
        assertThat(Fmtp.parse("101 0-15").parameterMap()).containsEntry("0-15", "");
        assertThatThrownBy(() -> SsrcAttribute.parse("4294967296 cname:x")).isInstanceOf(SdpParseException.class);
    }
}
