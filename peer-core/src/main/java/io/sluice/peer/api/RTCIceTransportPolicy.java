package io.sluice.peer.api;

/** W3C RTCIceTransportPolicy. */
public enum RTCIceTransportPolicy {
    RELAY("relay"),
    ALL("all");

    private final String spec;

    RTCIceTransportPolicy(String spec) {
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
    public static RTCIceTransportPolicy fromSpec(String value) {
        for (RTCIceTransportPolicy v : values()) {
            if (v.spec.equals(value)) {
                return v;
            }
        }
        return null;
    }
}
