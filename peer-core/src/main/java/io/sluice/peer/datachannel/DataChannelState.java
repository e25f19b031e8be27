package io.sluice.peer.datachannel;

/** A channel's state, in the W3C RTCDataChannelState spelling. */
public enum DataChannelState {
    CONNECTING("connecting"),
    OPEN("open"),
    CLOSING("closing"),
    CLOSED("closed");

    private final String spec;

    DataChannelState(String spec) {
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
