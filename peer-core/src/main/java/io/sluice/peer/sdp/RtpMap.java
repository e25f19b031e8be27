package io.sluice.peer.sdp;

/**
 * {@code a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]}, such as
 * {@code a=rtpmap:111 opus/48000/2}. {@code channels} is null when the third part is absent.
 */
public record RtpMap(int payloadType, String encodingName, long clockRate, Integer channels) {

    public static final String NAME = "rtpmap";

    public RtpMap {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type out of range: " + payloadType);
        }
        SdpSyntax.checkToken(encodingName, "encoding name");
        if (clockRate < 1 || clockRate > 4_294_967_295L) {
            throw new IllegalArgumentException("clock rate out of range: " + clockRate);
        }
        if (channels != null && (channels < 1 || channels > 255)) {
            throw new IllegalArgumentException("channels out of range: " + channels);
        }
    }

    public static RtpMap of(int payloadType, String encodingName, long clockRate) {
        return new RtpMap(payloadType, encodingName, clockRate, null);
    }

    public static RtpMap of(int payloadType, String encodingName, long clockRate, int channels) {
        return new RtpMap(payloadType, encodingName, clockRate, channels);
    }

    public static RtpMap parse(String value) throws SdpParseException {
        int sp = value.indexOf(' ');
        if (sp < 0) {
            throw new SdpParseException("rtpmap needs <payload type> <encoding>");
        }
        int pt = SdpSyntax.intNumber(value.substring(0, sp), 0, 127, "payload type");
        String[] parts = value.substring(sp + 1).split("/", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new SdpParseException("rtpmap encoding needs <name>/<clock rate>[/<parameters>]");
        }
        String name = SdpSyntax.requireToken(parts[0], "encoding name");
        long rate = SdpSyntax.number(parts[1], 1, 4_294_967_295L, "clock rate");
        Integer channels = parts.length == 3 ? SdpSyntax.intNumber(parts[2], 1, 255, "channel count") : null;
        return new RtpMap(pt, name, rate, channels);
    }

    public String value() {
        return payloadType + " " + encodingName + "/" + clockRate + (channels == null ? "" : "/" + channels);
    }

    public Attribute toAttribute() {
        return new Attribute(NAME, value());
    }
}
