package io.sluice.peer.ice;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;

/**
 * An ICE candidate (RFC 8445 §5.1, RFC 8839 §5.1). Component 1 only is used by this agent
 * (rtcp-mux), but other values parse.
 *
 * <p>{@code address} may be unresolved ({@link InetSocketAddress#createUnresolved}): remote peers
 * hide host addresses behind mDNS names such as {@code 1f2e….local}. Parsing never performs a DNS
 * lookup. {@code relatedAddress} is the SDP {@code raddr/rport} (null for host candidates or when
 * absent). {@code base} is known for local candidates only (RFC 8445 §5.1.1.3) and is never
 * written to SDP. {@code ufrag} is the optional {@code ufrag} extension.
 */
public record Candidate(String foundation, int component, String transport, long priority,
        InetSocketAddress address, CandidateType type, InetSocketAddress relatedAddress, InetSocketAddress base,
        String ufrag) {

    public Candidate {
        Objects.requireNonNull(foundation, "foundation");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(type, "type");
        if (foundation.isEmpty() || foundation.length() > 32 || !isIceChars(foundation)) {
            throw new IllegalArgumentException("foundation must be 1..32 ice-chars: " + foundation);
        }
        if (component < 1 || component > 256) {
            throw new IllegalArgumentException("component out of range: " + component);
        }
        if (priority < 0 || priority > 0xffffffffL) {
            throw new IllegalArgumentException("priority is 32 bits: " + priority);
        }
        transport = transport.toLowerCase(Locale.ROOT);
    }

    /** A UDP candidate for component 1. */
    public static Candidate udp(String foundation, long priority, InetSocketAddress address, CandidateType type,
            InetSocketAddress relatedAddress, InetSocketAddress base) {
        return new Candidate(foundation, 1, "udp", priority, address, type, relatedAddress, base, null);
    }

    /**
     * Candidate priority (RFC 8445 §5.1.2.1):
     * {@code 2^24 * typePreference + 2^8 * localPreference + (256 - componentId)}.
     */
    public static long computePriority(int typePreference, int localPreference, int componentId) {
        if (typePreference < 0 || typePreference > 126 || localPreference < 0 || localPreference > 65535
                || componentId < 1 || componentId > 256) {
            throw new IllegalArgumentException("priority inputs out of range");
        }
        return ((long) typePreference << 24) + ((long) localPreference << 8) + (256 - componentId);
    }

    public static long computePriority(CandidateType type, int localPreference, int componentId) {
        return computePriority(type.typePreference(), localPreference, componentId);
    }

    public boolean isResolved() {
        return !address.isUnresolved();
    }

    /** True for a hostname ending in {@code .local} (an mDNS-obfuscated host candidate). */
    public boolean isMdns() {
        return address.isUnresolved() && address.getHostString().toLowerCase(Locale.ROOT).endsWith(".local");
    }

    public boolean isIpv6() {
        return !address.isUnresolved() && address.getAddress().getAddress().length == 16;
    }

    public Candidate withAddress(InetSocketAddress newAddress) {
        return new Candidate(foundation, component, transport, priority, newAddress, type, relatedAddress, base,
                ufrag);
    }

    public Candidate withUfrag(String newUfrag) {
        return new Candidate(foundation, component, transport, priority, address, type, relatedAddress, base,
                newUfrag);
    }

    /**
     * The value of an SDP {@code a=candidate:} attribute (RFC 8839 §5.1), without the
     * {@code candidate:} prefix: {@code foundation component transport priority address port typ
     * type [raddr a rport p] generation 0 [ufrag u]}.
     */
    public String toSdpValue() {
        StringBuilder sb = new StringBuilder(96);
        sb.append(foundation).append(' ').append(component).append(' ').append(transport).append(' ')
                .append(priority).append(' ').append(host(address)).append(' ').append(address.getPort())
                .append(" typ ").append(type.spec());
        if (relatedAddress != null) {
            sb.append(" raddr ").append(host(relatedAddress)).append(" rport ").append(relatedAddress.getPort());
        }
        sb.append(" generation 0");
        if (ufrag != null) {
            sb.append(" ufrag ").append(ufrag);
        }
        return sb.toString();
    }

    /** The W3C {@code RTCIceCandidate.candidate} string: {@code "candidate:" + toSdpValue()}. */
    public String toCandidateString() {
        return "candidate:" + toSdpValue();
    }

    private static String host(InetSocketAddress a) {
        return a.getHostString(); // never a reverse lookup: literal for resolved, the name for unresolved
    }

    /**
     * Parses a candidate attribute value, with or without the {@code a=} and {@code candidate:}
     * prefixes. Unknown extension attributes are skipped. Addresses that are not IP literals become
     * unresolved addresses; no DNS lookup happens.
     */
    public static Candidate parseSdpValue(String line) throws CandidateParseException {
        if (line == null) {
            throw new CandidateParseException("null candidate");
        }
        String s = line.strip();
        if (s.startsWith("a=")) {
            s = s.substring(2);
        }
        if (s.regionMatches(true, 0, "candidate:", 0, 10)) {
            s = s.substring(10);
        }
        String[] t = s.split("[ \t]+");
        if (t.length < 8) {
            throw new CandidateParseException("too few fields: " + t.length);
        }
        String foundation = t[0];
        if (foundation.isEmpty() || foundation.length() > 32 || !isIceChars(foundation)) {
            throw new CandidateParseException("bad foundation: " + foundation);
        }
        int component = parseInt(t[1], 1, 256, "component");
        String transport = t[2];
        if (!isToken(transport)) {
            throw new CandidateParseException("bad transport: " + transport);
        }
        long priority = parseLong(t[3], 1, 0xffffffffL, "priority");
        int port = parseInt(t[5], 0, 65535, "port");
        InetSocketAddress address = parseAddress(t[4], port);
        if (!"typ".equals(t[6])) {
            throw new CandidateParseException("expected 'typ', got " + t[6]);
        }
        CandidateType type = CandidateType.fromSpec(t[7]);
        if (type == null) {
            throw new CandidateParseException("unknown candidate type: " + t[7]);
        }
        String raddr = null;
        Integer rport = null;
        String ufrag = null;
        for (int i = 8; i + 1 < t.length; i += 2) {
            String name = t[i];
            String value = t[i + 1];
            switch (name) {
                case "raddr":
                    raddr = value;
                    break;
                case "rport":
                    rport = parseInt(value, 0, 65535, "rport");
                    break;
                case "ufrag":
                    ufrag = value;
                    break;
                default:
                    break; // generation, network-id, network-cost, tcptype...: not needed here
            }
        }
        if ((t.length - 8) % 2 != 0) {
            throw new CandidateParseException("extension without value: " + t[t.length - 1]);
        }
        InetSocketAddress related = null;
        if (raddr != null || rport != null) {
            if (raddr == null || rport == null) {
                throw new CandidateParseException("raddr and rport go together");
            }
            related = parseAddress(raddr, rport);
        }
        return new Candidate(foundation, component, transport, priority, address, type, related, null, ufrag);
    }

    /** An IP literal becomes a resolved address (no lookup); a hostname stays unresolved. */
    static InetSocketAddress parseAddress(String host, int port) throws CandidateParseException {
        if (host.isEmpty() || host.length() > 253) {
            throw new CandidateParseException("bad address: " + host);
        }
        byte[] v4 = parseIpv4(host);
        try {
            if (v4 != null) {
                return new InetSocketAddress(InetAddress.getByAddress(v4), port);
            }
            if (host.indexOf(':') >= 0) {
                String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
                for (int i = 0; i < h.length(); i++) {
                    char c = h.charAt(i);
                    boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
                            || c == ':' || c == '.';
                    if (!ok) {
                        throw new CandidateParseException("bad IPv6 address: " + host);
                    }
                }
                // A string with ':' is taken as an IPv6 literal: no name service lookup.
                InetAddress a = InetAddress.getByName(h);
                return new InetSocketAddress(a, port);
            }
        } catch (UnknownHostException e) {
            throw new CandidateParseException("bad address: " + host);
        }
        if (!isHostname(host)) {
            throw new CandidateParseException("bad address: " + host);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static byte[] parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3) {
                return null;
            }
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                char c = p.charAt(j);
                if (c < '0' || c > '9') {
                    return null;
                }
                v = v * 10 + (c - '0');
            }
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static boolean isHostname(String s) {
        boolean letter = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                letter = true;
            } else if (!((c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_')) {
                return false;
            }
        }
        return letter && !s.startsWith(".") && !s.startsWith("-");
    }

    static boolean isIceChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+'
                    || c == '/';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static int parseInt(String s, int min, int max, String what) throws CandidateParseException {
        return (int) parseLong(s, min, max, what);
    }

    private static long parseLong(String s, long min, long max, String what) throws CandidateParseException {
        if (s.isEmpty() || s.length() > 10) {
            throw new CandidateParseException("bad " + what + ": " + s);
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new CandidateParseException("bad " + what + ": " + s);
            }
            v = v * 10 + (c - '0');
        }
        if (v < min || v > max) {
            throw new CandidateParseException(what + " out of range: " + s);
        }
        return v;
    }

    @Override
    public String toString() {
        return "Candidate[" + toSdpValue() + (base != null ? ", base " + base : "") + "]";
    }
}
