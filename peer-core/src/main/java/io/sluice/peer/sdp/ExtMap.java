package io.sluice.peer.sdp;

/**
 * {@code a=extmap:<id>[/<direction>] <uri> [<extension attributes>]} (RFC 8285), such as
 * {@code a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level}. Direction and extension
 * attributes are null when absent.
 */
public record ExtMap(int id, Direction direction, String uri, String extensionAttributes) {

    public static final String NAME = "extmap";
    /** Highest id RFC 8285 allows (4096-4351 only in offers). */
    public static final int MAX_ID = 4351;

    public ExtMap {
        if (id < 1 || id > MAX_ID) {
            throw new IllegalArgumentException("extmap id out of range: " + id);
        }
        SdpSyntax.checkNonWs(uri, "uri");
        if (extensionAttributes != null) {
            SdpSyntax.checkLineText(extensionAttributes, "extension attributes");
        }
    }

    public static ExtMap of(int id, String uri) {
        return new ExtMap(id, null, uri, null);
    }

    public static ExtMap parse(String value) throws SdpParseException {
        int sp = value.indexOf(' ');
        if (sp < 0) {
            throw new SdpParseException("extmap needs <id> <uri>");
        }
        String idPart = value.substring(0, sp);
        Direction direction = null;
        int slash = idPart.indexOf('/');
        if (slash >= 0) {
            direction = Direction.fromName(idPart.substring(slash + 1));
            if (direction == null) {
                throw new SdpParseException("extmap direction must be sendrecv, sendonly, recvonly or inactive");
            }
            idPart = idPart.substring(0, slash);
        }
        int id = SdpSyntax.intNumber(idPart, 1, MAX_ID, "extmap id");
        String rest = value.substring(sp + 1);
        int sp2 = rest.indexOf(' ');
        String uri = sp2 < 0 ? rest : rest.substring(0, sp2);
        if (!SdpSyntax.isNonWs(uri)) {
            throw new SdpParseException("extmap uri is missing");
        }
        String attrs = sp2 < 0 ? null : rest.substring(sp2 + 1);
        return new ExtMap(id, direction, uri, attrs);
    }

    public String value() {
        return id + (direction == null ? "" : "/" + direction.spec()) + " " + uri
                + (extensionAttributes == null ? "" : " " + extensionAttributes);
    }

    public Attribute toAttribute() {
        return new Attribute(NAME, value());
    }
}
