package io.sluice.peer.api;

/** W3C RTCIceGatheringState. */
public enum RTCIceGatheringState {
    NEW("new"),
    GATHERING("gathering"),
    COMPLETE("complete");

    private final String spec;

    RTCIceGatheringState(String spec) {
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
    public static RTCIceGatheringState fromSpec(String value) {
        for (RTCIceGatheringState v : values()) {
            if (v.spec.equals(value)) {
                return v;
            }
        }
        return null;
    }
}
