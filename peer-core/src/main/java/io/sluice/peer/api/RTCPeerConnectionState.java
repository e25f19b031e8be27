package io.sluice.peer.api;

/** W3C RTCPeerConnectionState. */
public enum RTCPeerConnectionState {
    NEW("new"),
    CONNECTING("connecting"),
    CONNECTED("connected"),
    DISCONNECTED("disconnected"),
    FAILED("failed"),
    CLOSED("closed");

    private final String spec;

    RTCPeerConnectionState(String spec) {
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
    public static RTCPeerConnectionState fromSpec(String value) {
        for (RTCPeerConnectionState v : values()) {
            if (v.spec.equals(value)) {
                return v;
            }
        }
        return null;
    }
}
