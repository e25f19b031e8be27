package io.sluice.peer.api;

/** W3C RTCRtcpMuxPolicy. */
public enum RTCRtcpMuxPolicy {
    REQUIRE("require");

    private final String spec;

    RTCRtcpMuxPolicy(String spec) {
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
    public static RTCRtcpMuxPolicy fromSpec(String value) {
        for (RTCRtcpMuxPolicy v : values()) {
            if (v.spec.equals(value)) {
                return v;
            }
        }
        return null;
    }
}
