package io.sluice.peer.ice;

/** Candidate pair states (RFC 8445 §6.1.2.6), spelled as W3C {@code RTCStatsIceCandidatePairState}. */
public enum PairState {
    FROZEN("frozen"),
    WAITING("waiting"),
    IN_PROGRESS("in-progress"),
    SUCCEEDED("succeeded"),
    FAILED("failed");

    private final String spec;

    PairState(String spec) {
        this.spec = spec;
    }

    public String spec() {
        return spec;
    }
}
