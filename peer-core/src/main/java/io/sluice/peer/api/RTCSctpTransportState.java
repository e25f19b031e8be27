package io.sluice.peer.api;

/** W3C RTCSctpTransportState. */
public enum RTCSctpTransportState {
    CONNECTING("connecting"),
    CONNECTED("connected"),
    CLOSED("closed");

    private final String spec;

    RTCSctpTransportState(String spec) {
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
}
