package io.sluice.peer.ice;

/** ICE candidate types (RFC 8445 §5.1.2.2) with their SDP/W3C spelling and type preference. */
public enum CandidateType {
    HOST("host", 126),
    SRFLX("srflx", 100),
    PRFLX("prflx", 110),
    RELAY("relay", 0);

    private final String spec;
    private final int typePreference;

    CandidateType(String spec, int typePreference) {
        this.spec = spec;
        this.typePreference = typePreference;
    }

    /** The spelling used in SDP and by the W3C API ("host", "srflx", "prflx", "relay"). */
    public String spec() {
        return spec;
    }

    /** The recommended type preference of RFC 8445 §5.1.2.2. */
    public int typePreference() {
        return typePreference;
    }

    /** The type for an SDP token, or null. */
    public static CandidateType fromSpec(String s) {
        for (CandidateType t : values()) {
            if (t.spec.equalsIgnoreCase(s)) {
                return t;
            }
        }
        return null;
    }
}
