package io.sluice.peer.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * Session-level {@code a=msid-semantic: WMS [*|ids]}, a legacy attribute browsers still write.
 * Leading spaces are tolerated (Chromium writes one).
 */
public record MsidSemantic(String semantic, List<String> identifiers) {

    public static final String NAME = "msid-semantic";

    public MsidSemantic {
        SdpSyntax.checkToken(semantic, "semantic");
        identifiers = List.copyOf(identifiers);
    }

    public static MsidSemantic parse(String value) throws SdpParseException {
        String v = value.strip();
        List<String> f = SdpSyntax.fields(v, "msid-semantic");
        SdpSyntax.requireToken(f.get(0), "msid semantic");
        List<String> ids = new ArrayList<>(f.subList(1, f.size()));
        return new MsidSemantic(f.get(0), ids);
    }

    /** Written as Chromium does: {@code " WMS *"}. */
    public String value() {
        return " " + semantic + (identifiers.isEmpty() ? "" : " " + String.join(" ", identifiers));
    }

    public Attribute toAttribute() {
        return new Attribute(NAME, value());
    }
}
