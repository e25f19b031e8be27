package io.sluice.peer.api;

/** W3C RTCSignalingState. */
public enum RTCSignalingState {
    STABLE("stable"),
    HAVE_LOCAL_OFFER("have-local-offer"),
    HAVE_REMOTE_OFFER("have-remote-offer"),
    HAVE_LOCAL_PRANSWER("have-local-pranswer"),
    HAVE_REMOTE_PRANSWER("have-remote-pranswer"),
    CLOSED("closed");

    private final String spec;

    RTCSignalingState(String spec) {
        this.spec = spec;
    }

    /** The W3C spelling. */
    public String spec() {
        return spec;
    }

    @Override
    public String toString() {
        return spec;
    }

    /** Parses the W3C spelling; {@code null} if it names no value. */
    public static RTCSignalingState fromSpec(String value) {
        for (RTCSignalingState v : values()) {
            if (v.spec.equals(value)) {
                return v;
            }
        }
        return null;
    }
}
