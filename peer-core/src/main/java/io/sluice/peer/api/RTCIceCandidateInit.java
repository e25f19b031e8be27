package io.sluice.peer.api;

/**
 * W3C RTCIceCandidateInit: what signaling carries. An empty {@code candidate} string means
 * end-of-candidates (for the m-section named by sdpMid / sdpMLineIndex, or all when both are null).
 */
public record RTCIceCandidateInit(String candidate, String sdpMid, Integer sdpMLineIndex, String usernameFragment) {

    public RTCIceCandidateInit {
        candidate = candidate == null ? "" : candidate;
    }

    public static RTCIceCandidateInit endOfCandidates() {
        return new RTCIceCandidateInit("", null, null, null);
    }

    public boolean isEndOfCandidates() {
        return candidate.isEmpty();
    }
}
