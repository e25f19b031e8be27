package io.sluice.peer.sdp;

/**
 * {@code a=ssrc:<ssrc> <attribute>[:<value>]} (RFC 5576), such as {@code a=ssrc:1234 cname:abc}.
 * The value is null for a property attribute and may contain spaces ({@code msid:stream track}).
 */
public record SsrcAttribute(long ssrc, String attribute, String value) {

    public static final String NAME = "ssrc";

    public SsrcAttribute {
        if (ssrc < 0 || ssrc > 0xffff_ffffL) {
            throw new IllegalArgumentException("ssrc out of range: " + ssrc);
        }
        SdpSyntax.checkToken(attribute, "ssrc attribute");
        if (value != null) {
            SdpSyntax.checkLineText(value, "ssrc attribute value");
        }
    }

    public static SsrcAttribute cname(long ssrc, String cname) {
        return new SsrcAttribute(ssrc, "cname", cname);
    }

    public static SsrcAttribute parse(String value) throws SdpParseException {
        int sp = value.indexOf(' ');
        if (sp < 0) {
            throw new SdpParseException("ssrc needs <ssrc> <attribute>");
        }
        long ssrc = SdpSyntax.number(value.substring(0, sp), 0, 0xffff_ffffL, "ssrc");
        String rest = value.substring(sp + 1);
        int colon = rest.indexOf(':');
        String name = colon < 0 ? rest : rest.substring(0, colon);
        SdpSyntax.requireToken(name, "ssrc attribute name");
        return new SsrcAttribute(ssrc, name, colon < 0 ? null : rest.substring(colon + 1));
    }

    public String attributeValue() {
        return ssrc + " " + attribute + (value == null ? "" : ":" + value);
    }

    public Attribute toAttribute() {
        return new Attribute(NAME, attributeValue());
    }
}
