package io.sluice.peer.sdp;

/**
 * {@code a=sctpmap:<port> <app> [<streams>]}: the data-channel syntax of draft-ietf-mmusic-sctp-sdp-05,
 * which RFC 8841 replaced by {@code a=sctp-port} but which deployed stacks (aiortc, older Chromium
 * and Firefox, many embedded ones) still offer, on an {@code m=application <port> DTLS/SCTP <sctp port>}
 * line. The port is the m-line's format; {@code streams} is the number of streams, or null.
 */
public record SctpMap(int port, String app, Integer streams) {

    public static final String NAME = "sctpmap";

    /** The m-line proto of the old syntax. */
    public static final String PROTO = "DTLS/SCTP";

    public SctpMap {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("sctpmap port out of range: " + port);
        }
        SdpSyntax.checkToken(app, "sctpmap app");
        if (streams != null && (streams < 1 || streams > 65535)) {
            throw new IllegalArgumentException("sctpmap streams out of range: " + streams);
        }
    }

    public static SctpMap parse(String value) throws SdpParseException {
        java.util.List<String> parts = SdpSyntax.fields(value, "sctpmap");
        if (parts.size() < 2 || parts.size() > 3) {
            throw new SdpParseException("sctpmap needs <port> <app> [<streams>], has " + parts.size() + " fields");
        }
        int port = SdpSyntax.intNumber(parts.get(0), 0, 65535, "sctpmap port");
        String app = SdpSyntax.requireToken(parts.get(1), "sctpmap app");
        Integer streams = parts.size() == 3 ? SdpSyntax.intNumber(parts.get(2), 1, 65535, "sctpmap streams") : null;
        return new SctpMap(port, app, streams);
    }

    public String value() {
        return streams == null ? port + " " + app : port + " " + app + " " + streams;
    }

    public Attribute toAttribute() {
        return new Attribute(NAME, value());
    }
}
