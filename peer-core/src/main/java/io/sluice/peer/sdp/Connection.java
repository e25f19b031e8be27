package io.sluice.peer.sdp;

import java.util.List;

/**
 * A {@code c=} line: {@code c=<nettype> <addrtype> <connection-address>}, such as
 * {@code c=IN IP4 0.0.0.0}. The address is kept as written (it may carry a multicast
 * {@code /ttl/count} suffix, or be a domain name).
 */
public record Connection(String netType, String addrType, String address) {

    public Connection {
        SdpSyntax.checkToken(netType, "nettype");
        SdpSyntax.checkToken(addrType, "addrtype");
        SdpSyntax.checkNonWs(address, "connection address");
    }

    public static Connection ip4(String address) {
        return new Connection("IN", "IP4", address);
    }

    public static Connection ip6(String address) {
        return new Connection("IN", "IP6", address);
    }

    /** {@code c=IN IP4 0.0.0.0}, what JSEP writes before candidates are known. */
    public static Connection unspecified() {
        return ip4("0.0.0.0");
    }

    public boolean isIp4() {
        return "IN".equals(netType) && "IP4".equals(addrType);
    }

    public boolean isIp6() {
        return "IN".equals(netType) && "IP6".equals(addrType);
    }

    static Connection parse(String value) throws SdpParseException {
        List<String> f = SdpSyntax.fields(value, "connection");
        if (f.size() != 3) {
            throw new SdpParseException("connection needs 3 fields, found " + f.size());
        }
        SdpSyntax.requireToken(f.get(0), "nettype");
        SdpSyntax.requireToken(f.get(1), "addrtype");
        String address = f.get(2);
        if (!SdpSyntax.isNonWs(address)) {
            throw new SdpParseException("connection address contains whitespace or control characters");
        }
        if ("IP4".equals(f.get(1)) || "IP6".equals(f.get(1))) {
            for (int i = 0; i < address.length(); i++) {
                char c = address.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                        || c == '.' || c == ':' || c == '-' || c == '/' || c == '%' || c == '_')) {
                    throw new SdpParseException("bad character in connection address");
                }
            }
        }
        return new Connection(f.get(0), f.get(1), address);
    }

    /** The text after {@code c=}. */
    public String text() {
        return netType + " " + addrType + " " + address;
    }

    @Override
    public String toString() {
        return "c=" + text();
    }
}
