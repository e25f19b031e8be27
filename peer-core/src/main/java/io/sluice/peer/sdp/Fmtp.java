package io.sluice.peer.sdp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code a=fmtp:<format> <format specific parameters>}, such as
 * {@code a=fmtp:111 minptime=10;useinbandfec=1}. The parameters are kept verbatim;
 * {@link #parameterMap()} splits the usual {@code key=value;...} form.
 */
public record Fmtp(String format, String parameters) {

    public static final String NAME = "fmtp";

    public Fmtp {
        SdpSyntax.checkToken(format, "format");
        SdpSyntax.checkLineText(parameters, "parameters");
    }

    public static Fmtp of(int payloadType, String parameters) {
        return new Fmtp(Integer.toString(payloadType), parameters);
    }

    public static Fmtp of(int payloadType, Map<String, String> parameters) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            if (b.length() > 0) {
                b.append(';');
            }
            b.append(e.getKey());
            if (e.getValue() != null && !e.getValue().isEmpty()) {
                b.append('=').append(e.getValue());
            }
        }
        return of(payloadType, b.toString());
    }

    /** The payload type, or -1 when the format is not a number. */
    public int payloadType() {
        return payloadTypeOf(format);
    }

    static int payloadTypeOf(String format) {
        if (!SdpSyntax.isDigits(format) || format.length() > 3) {
            return -1;
        }
        int v = Integer.parseInt(format);
        return v <= 127 ? v : -1;
    }

    /** {@code key=value} pairs split at {@code ;}, spaces trimmed, in order; a bare key maps to "". */
    public Map<String, String> parameterMap() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : parameters.split(";")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq < 0) {
                out.putIfAbsent(p, "");
            } else {
                out.putIfAbsent(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
            }
        }
        return Collections.unmodifiableMap(out);
    }

    public static Fmtp parse(String value) throws SdpParseException {
        int sp = value.indexOf(' ');
        String format = sp < 0 ? value : value.substring(0, sp);
        if (format.isEmpty()) {
            throw new SdpParseException("fmtp format is missing");
        }
        SdpSyntax.requireToken(format, "fmtp format");
        if (SdpSyntax.isDigits(format)) {
            SdpSyntax.intNumber(format, 0, 127, "payload type");
        }
        return new Fmtp(format, sp < 0 ? "" : value.substring(sp + 1));
    }

    public String value() {
        return parameters.isEmpty() ? format : format + " " + parameters;
    }

    public Attribute toAttribute() {
        return new Attribute(NAME, value());
    }
}
