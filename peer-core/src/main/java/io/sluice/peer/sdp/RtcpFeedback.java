package io.sluice.peer.sdp;

/**
 * {@code a=rtcp-fb:<payload type or *> <type> [<parameter>]} (RFC 4585), such as
 * {@code a=rtcp-fb:96 nack pli} or {@code a=rtcp-fb:* transport-cc}.
 */
public record RtcpFeedback(String format, String type, String parameter) {

    public static final String NAME = "rtcp-fb";
    public static final String ANY = "*";

    public RtcpFeedback {
        if (!ANY.equals(format)) {
            SdpSyntax.checkToken(format, "format");
        }
        SdpSyntax.checkToken(type, "feedback type");
        if (parameter != null) {
            SdpSyntax.checkLineText(parameter, "feedback parameter");
        }
    }

    public static RtcpFeedback of(int payloadType, String type) {
        return new RtcpFeedback(Integer.toString(payloadType), type, null);
    }

    public static RtcpFeedback of(int payloadType, String type, String parameter) {
        return new RtcpFeedback(Integer.toString(payloadType), type, parameter);
    }

    /** True when this applies to {@code payloadType} (directly or through {@code *}). */
    public boolean appliesTo(int payloadType) {
        return ANY.equals(format) || Fmtp.payloadTypeOf(format) == payloadType;
    }

    public static RtcpFeedback parse(String value) throws SdpParseException {
        int sp = value.indexOf(' ');
        if (sp < 0) {
            throw new SdpParseException("rtcp-fb needs <payload type> <type>");
        }
        String format = value.substring(0, sp);
        if (!ANY.equals(format)) {
            SdpSyntax.intNumber(format, 0, 127, "payload type");
        }
        String rest = value.substring(sp + 1);
        int sp2 = rest.indexOf(' ');
        String type = sp2 < 0 ? rest : rest.substring(0, sp2);
        SdpSyntax.requireToken(type, "feedback type");
        String parameter = sp2 < 0 ? null : rest.substring(sp2 + 1);
        if (parameter != null && parameter.isEmpty()) {
            throw new SdpParseException("rtcp-fb parameter is empty");
        }
        return new RtcpFeedback(format, type, parameter);
    }

    public String value() {
        return format + " " + type + (parameter == null ? "" : " " + parameter);
    }

    public Attribute toAttribute() {
        return new Attribute(NAME, value());
    }
}
