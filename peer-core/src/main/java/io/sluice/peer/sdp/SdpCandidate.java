package io.sluice.peer.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An ICE candidate as written in {@code a=candidate} (RFC 8839 §5.1, TCP per RFC 6544):
 *
 * <pre>
 * candidate:&lt;foundation&gt; &lt;component&gt; &lt;transport&gt; &lt;priority&gt; &lt;address&gt; &lt;port&gt;
 *     typ &lt;host|srflx|prflx|relay&gt; [raddr &lt;address&gt;] [rport &lt;port&gt;] *(&lt;name&gt; &lt;value&gt;)
 * </pre>
 *
 * The transport is kept as written ({@code udp} or {@code UDP}) and compared case-insensitively;
 * the address may be an IP literal or a domain name such as an mDNS {@code <uuid>.local}.
 * Extensions ({@code tcptype}, {@code generation}, {@code ufrag}, {@code network-id},
 * {@code network-cost}, ...) are kept in order; {@code relatedAddress} and {@code relatedPort}
 * are null when absent.
 */
public record SdpCandidate(String foundation, int component, String transport, long priority, String address,
        int port, CandidateType type, String relatedAddress, Integer relatedPort, List<Extension> extensions) {

    public static final String NAME = "candidate";
    private static final int MAX_EXTENSIONS = 64;

    /** One extension name/value pair. */
    public record Extension(String name, String value) {
        public Extension {
            SdpSyntax.checkNonWs(name, "extension name");
            SdpSyntax.checkNonWs(value, "extension value");
        }
    }

    public SdpCandidate {
        if (!SdpSyntax.isIceChars(foundation) || foundation.length() > 32) {
            throw new IllegalArgumentException("foundation must be 1-32 ice-chars: " + foundation);
        }
        if (component < 1 || component > 256) {
            throw new IllegalArgumentException("component out of range: " + component);
        }
        SdpSyntax.checkToken(transport, "transport");
        if (priority < 0 || priority > 0xffff_ffffL) {
            throw new IllegalArgumentException("priority out of range: " + priority);
        }
        checkAddress(address);
        checkPort(port);
        if (type == null) {
            throw new IllegalArgumentException("candidate type is null");
        }
        if (relatedAddress != null) {
            checkAddress(relatedAddress);
        }
        if (relatedPort != null) {
            checkPort(relatedPort);
        }
        extensions = List.copyOf(extensions);
        if (extensions.size() > MAX_EXTENSIONS) {
            throw new IllegalArgumentException("too many extensions");
        }
        for (Extension e : extensions) {
            if (e.name().equals("raddr") || e.name().equals("rport") || e.name().equals("typ")) {
                throw new IllegalArgumentException("reserved extension name: " + e.name());
            }
        }
    }

    private static void checkAddress(String a) {
        if (!isAddress(a)) {
            throw new IllegalArgumentException("bad candidate address: " + a);
        }
    }

    private static void checkPort(int p) {
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("port out of range: " + p);
        }
    }

    /** IPv4, IPv6 or a domain name: letters, digits, {@code . : - _ %}, at most 253 characters. */
    static boolean isAddress(String a) {
        if (a == null || a.isEmpty() || a.length() > 253) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                    || c == '.' || c == ':' || c == '-' || c == '_' || c == '%')) {
                return false;
            }
        }
        return true;
    }

    /** A host candidate with no related address and no extensions. */
    public static SdpCandidate host(String foundation, int component, String transport, long priority,
            String address, int port) {
        return new SdpCandidate(foundation, component, transport, priority, address, port, CandidateType.HOST,
                null, null, List.of());
    }

    /** A copy with one more extension appended. */
    public SdpCandidate withExtension(String name, String value) {
        List<Extension> list = new ArrayList<>(extensions);
        list.add(new Extension(name, value));
        return new SdpCandidate(foundation, component, transport, priority, address, port, type, relatedAddress,
                relatedPort, list);
    }

    /** A copy with the given related address and port. */
    public SdpCandidate withRelated(String address, int port) {
        return new SdpCandidate(foundation, component, transport, priority, this.address, this.port, type, address,
                port, extensions);
    }

    public boolean isUdp() {
        return transport.equalsIgnoreCase("udp");
    }

    public boolean isTcp() {
        return transport.equalsIgnoreCase("tcp");
    }

    /** True when the address is a domain name ending in {@code .local} (an mDNS-obfuscated host). */
    public boolean isMdns() {
        return address.toLowerCase(Locale.ROOT).endsWith(".local");
    }

    /** Value of the first extension named {@code name}, or null. */
    public String extension(String name) {
        for (Extension e : extensions) {
            if (e.name().equals(name)) {
                return e.value();
            }
        }
        return null;
    }

    /** {@code tcptype} (active, passive or so), or null. */
    public String tcpType() {
        return extension("tcptype");
    }

    /** {@code ufrag} extension (the ICE username fragment this candidate belongs to), or null. */
    public String ufrag() {
        return extension("ufrag");
    }

    /** {@code generation} extension, or -1 when absent or not a number. */
    public int generation() {
        String g = extension("generation");
        return g != null && SdpSyntax.isDigits(g) && g.length() <= 9 ? Integer.parseInt(g) : -1;
    }

    /**
     * Parses a candidate written as {@code a=candidate:...}, {@code candidate:...} (the W3C
     * {@code RTCIceCandidate.candidate} form) or the bare attribute value.
     */
    public static SdpCandidate parse(String text) throws SdpParseException {
        if (text == null) {
            throw new SdpParseException("candidate is null");
        }
        if (text.length() > SdpLimits.DEFAULT.maxLineLength()) {
            throw new SdpParseException("candidate is longer than " + SdpLimits.DEFAULT.maxLineLength() + " characters");
        }
        String v = text;
        if (v.startsWith("a=")) {
            v = v.substring(2);
            if (!v.startsWith("candidate:")) {
                throw new SdpParseException("not a candidate attribute", 0, text);
            }
        }
        if (v.startsWith("candidate:")) {
            v = v.substring("candidate:".length());
        }
        try {
            return parseValue(v);
        } catch (SdpParseException e) {
            throw new SdpParseException(e.reason(), 0, text);
        }
    }

    /** Parses the value of an {@code a=candidate} attribute (after the colon). */
    static SdpCandidate parseValue(String value) throws SdpParseException {
        String[] f = value.split(" ", -1);
        if (f.length < 8) {
            throw new SdpParseException(f.length < 6 ? "candidate is missing fields, found " + f.length + " of 8"
                    : "candidate is missing typ");
        }
        if (f.length > 8 + 2 * (MAX_EXTENSIONS + 2)) {
            throw new SdpParseException("candidate has too many fields");
        }
        for (String s : f) {
            if (s.isEmpty()) {
                throw new SdpParseException("empty field in candidate (extra space)");
            }
        }
        if (!SdpSyntax.isIceChars(f[0]) || f[0].length() > 32) {
            throw new SdpParseException("foundation must be 1-32 ice-chars");
        }
        int component = SdpSyntax.intNumber(f[1], 1, 256, "component");
        if (!SdpSyntax.isToken(f[2])) {
            throw new SdpParseException("transport is not a valid token");
        }
        long priority = SdpSyntax.number(f[3], 0, 0xffff_ffffL, "priority");
        if (!isAddress(f[4])) {
            throw new SdpParseException("bad connection address");
        }
        int port = SdpSyntax.intNumber(f[5], 0, 65535, "port");
        if (!"typ".equals(f[6])) {
            throw new SdpParseException("expected \"typ\" after port");
        }
        CandidateType type = CandidateType.fromSpec(f[7]);
        if (type == null) {
            throw new SdpParseException("candidate type must be host, srflx, prflx or relay");
        }
        int i = 8;
        String raddr = null;
        Integer rport = null;
        if (i < f.length && "raddr".equals(f[i])) {
            if (i + 1 >= f.length) {
                throw new SdpParseException("raddr without address");
            }
            if (!isAddress(f[i + 1])) {
                throw new SdpParseException("bad raddr address");
            }
            raddr = f[i + 1];
            i += 2;
        }
        if (i < f.length && "rport".equals(f[i])) {
            if (i + 1 >= f.length) {
                throw new SdpParseException("rport without port");
            }
            rport = SdpSyntax.intNumber(f[i + 1], 0, 65535, "rport");
            i += 2;
        }
        if ((f.length - i) % 2 != 0) {
            throw new SdpParseException("candidate extension \"" + shorten(f[f.length - 1]) + "\" has no value");
        }
        List<Extension> ext = new ArrayList<>((f.length - i) / 2);
        for (; i < f.length; i += 2) {
            if ("raddr".equals(f[i]) || "rport".equals(f[i]) || "typ".equals(f[i])) {
                throw new SdpParseException(f[i] + " out of place in candidate");
            }
            if (!SdpSyntax.isNonWs(f[i]) || !SdpSyntax.isNonWs(f[i + 1])) {
                throw new SdpParseException("candidate extension contains whitespace or control characters");
            }
            if (ext.size() >= MAX_EXTENSIONS) {
                throw new SdpParseException("candidate has too many extensions");
            }
            ext.add(new Extension(f[i], f[i + 1]));
        }
        return new SdpCandidate(f[0], component, f[2], priority, f[4], port, type, raddr, rport, ext);
    }

    private static String shorten(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "...";
    }

    /** The attribute value, without {@code candidate:}. */
    public String value() {
        StringBuilder b = new StringBuilder(96);
        b.append(foundation).append(' ').append(component).append(' ').append(transport).append(' ')
                .append(priority).append(' ').append(address).append(' ').append(port)
                .append(" typ ").append(type.spec());
        if (relatedAddress != null) {
            b.append(" raddr ").append(relatedAddress);
        }
        if (relatedPort != null) {
            b.append(" rport ").append(relatedPort);
        }
        for (Extension e : extensions) {
            b.append(' ').append(e.name()).append(' ').append(e.value());
        }
        return b.toString();
    }

    public Attribute toAttribute() {
        return new Attribute(NAME, value());
    }

    /** The W3C {@code RTCIceCandidate.candidate} form: {@code candidate:...}. */
    @Override
    public String toString() {
        return NAME + ":" + value();
    }
}
