package io.sluice.peer.sdp;

/** {@code a=setup} (RFC 4145, RFC 8842): which side opens the DTLS association. */
public enum Setup {
    ACTPASS("actpass"), ACTIVE("active"), PASSIVE("passive"), HOLDCONN("holdconn");

    public static final String NAME = "setup";
    private final String spec;

    Setup(String spec) {
        this.spec = spec;
    }

    /** The spelling used in SDP. */
    public String spec() {
        return spec;
    }

    public static Setup parse(String value) throws SdpParseException {
        for (Setup s : values()) {
            if (s.spec.equals(value)) {
                return s;
            }
        }
        throw new SdpParseException("setup must be actpass, active, passive or holdconn");
    }

    public Attribute toAttribute() {
        return new Attribute(NAME, spec);
    }
}
