package io.sluice.peer.api;

/** W3C RTCIceRole. */
public enum RTCIceRole {
    UNKNOWN("unknown"),
    CONTROLLING("controlling"),
    CONTROLLED("controlled");

    private final String spec;

    RTCIceRole(String spec) {
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
    public static RTCIceRole fromSpec(String value) {
        for (RTCIceRole v : values()) {
            if (v.spec.equals(value)) {
                return v;
            }
        }
        return null;
    }
}
