package io.sluice.gateway.bridge;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where callbacks may go. A callback's host is resolved, every address it resolves to is checked
 * against the refused ranges, and the connection is made to exactly those checked addresses: the
 * HTTP client gets its addresses from {@link #resolve} and resolves nothing itself, once per new
 * connection. A host that resolves to a refused address is refused whole (not filtered), so a
 * rebinding answer cannot slip a private address in.
 *
 * <p>Refused: loopback, unspecified and "this network" (0.0.0.0/8), private (10/8, 172.16/12,
 * 192.168/16, fc00::/7), shared address space (100.64/10), link-local (169.254/16, fe80::/10),
 * benchmarking (198.18/15), documentation and IETF protocol ranges, 6to4 relays, multicast and
 * reserved (224/3), the IPv6 translations and embeddings of IPv4 (::/96, ::ffff:0:0/96,
 * 64:ff9b::/96, 64:ff9b:1::/48, 2002::/16, 2001::/32), site-local fec0::/10. Host spellings that
 * one parser reads as an address and another as a name (127.1, 2130706433, 0x7f.1, 0177.0.0.1, a
 * trailing dot after an address, IPv6 zone ids, IPv4-mapped IPv6 literals) are refused before
 * any lookup. Hosts on the allow-list ({@code host} or {@code host:port}) skip the range check.
 */
final class CallbackTargets {

    /** A callback target refused: the host, or an address it resolved to, is in a refused range. */
    static final class Refused extends UnknownHostException {

        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private record Range(byte[] prefix, int bits, String name) {

        boolean contains(byte[] a) {
            if (a.length != prefix.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (prefix[full] & mask);
        }
    }

    private static final List<Range> REFUSED = List.of(
            range("0.0.0.0/8", "this network"), range("10.0.0.0/8", "private"),
            range("100.64.0.0/10", "shared address space (carrier-grade NAT)"), range("127.0.0.0/8", "loopback"),
            range("169.254.0.0/16", "link-local"), range("172.16.0.0/12", "private"),
            range("192.0.0.0/24", "IETF protocol assignments"), range("192.0.2.0/24", "documentation"),
            range("192.88.99.0/24", "6to4 relay anycast"), range("192.168.0.0/16", "private"),
            range("198.18.0.0/15", "benchmarking"), range("198.51.100.0/24", "documentation"),
            range("203.0.113.0/24", "documentation"), range("224.0.0.0/3", "multicast or reserved"),
            range("::/96", "unspecified, loopback or IPv4-compatible"),
            range("::ffff:0:0/96", "IPv4-mapped"), range("64:ff9b::/96", "NAT64"),
            range("64:ff9b:1::/48", "local NAT64"), range("100::/64", "discard-only"),
            range("2001::/32", "Teredo"), range("2001:db8::/32", "documentation"), range("2002::/16", "6to4"),
            range("fc00::/7", "unique local"), range("fe80::/10", "link-local"), range("fec0::/10", "site-local"),
            range("ff00::/8", "multicast"));

    private static Range range(String cidr, String name) {
        int slash = cidr.indexOf('/');
        try {
            return new Range(InetAddress.getByName(cidr.substring(0, slash)).getAddress(),
                    Integer.parseInt(cidr.substring(slash + 1)), name);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private final Set<String> allowed;
    private final CallbackResolver resolver;

    CallbackTargets(List<String> allowedHosts, CallbackResolver resolver) {
        this.allowed = Set.copyOf(allowedHosts);
        this.resolver = resolver;
    }

    /** Whether {@code host} (as the URL spells it, IPv6 in brackets or not) and {@code port} are allowed. */
    boolean allowed(String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        String bare = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        String bracketed = bare.contains(":") ? "[" + bare + "]" : bare;
        for (String a : allowed) {
            String e = a.toLowerCase(Locale.ROOT);
            if (e.equals(bare) || e.equals(bracketed) || e.equals(bare + ":" + port)
                    || e.equals(bracketed + ":" + port)) {
                return true;
            }
        }
        return false;
    }

    static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /**
     * The addresses to connect to for {@code host:port}: resolved once, each checked (unless the
     * target is allowed); throws {@link Refused} naming the refused address or spelling.
     */
    List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean allow = allowed(host, port);
        if (!allow) {
            checkSpelling(bare);
        }
        InetAddress[] addresses = resolver.resolve(bare);
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException("callback host does not resolve: " + host);
        }
        List<InetSocketAddress> out = new ArrayList<>(addresses.length);
        for (InetAddress a : addresses) {
            if (!allow) {
                String why = refusedRange(a);
                if (why != null) {
                    throw new Refused("callback host " + host + " resolves to a refused address (" + a.getHostAddress()
                            + ", " + why + "); allow it with sluice.bridges.http.allowed-hosts");
                }
            }
            // The literal address: the client connects to it and resolves nothing again.
            out.add(new InetSocketAddress(InetAddress.getByAddress(bare, a.getAddress()), port));
        }
        return out;
    }

    /** The name of the refused range {@code a} is in, or null when it may be called. */
    static String refusedRange(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return "local, private or multicast";
        }
        byte[] b = a.getAddress();
        for (Range r : REFUSED) {
            if (r.contains(b)) {
                return r.name();
            }
        }
        return null;
    }

    /**
     * Refuses host spellings that are addresses to one parser and names (or other addresses) to
     * another: IPv4 in anything but four decimal parts without leading zeros, IPv6 zone ids,
     * IPv4-mapped IPv6 literals, and a trailing dot after an address.
     */
    static void checkSpelling(String host) throws Refused {
        if (host.isEmpty()) {
            throw new Refused("callback URL has no host");
        }
        if (host.indexOf('%') >= 0) {
            throw new Refused("callback host " + host + " has a zone id or an escape; not allowed");
        }
        if (host.indexOf(':') >= 0) {
            InetAddress a;
            try {
                a = InetAddress.getByName("[" + host + "]");
            } catch (UnknownHostException e) {
                throw new Refused("callback host " + host + " is not an IPv6 address");
            }
            if (a instanceof Inet4Address || a instanceof Inet6Address six && six.isIPv4CompatibleAddress()) {
                throw new Refused("callback host " + host + " is IPv4 inside IPv6; not allowed");
            }
            return;
        }
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String last = h.substring(h.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        if (!last.matches("[0-9]+|0x[0-9a-f]*")) {
            return; // a name: its last label is not a number (top-level domains are not)
        }
        if (host.endsWith(".") || !canonicalIpv4(h)) {
            throw new Refused("callback host " + host + " is an IPv4 address in an ambiguous spelling; write it as "
                    + "four decimal numbers (a.b.c.d) without leading zeros");
        }
    }

    private static boolean canonicalIpv4(String h) {
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || p.length() > 1 && p.charAt(0) == '0' || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }
}
