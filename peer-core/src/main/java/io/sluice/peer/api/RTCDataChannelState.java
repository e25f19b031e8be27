package io.sluice.peer.api;

/** W3C RTCDataChannelState. */
public enum RTCDataChannelState {
    CONNECTING("connecting"),
    OPEN("open"),
    CLOSING("closing"),
    CLOSED("closed");

    private final String spec;

    RTCDataChannelState(String spec) {
        this.spec = spec;
    }

    public String spec() {
        return spec;
    }

    @Override
    public String toString() {
        return spec;
    }
}
