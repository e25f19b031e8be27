package io.sluice.peer.sdp;

/** ICE candidate types (RFC 8445 §5.1.1, RFC 8839 §5.1). */
public enum CandidateType {
    HOST("host"), SRFLX("srflx"), PRFLX("prflx"), RELAY("relay");

    private final String spec;

    CandidateType(String spec) {
        this.spec = spec;
    }

    public String spec() {
        return spec;
    }

    /** The type named {@code spec} (exact spelling), or null. */
    public static CandidateType fromSpec(String spec) {
        for (CandidateType t : values()) {
            if (t.spec.equals(spec)) {
                return t;
            }
        }
        return null;
    }
}
