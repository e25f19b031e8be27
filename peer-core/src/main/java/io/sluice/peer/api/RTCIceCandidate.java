package io.sluice.peer.api;

/**
 * W3C RTCIceCandidate: the signalled form of one candidate ({@link #toJSON()} gives the init
 * dictionary back).
 */
public final class RTCIceCandidate {

    private final RTCIceCandidateInit init;

    public RTCIceCandidate(RTCIceCandidateInit init) {
        this.init = init;
    }

    public String candidate() {
        return init.candidate();
    }

    public String sdpMid() {
        return init.sdpMid();
    }

    public Integer sdpMLineIndex() {
        return init.sdpMLineIndex();
    }

    public String usernameFragment() {
        return init.usernameFragment();
    }

    public RTCIceCandidateInit toJSON() {
        return init;
    }

    @Override
    public String toString() {
        return "RTCIceCandidate[" + init.candidate() + ", mid=" + init.sdpMid() + "]";
    }
}
