package io.sluice.peer.api;

/** W3C RTCIceConnectionState. */
public enum RTCIceConnectionState {
    NEW("new"),
    CHECKING("checking"),
    CONNECTED("connected"),
    COMPLETED("completed"),
    DISCONNECTED("disconnected"),
    FAILED("failed"),
    CLOSED("closed");

    private final String spec;

    RTCIceConnectionState(String spec) {
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
    public static RTCIceConnectionState fromSpec(String value) {
        for (RTCIceConnectionState v : values()) {
            if (v.spec.equals(value)) {
                return v;
            }
        }
        return null;
    }
}
