package io.sluice.peer.sdp;

import java.util.ArrayList;
import java.util.List;

/** {@code a=group:<semantics> *(SP <mid>)} (RFC 5888), such as {@code a=group:BUNDLE 0 1 2} (RFC 9143). */
public record Group(String semantics, List<String> mids) {

    public static final String NAME = "group";
    public static final String BUNDLE = "BUNDLE";

    public Group {
        SdpSyntax.checkToken(semantics, "group semantics");
        mids = List.copyOf(mids);
        for (String m : mids) {
            SdpSyntax.checkToken(m, "mid");
        }
    }

    public static Group bundle(List<String> mids) {
        return new Group(BUNDLE, mids);
    }

    public boolean isBundle() {
        return BUNDLE.equals(semantics);
    }

    public static Group parse(String value) throws SdpParseException {
        if (value.isEmpty()) {
            throw new SdpParseException("group semantics is missing");
        }
        List<String> f = SdpSyntax.fields(value, "group");
        SdpSyntax.requireToken(f.get(0), "group semantics");
        List<String> mids = new ArrayList<>(f.size() - 1);
        for (int i = 1; i < f.size(); i++) {
            mids.add(SdpSyntax.requireToken(f.get(i), "mid in group"));
        }
        return new Group(f.get(0), mids);
    }

    public String value() {
        return mids.isEmpty() ? semantics : semantics + " " + String.join(" ", mids);
    }

    public Attribute toAttribute() {
        return new Attribute(NAME, value());
    }
}
