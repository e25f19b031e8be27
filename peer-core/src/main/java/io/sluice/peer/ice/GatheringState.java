package io.sluice.peer.ice;

/** Candidate gathering state, spelled as W3C {@code RTCIceGatheringState}. */
public enum GatheringState {
    NEW("new"),
    GATHERING("gathering"),
    COMPLETE("complete");

    private final String spec;

    GatheringState(String spec) {
        this.spec = spec;
    }

    public String spec() {
        return spec;
    }
}
