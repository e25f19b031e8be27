package io.sluice.peer.sdp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The captured SDP vectors under {@code src/test/resources/vectors/sdp/}. */
final class SdpVectors {

    static final List<String> NAMES = List.of(
            "chromium-datachannel-offer",
            "chromium-av-dc-offer",
            "chromium-av-dc-offer-nogather",
            "chromium-av-dc-answer",
            "chromium-simulcast-offer",
            "chromium-gum-offer",
            "firefox-121-audio-video-offer",
            "firefox-61-video-offer",
            "firefox-58-datachannel-offer",
            "aiortc-1.4-datachannel-offer",
            "aiortc-1.4-audio-datachannel-offer");

    private SdpVectors() {
    }

    static String load(String name) {
        try (InputStream in = SdpVectors.class.getResourceAsStream("/vectors/sdp/" + name + ".sdp")) {
            if (in == null) {
                throw new IllegalArgumentException("no vector " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Line ends normalized to CRLF. */
    static String crlf(String s) {
        return s.replace("\r\n", "\n").replace("\n", "\r\n");
    }

    /**
     * Calls every typed accessor of a parsed description; for a description the parser accepted,
     * none of them may throw.
     */
    static void touchAll(SessionDescription d) {
        d.groups();
        d.bundleGroups();
        d.iceUfrag();
        d.icePwd();
        d.iceOptions();
        d.iceLite();
        d.fingerprints();
        d.setup();
        d.direction();
        d.extmapAllowMixed();
        d.msidSemantic();
        d.mids();
        for (MediaDescription m : d.media()) {
            d.iceUfrag(m);
            d.icePwd(m);
            d.iceOptions(m);
            d.canTrickle(m);
            d.fingerprints(m);
            d.setup(m);
            d.direction(m);
            d.extmapAllowMixed(m);
            d.connection(m);
            m.mid();
            m.isRejected();
            m.candidates().forEach(c -> {
                c.toString();
                c.tcpType();
                c.generation();
                c.isMdns();
            });
            m.endOfCandidates();
            m.rtcpMux();
            m.rtcpMuxOnly();
            m.rtcpRsize();
            m.sctpPort();
            m.maxMessageSize();
            m.rtpMaps();
            m.fmtps().forEach(Fmtp::parameterMap);
            m.rtcpFeedback();
            m.extMaps();
            m.msids();
            m.ssrcs();
            m.ssrcGroups();
            m.rids().forEach(Rid::restrictionMap);
            m.simulcast();
            m.codecs().forEach(c -> {
                c.fmtpParameters();
                c.associatedPayloadType();
            });
            m.toString();
        }
    }
}
