package io.sluice.peer.ice;

import io.sluice.peer.sdp.SdpCandidate;
import io.sluice.peer.sdp.SdpParseException;
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
     * prefixes (the SDP grammar is {@link SdpCandidate}'s). Addresses that are not IP literals
     * become unresolved addresses; no DNS lookup happens.
     */
    public static Candidate parseSdpValue(String line) throws CandidateParseException {
        if (line == null) {
            throw new CandidateParseException("null candidate");
        }
        try {
            return fromSdp(SdpCandidate.parse(line.strip()));
        } catch (SdpParseException e) {
            throw new CandidateParseException(e.reason());
        }
    }

    /** The agent's view of a parsed SDP candidate (remote: no base). */
    public static Candidate fromSdp(SdpCandidate c) throws CandidateParseException {
        if (c.priority() == 0) {
            throw new CandidateParseException("priority out of range: 0");
        }
        InetSocketAddress address = parseAddress(c.address(), c.port());
        InetSocketAddress related = null;
        if (c.relatedAddress() != null || c.relatedPort() != null) {
            if (c.relatedAddress() == null || c.relatedPort() == null) {
                throw new CandidateParseException("raddr and rport go together");
            }
            related = parseAddress(c.relatedAddress(), c.relatedPort());
        }
        CandidateType type = CandidateType.fromSpec(c.type().spec());
        return new Candidate(c.foundation(), c.component(), c.transport(), c.priority(), address, type, related,
                null, c.ufrag());
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
                // InetAddress reads a string as a literal only when it starts with a hex digit or ':';
                // anything else (".:") it would look up in the name service.
                if (h.isEmpty() || Character.digit(h.charAt(0), 16) < 0 && h.charAt(0) != ':') {
                    throw new CandidateParseException("bad IPv6 address: " + host);
                }
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

    @Override
    public String toString() {
        return "Candidate[" + toSdpValue() + (base != null ? ", base " + base : "") + "]";
    }
}
