package io.sluice.peer.api;

/** W3C RTCDtlsTransportState. */
public enum RTCDtlsTransportState {
    NEW("new"),
    CONNECTING("connecting"),
    CONNECTED("connected"),
    CLOSED("closed"),
    FAILED("failed");

    private final String spec;

    RTCDtlsTransportState(String spec) {
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
    public static RTCDtlsTransportState fromSpec(String value) {
        for (RTCDtlsTransportState v : values()) {
            if (v.spec.equals(value)) {
                return v;
            }
        }
        return null;
    }
}
