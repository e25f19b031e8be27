package io.sluice.peer.ice;

/** The agent's connection state, spelled as W3C {@code RTCIceConnectionState}. */
public enum IceState {
    NEW("new"),
    CHECKING("checking"),
    CONNECTED("connected"),
    COMPLETED("completed"),
    FAILED("failed"),
    DISCONNECTED("disconnected"),
    CLOSED("closed");

    private final String spec;

    IceState(String spec) {
        this.spec = spec;
    }

    public String spec() {
        return spec;
    }

    /** True when a selected pair can carry data (connected, completed). */
    public boolean isConnected() {
        return this == CONNECTED || this == COMPLETED;
    }
}
