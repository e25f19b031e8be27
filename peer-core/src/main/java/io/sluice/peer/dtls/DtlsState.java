package io.sluice.peer.dtls;

/** {@code RTCDtlsTransportState} (W3C webrtc-pc §5.5.1). */
public enum DtlsState {
    NEW("new"),
    CONNECTING("connecting"),
    CONNECTED("connected"),
    CLOSED("closed"),
    FAILED("failed");

    private final String spec;

    DtlsState(String spec) {
        this.spec = spec;
    }

    /** The W3C spelling. */
    public String spec() {
        return spec;
    }

    /** True for CLOSED and FAILED, from which there is no way back. */
    public boolean isTerminal() {
        return this == CLOSED || this == FAILED;
    }
}
