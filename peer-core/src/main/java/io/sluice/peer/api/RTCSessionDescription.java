package io.sluice.peer.api;

import java.util.Objects;

/** W3C RTCSessionDescription (and RTCSessionDescriptionInit): a type and its SDP text. */
public record RTCSessionDescription(RTCSdpType type, String sdp) {

    public RTCSessionDescription {
        Objects.requireNonNull(type, "type");
        sdp = sdp == null ? "" : sdp;
    }

    public static RTCSessionDescription offer(String sdp) {
        return new RTCSessionDescription(RTCSdpType.OFFER, sdp);
    }

    public static RTCSessionDescription answer(String sdp) {
        return new RTCSessionDescription(RTCSdpType.ANSWER, sdp);
    }

    public static RTCSessionDescription pranswer(String sdp) {
        return new RTCSessionDescription(RTCSdpType.PRANSWER, sdp);
    }

    public static RTCSessionDescription rollback() {
        return new RTCSessionDescription(RTCSdpType.ROLLBACK, "");
    }
}
