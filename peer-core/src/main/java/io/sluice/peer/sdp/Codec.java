package io.sluice.peer.sdp;

import java.util.List;
import java.util.Map;

/**
 * One RTP payload format of a media section, assembled from the {@code m=} format list and the
 * {@code a=rtpmap}, {@code a=fmtp} and {@code a=rtcp-fb} lines for it. Static payload types
 * without an rtpmap get their RFC 3551 name. {@code name} is null for an unknown dynamic type
 * without rtpmap; {@code fmtp} is null when absent.
 */
public record Codec(int payloadType, String name, long clockRate, Integer channels, String fmtp,
        List<RtcpFeedback> feedback) {

    public Codec {
        feedback = List.copyOf(feedback);
    }

    /** Parameters of the fmtp line as a map (empty when there is none). */
    public Map<String, String> fmtpParameters() {
        return fmtp == null ? Map.of() : new Fmtp("0", fmtp).parameterMap();
    }

    /** The rtx payload type's {@code apt}, or -1. */
    public int associatedPayloadType() {
        String apt = fmtpParameters().get("apt");
        return apt != null && SdpSyntax.isDigits(apt) && apt.length() <= 3 ? Integer.parseInt(apt) : -1;
    }

    public boolean hasFeedback(String type, String parameter) {
        for (RtcpFeedback f : feedback) {
            if (f.type().equals(type) && java.util.Objects.equals(f.parameter(), parameter)) {
                return true;
            }
        }
        return false;
    }

    /** RFC 3551 static payload types commonly met in WebRTC. */
    static RtpMap staticMapping(int pt) {
        switch (pt) {
            case 0: return RtpMap.of(0, "PCMU", 8000, 1);
            case 8: return RtpMap.of(8, "PCMA", 8000, 1);
            case 9: return RtpMap.of(9, "G722", 8000, 1);
            case 13: return RtpMap.of(13, "CN", 8000, 1);
            default: return null;
        }
    }
}
