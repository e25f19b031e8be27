package io.sluice.peer.sdp;

import java.util.ArrayList;
import java.util.List;

/** {@code a=ssrc-group:<semantics> *(SP <ssrc>)} (RFC 5576), such as {@code a=ssrc-group:FID 1 2}. */
public record SsrcGroup(String semantics, List<Long> ssrcs) {

    public static final String NAME = "ssrc-group";

    public SsrcGroup {
        SdpSyntax.checkToken(semantics, "semantics");
        ssrcs = List.copyOf(ssrcs);
        for (long s : ssrcs) {
            if (s < 0 || s > 0xffff_ffffL) {
                throw new IllegalArgumentException("ssrc out of range: " + s);
            }
        }
    }

    public static SsrcGroup parse(String value) throws SdpParseException {
        List<String> f = SdpSyntax.fields(value, "ssrc-group");
        SdpSyntax.requireToken(f.get(0), "ssrc-group semantics");
        List<Long> ssrcs = new ArrayList<>(f.size() - 1);
        for (int i = 1; i < f.size(); i++) {
            ssrcs.add(SdpSyntax.number(f.get(i), 0, 0xffff_ffffL, "ssrc"));
        }
        return new SsrcGroup(f.get(0), ssrcs);
    }

    public String value() {
        StringBuilder b = new StringBuilder(semantics);
        for (long s : ssrcs) {
            b.append(' ').append(s);
        }
        return b.toString();
    }

    public Attribute toAttribute() {
        return new Attribute(NAME, value());
    }
}
