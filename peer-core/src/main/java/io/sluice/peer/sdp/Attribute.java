package io.sluice.peer.sdp;

/**
 * One {@code a=} line: {@code a=<name>} (a property attribute, value null) or
 * {@code a=<name>:<value>} (the value kept exactly as written, possibly empty).
 */
public record Attribute(String name, String value) {

    public Attribute {
        SdpSyntax.checkToken(name, "attribute name");
        if (value != null) {
            SdpSyntax.checkLineText(value, "attribute value");
        }
    }

    /** A property attribute without a value, such as {@code a=rtcp-mux}. */
    public static Attribute flag(String name) {
        return new Attribute(name, null);
    }

    public static Attribute of(String name, String value) {
        return new Attribute(name, value);
    }

    public boolean isFlag() {
        return value == null;
    }

    /** The text after {@code a=}. */
    public String text() {
        return value == null ? name : name + ":" + value;
    }

    /** Parses the text after {@code a=}. */
    static Attribute parse(String text) throws SdpParseException {
        int colon = text.indexOf(':');
        String name = colon < 0 ? text : text.substring(0, colon);
        if (name.isEmpty()) {
            throw new SdpParseException("attribute name is empty");
        }
        if (!SdpSyntax.isToken(name)) {
            throw new SdpParseException("attribute name is not a valid token");
        }
        return new Attribute(name, colon < 0 ? null : text.substring(colon + 1));
    }

    @Override
    public String toString() {
        return "a=" + text();
    }
}
