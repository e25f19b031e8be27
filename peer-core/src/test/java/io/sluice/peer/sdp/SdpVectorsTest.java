package io.sluice.peer.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Real browser SDP: byte-exact round trips and typed accessors with known values. */
class SdpVectorsTest {

    static List<String> vectors() {
        return SdpVectors.NAMES;
    }

    private static SessionDescription parse(String name) throws SdpParseException {
        return SdpParser.parse(SdpVectors.load(name));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void roundTripsByteExact(String name) throws Exception {
        String text = SdpVectors.load(name);
        SessionDescription d = SdpParser.parse(text);
        assertThat(SdpWriter.write(d)).isEqualTo(SdpVectors.crlf(text));
        assertThat(d.toString()).isEqualTo(SdpVectors.crlf(text));
        // bare LF input gives the same model
        assertThat(SdpParser.parse(text.replace("\r\n", "\n"))).isEqualTo(d);
        SdpVectors.touchAll(d);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void typedViewsWriteBackWhatTheyRead(String name) throws Exception {
        SessionDescription d = parse(name);
        for (MediaDescription m : d.media()) {
            for (Attribute a : m.attributes()) {
                String v = a.value();
                switch (a.name()) {
                    case "candidate":
                        assertThat(SdpCandidate.parse(v).value()).isEqualTo(v);
                        break;
                    case "rtpmap":
                        assertThat(RtpMap.parse(v).value()).isEqualTo(v);
                        break;
                    case "fmtp":
                        assertThat(Fmtp.parse(v).value()).isEqualTo(v);
                        break;
                    case "rtcp-fb":
                        assertThat(RtcpFeedback.parse(v).value()).isEqualTo(v);
                        break;
                    case "extmap":
                        assertThat(ExtMap.parse(v).value()).isEqualTo(v);
                        break;
                    case "fingerprint":
                        assertThat(Fingerprint.parse(v).value()).isEqualTo(v);
                        break;
                    case "msid":
                        assertThat(Msid.parse(v).value()).isEqualTo(v);
                        break;
                    case "ssrc":
                        assertThat(SsrcAttribute.parse(v).attributeValue()).isEqualTo(v);
                        break;
                    case "ssrc-group":
                        assertThat(SsrcGroup.parse(v).value()).isEqualTo(v);
                        break;
                    case "rid":
                        assertThat(Rid.parse(v).value()).isEqualTo(v);
                        break;
                    case "sctpmap":
                        assertThat(SctpMap.parse(v).value()).isEqualTo(v);
                        break;
                    case "simulcast":
                        assertThat(Simulcast.parse(v).value()).isEqualTo(v);
                        break;
                    default:
                        break;
                }
            }
        }
        for (Group g : d.groups()) {
            assertThat(d.attributes("group")).contains(g.toAttribute());
        }
    }

    @Test
    void chromiumDataChannelOffer() throws Exception {
        SessionDescription d = parse("chromium-datachannel-offer");
        assertThat(d.origin()).isEqualTo(new Origin("-", "7733228198693415291", "2", "IN", "IP4", "127.0.0.1"));
        assertThat(d.sessionName()).isEqualTo("-");
        assertThat(d.timings()).containsExactly(Timing.permanent());
        assertThat(d.bundleGroups()).containsExactly(Group.bundle(List.of("0")));
        assertThat(d.extmapAllowMixed()).isTrue();
        assertThat(d.msidSemantic()).isEqualTo(new MsidSemantic("WMS", List.of()));
        assertThat(d.media()).hasSize(1);

        MediaDescription m = d.media().get(0);
        assertThat(m.type()).isEqualTo("application");
        assertThat(m.port()).isEqualTo(48888);
        assertThat(m.proto()).isEqualTo(MediaDescription.PROTO_SCTP);
        assertThat(m.formats()).containsExactly("webrtc-datachannel");
        assertThat(m.isSctp()).isTrue();
        assertThat(m.isRtp()).isFalse();
        assertThat(m.connection()).isEqualTo(Connection.ip4("192.0.2.10"));
        assertThat(m.mid()).isEqualTo("0");
        assertThat(m.iceUfrag()).isEqualTo("SguI");
        assertThat(m.icePwd()).isEqualTo("45TS/vNHHjLc4vNv51LdSKXm");
        assertThat(m.iceOptions()).containsExactly("trickle");
        assertThat(d.canTrickle(m)).isTrue();
        assertThat(m.setup()).isEqualTo(Setup.ACTPASS);
        assertThat(m.sctpPort()).isEqualTo(5000);
        assertThat(m.maxMessageSize()).isEqualTo(262144L);
        assertThat(m.fingerprints()).hasSize(1);
        Fingerprint fp = m.fingerprints().get(0);
        assertThat(fp.hashFunction()).isEqualTo("sha-256");
        assertThat(fp.hex()).isEqualTo(
                "12:D8:43:C8:0F:15:B1:3D:A6:05:6B:73:A7:74:AC:65:E0:19:67:91:BC:2C:DB:2F:7D:2D:25:18:E8:2C:C3:84");
        assertThat(fp.digest()).hasSize(32).startsWith((byte) 0x12, (byte) 0xD8);

        List<SdpCandidate> cs = m.candidates();
        assertThat(cs).hasSize(2);
        SdpCandidate udp = cs.get(0);
        assertThat(udp.foundation()).isEqualTo("971817746");
        assertThat(udp.component()).isEqualTo(1);
        assertThat(udp.transport()).isEqualTo("udp");
        assertThat(udp.isUdp()).isTrue();
        assertThat(udp.priority()).isEqualTo(2122260223L);
        assertThat(udp.address()).isEqualTo("192.0.2.10");
        assertThat(udp.port()).isEqualTo(48888);
        assertThat(udp.type()).isEqualTo(CandidateType.HOST);
        assertThat(udp.relatedAddress()).isNull();
        assertThat(udp.generation()).isZero();
        assertThat(udp.extension("network-id")).isEqualTo("1");
        SdpCandidate tcp = cs.get(1);
        assertThat(tcp.isTcp()).isTrue();
        assertThat(tcp.port()).isEqualTo(9);
        assertThat(tcp.tcpType()).isEqualTo("active");
        assertThat(tcp.extensions()).extracting(SdpCandidate.Extension::name)
                .containsExactly("tcptype", "generation", "network-id");
        assertThat(m.endOfCandidates()).isFalse();
    }

    @Test
    void chromiumAudioVideoDataOffer() throws Exception {
        SessionDescription d = parse("chromium-av-dc-offer");
        assertThat(d.mids()).containsExactly("0", "1", "2");
        assertThat(d.bundleGroups()).containsExactly(Group.bundle(List.of("0", "1", "2")));
        assertThat(d.bundleGroupOf("1")).isNotNull();
        assertThat(d.media()).extracting(MediaDescription::type).containsExactly("audio", "video", "application");

        MediaDescription audio = d.mediaByMid("0");
        assertThat(audio.port()).isEqualTo(35245);
        assertThat(audio.formats()).containsExactly("111", "63", "9", "0", "8", "13", "110", "126");
        assertThat(audio.direction()).isEqualTo(Direction.SENDRECV);
        assertThat(audio.rtcpMux()).isTrue();
        assertThat(audio.rtcpRsize()).isTrue();
        assertThat(audio.iceUfrag()).isEqualTo("CJIS");
        assertThat(audio.attributeValue("rtcp")).isEqualTo("9 IN IP4 0.0.0.0");
        List<Codec> codecs = audio.codecs();
        assertThat(codecs).extracting(Codec::name).containsExactly("opus", "red", "G722", "PCMU", "PCMA", "CN",
                "telephone-event", "telephone-event");
        Codec opus = codecs.get(0);
        assertThat(opus.payloadType()).isEqualTo(111);
        assertThat(opus.clockRate()).isEqualTo(48000);
        assertThat(opus.channels()).isEqualTo(2);
        assertThat(opus.fmtp()).isEqualTo("minptime=10;useinbandfec=1");
        assertThat(opus.fmtpParameters()).containsEntry("minptime", "10").containsEntry("useinbandfec", "1");
        assertThat(opus.feedback()).containsExactly(RtcpFeedback.of(111, "transport-cc"));
        assertThat(audio.codec(0).name()).isEqualTo("PCMU");
        assertThat(audio.extMaps()).first().isEqualTo(ExtMap.of(1, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"));
        assertThat(audio.msids()).containsExactly(new Msid("-", "6aaf5756-9ad3-4429-8315-60ac22a56168"));
        assertThat(audio.ssrcs()).containsExactly(
                SsrcAttribute.cname(122644521L, "8RqUaspJ+XzyAE1s"),
                new SsrcAttribute(122644521L, "msid", "- 6aaf5756-9ad3-4429-8315-60ac22a56168"));

        MediaDescription video = d.media().get(1);
        assertThat(video.codecs()).hasSize(23);
        Codec vp8 = video.codec(96);
        assertThat(vp8.name()).isEqualTo("VP8");
        assertThat(vp8.clockRate()).isEqualTo(90000);
        assertThat(vp8.channels()).isNull();
        assertThat(vp8.hasFeedback("nack", "pli")).isTrue();
        assertThat(vp8.hasFeedback("ccm", "fir")).isTrue();
        assertThat(vp8.hasFeedback("nack", null)).isTrue();
        assertThat(video.codec(97).name()).isEqualTo("rtx");
        assertThat(video.codec(97).associatedPayloadType()).isEqualTo(96);
        assertThat(video.codec(45).name()).isEqualTo("AV1");
        assertThat(video.ssrcGroups()).containsExactly(new SsrcGroup("FID", List.of(2380246395L, 1171030598L)));
        assertThat(video.extMaps()).extracting(ExtMap::id).containsExactly(14, 2, 13, 3, 5, 6, 7, 8, 4, 10, 11);

        MediaDescription data = d.media().get(2);
        assertThat(data.codecs()).isEmpty();
        assertThat(data.sctpPort()).isEqualTo(5000);
        for (MediaDescription m : d.media()) {
            assertThat(m.candidates()).hasSize(2);
            assertThat(d.fingerprints(m).get(0).hex()).startsWith("CE:99:DE:19");
        }
    }

    @Test
    void chromiumOfferBeforeGathering() throws Exception {
        SessionDescription d = parse("chromium-av-dc-offer-nogather");
        for (MediaDescription m : d.media()) {
            assertThat(m.port()).isEqualTo(9);
            assertThat(m.connection()).isEqualTo(Connection.unspecified());
            assertThat(m.candidates()).isEmpty();
        }
    }

    @Test
    void chromiumAnswer() throws Exception {
        SessionDescription d = parse("chromium-av-dc-answer");
        assertThat(d.extmapAllowMixed()).isTrue();
        assertThat(d.mids()).containsExactly("0", "1", "2");
        MediaDescription audio = d.media().get(0);
        assertThat(audio.setup()).isEqualTo(Setup.ACTIVE);
        assertThat(audio.direction()).isEqualTo(Direction.RECVONLY);
        assertThat(d.direction(audio)).isEqualTo(Direction.RECVONLY);
        assertThat(audio.candidates()).hasSize(1);
        assertThat(audio.candidates().get(0).port()).isEqualTo(58051);
        MediaDescription video = d.media().get(1);
        assertThat(video.port()).isEqualTo(9);
        assertThat(video.candidates()).isEmpty();
        assertThat(d.iceUfrag(video)).isEqualTo("ucKf");
        assertThat(d.icePwd(video)).isEqualTo("BBCR8tnYWwOJ/JGzeCNRoaCe");
        assertThat(d.media().get(2).setup()).isEqualTo(Setup.ACTIVE);
    }

    @Test
    void chromiumSimulcastOffer() throws Exception {
        SessionDescription d = parse("chromium-simulcast-offer");
        MediaDescription video = d.media().get(0);
        assertThat(video.direction()).isEqualTo(Direction.SENDONLY);
        assertThat(video.rids()).containsExactly(Rid.send("h"), Rid.send("m"), Rid.send("l"));
        Simulcast sc = video.simulcast();
        assertThat(sc).isEqualTo(Simulcast.sending(List.of("h", "m", "l")));
        assertThat(Simulcast.firstRids(sc.send())).containsExactly("h", "m", "l");
        assertThat(sc.recv()).isEmpty();
        assertThat(video.extMaps()).extracting(ExtMap::uri)
                .contains("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id");
    }

    @Test
    void chromiumOfferWithTracks() throws Exception {
        SessionDescription d = parse("chromium-gum-offer");
        String stream = "8343daa1-4711-4483-bfbd-e109d6cddf85";
        assertThat(d.msidSemantic()).isEqualTo(new MsidSemantic("WMS", List.of(stream)));
        MediaDescription audio = d.media().get(0);
        assertThat(audio.msids()).containsExactly(new Msid(stream, "908ec5e1-eb07-4e64-aa1e-0aac4867eea5"));
        MediaDescription video = d.media().get(1);
        assertThat(video.ssrcGroups().get(0).ssrcs()).containsExactly(3981716753L, 3051875742L);
        assertThat(video.ssrcs()).filteredOn(s -> s.attribute().equals("cname"))
                .extracting(SsrcAttribute::value).containsOnly("gAsgHeMkF3D07/92");
    }

    @Test
    void firefoxAudioVideoOffer() throws Exception {
        SessionDescription d = parse("firefox-121-audio-video-offer");
        assertThat(d.origin().username()).isEqualTo("mozilla...THIS_IS_SDPARTA-99.0");
        assertThat(d.origin().address()).isEqualTo("0.0.0.0");
        assertThat(d.fingerprints()).hasSize(1);
        assertThat(d.iceOptions()).containsExactly("trickle");
        assertThat(d.msidSemantic()).isEqualTo(new MsidSemantic("WMS", List.of("*")));
        assertThat(d.bundleGroups().get(0).mids()).containsExactly("0", "1");

        MediaDescription audio = d.media().get(0);
        assertThat(audio.fingerprints()).isEmpty();
        assertThat(d.fingerprints(audio)).containsExactly(Fingerprint.parse(
                "sha-256 75:4F:CA:8F:4F:E4:CE:5E:67:42:D3:DA:0E:E1:87:2A:E5:E3:02:76:30:FC:AB:F0:B4:7E:24:71:18:38:9C:6E"));
        assertThat(audio.iceOptions()).isEmpty();
        assertThat(d.canTrickle(audio)).isTrue();
        assertThat(audio.iceUfrag()).isEqualTo("6c0579ea");
        assertThat(audio.icePwd()).isEqualTo("59efe498b762e472067fa5e134df8722");
        assertThat(audio.setup()).isEqualTo(Setup.ACTPASS);
        assertThat(audio.msids()).containsExactly(new Msid("-", "{ba72adfe-d5b5-42bd-bf15-e8fcdcbb2ee1}"));
        assertThat(audio.extMaps().get(1)).isEqualTo(
                new ExtMap(2, Direction.RECVONLY, "urn:ietf:params:rtp-hdrext:csrc-audio-level", null));
        List<Codec> codecs = audio.codecs();
        assertThat(codecs).extracting(Codec::payloadType).containsExactly(109, 9, 0, 8, 101);
        assertThat(codecs.get(0).name()).isEqualTo("opus");
        assertThat(codecs.get(0).fmtpParameters()).containsEntry("stereo", "1");
        assertThat(codecs.get(1).channels()).isEqualTo(1);
        assertThat(codecs.get(2).channels()).isNull();
        assertThat(codecs.get(4).fmtp()).isEqualTo("0-15");

        MediaDescription video = d.media().get(1);
        assertThat(video.codec(124).name()).isEqualTo("rtx");
        assertThat(video.codec(124).associatedPayloadType()).isEqualTo(120);
        assertThat(video.codec(126).fmtpParameters()).containsEntry("packetization-mode", "1");
        assertThat(video.codec(120).feedback()).hasSize(5);
        assertThat(video.ssrcGroups()).containsExactly(new SsrcGroup("FID", List.of(7463831L, 2513307155L)));
        assertThat(video.rtcpRsize()).isTrue();
    }

    @Test
    void firefoxVideoOfferWithCandidates() throws Exception {
        SessionDescription d = parse("firefox-61-video-offer");
        assertThat(d.direction()).isEqualTo(Direction.SENDRECV);
        assertThat(d.bundleGroups().get(0).mids()).containsExactly("sdparta_0");
        MediaDescription m = d.mediaByMid("sdparta_0");
        assertThat(m.direction()).isEqualTo(Direction.SENDRECV);
        assertThat(m.endOfCandidates()).isTrue();
        List<SdpCandidate> cs = m.candidates();
        assertThat(cs).hasSize(4);
        assertThat(cs.get(0)).isEqualTo(SdpCandidate.host("0", 1, "UDP", 2122252543L, "192.168.99.7", 42738));
        assertThat(cs.get(2).component()).isEqualTo(2);
        assertThat(cs.get(2).port()).isEqualTo(52914);
        assertThat(cs.get(3).isTcp()).isTrue();
        assertThat(cs.get(3).tcpType()).isEqualTo("active");
        assertThat(cs.get(3).generation()).isEqualTo(-1);
        assertThat(m.msids()).containsExactly(new Msid("{38c9a1f0-d360-4ad8-afe3-4d7f6d4ae4e1}",
                "{d27161f3-ab5d-4aff-9dd8-4a24bfbe56d4}"));
        assertThat(m.codec(121).feedback()).extracting(RtcpFeedback::type)
                .containsExactly("nack", "nack", "ccm", "goog-remb");
    }

    @Test
    void firefoxOldDataChannelOffer() throws Exception {
        SessionDescription d = parse("firefox-58-datachannel-offer");
        MediaDescription m = d.media().get(0);
        assertThat(m.proto()).isEqualTo("DTLS/SCTP");
        assertThat(m.formats()).containsExactly("5000");
        assertThat(m.isSctp()).isTrue();
        assertThat(m.sctpPort()).isNull();
        assertThat(m.attributeValue("sctpmap")).isEqualTo("5000 webrtc-datachannel 256");
        assertThat(m.maxMessageSize()).isEqualTo(1073741823L);
        assertThat(m.candidates()).extracting(SdpCandidate::address).containsExactly("192.168.99.58",
                "2a02:a03f:3eb0:e000:b0aa:d60a:cff2:933c", "192.168.99.58", "2a02:a03f:3eb0:e000:b0aa:d60a:cff2:933c");
        assertThat(m.iceUfrag()).isEqualTo("9889e0c4");
        assertThat(m.sctpMaps()).containsExactly(new SctpMap(5000, "webrtc-datachannel", 256));
    }

    @Test
    void aiortcOffersTheDraftDataChannelSyntax() throws Exception {
        SessionDescription d = parse("aiortc-1.4-datachannel-offer");
        MediaDescription m = d.media().get(0);
        assertThat(m.proto()).isEqualTo("DTLS/SCTP");
        assertThat(m.formats()).containsExactly("5000");
        assertThat(m.sctpPort()).isNull();
        assertThat(m.sctpMaps()).containsExactly(new SctpMap(5000, "webrtc-datachannel", 65535));
        assertThat(m.maxMessageSize()).isEqualTo(65536L);
        assertThat(m.iceUfrag()).isEqualTo("24z3");
        assertThat(d.iceUfrag(m)).isEqualTo("24z3");
        assertThat(m.endOfCandidates()).isTrue();
    }
}
