package io.sluice.peer.api;

/** W3C RTCBundlePolicy. */
public enum RTCBundlePolicy {
    BALANCED("balanced"),
    MAX_COMPAT("max-compat"),
    MAX_BUNDLE("max-bundle");

    private final String spec;

    RTCBundlePolicy(String spec) {
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
    public static RTCBundlePolicy fromSpec(String value) {
        for (RTCBundlePolicy v : values()) {
            if (v.spec.equals(value)) {
                return v;
            }
        }
        return null;
    }
}
