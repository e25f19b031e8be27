package io.sluice.peer.sdp;

/**
 * {@code a=msid:<stream id> [<track id>]} (RFC 8830). A stream id of {@code -} means no stream;
 * the track id (appdata) is null when absent.
 */
public record Msid(String streamId, String trackId) {

    public static final String NAME = "msid";

    public Msid {
        SdpSyntax.checkToken(streamId, "stream id");
        if (trackId != null) {
            SdpSyntax.checkToken(trackId, "track id");
        }
    }

    public static Msid parse(String value) throws SdpParseException {
        int sp = value.indexOf(' ');
        String stream = sp < 0 ? value : value.substring(0, sp);
        SdpSyntax.requireToken(stream, "msid stream id");
        String track = null;
        if (sp >= 0) {
            track = SdpSyntax.requireToken(value.substring(sp + 1), "msid track id");
        }
        return new Msid(stream, track);
    }

    public String value() {
        return trackId == null ? streamId : streamId + " " + trackId;
    }

    public Attribute toAttribute() {
        return new Attribute(NAME, value());
    }
}
