package io.sluice.peer.sdp;

/** A {@code b=<bwtype>:<bandwidth>} line, such as {@code b=AS:30} or {@code b=TIAS:2000000}. */
public record Bandwidth(String type, long value) {

    /** Upper bound accepted for a bandwidth value (far above any real link, in any unit). */
    public static final long MAX_VALUE = 1_000_000_000_000L;

    public Bandwidth {
        SdpSyntax.checkToken(type, "bandwidth type");
        if (value < 0 || value > MAX_VALUE) {
            throw new IllegalArgumentException("bandwidth out of range: " + value);
        }
    }

    static Bandwidth parse(String text) throws SdpParseException {
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new SdpParseException("bandwidth needs <type>:<value>");
        }
        String type = SdpSyntax.requireToken(text.substring(0, colon), "bandwidth type");
        return new Bandwidth(type, SdpSyntax.number(text.substring(colon + 1), 0, MAX_VALUE, "bandwidth"));
    }

    /** The text after {@code b=}. */
    public String text() {
        return type + ":" + value;
    }

    @Override
    public String toString() {
        return "b=" + text();
    }
}
