package io.sluice.peer.sdp;

import java.util.List;

/**
 * The {@code o=} line: {@code o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>}.
 * Session id and version are kept as decimal strings: RFC 8866 puts no bound on their length.
 */
public record Origin(String username, String sessionId, String sessionVersion, String netType, String addrType,
        String address) {

    public Origin {
        SdpSyntax.checkNonWs(username, "username");
        if (!SdpSyntax.isDigits(sessionId) || sessionId.length() > 32) {
            throw new IllegalArgumentException("session id must be 1-32 digits: " + sessionId);
        }
        if (!SdpSyntax.isDigits(sessionVersion) || sessionVersion.length() > 32) {
            throw new IllegalArgumentException("session version must be 1-32 digits: " + sessionVersion);
        }
        SdpSyntax.checkToken(netType, "nettype");
        SdpSyntax.checkToken(addrType, "addrtype");
        SdpSyntax.checkNonWs(address, "address");
    }

    /** What JSEP puts in a generated offer: {@code o=- <id> <version> IN IP4 127.0.0.1}. */
    public static Origin jsep(long sessionId, long sessionVersion) {
        if (sessionId < 0 || sessionVersion < 0) {
            throw new IllegalArgumentException("session id and version must not be negative");
        }
        return new Origin("-", Long.toString(sessionId), Long.toString(sessionVersion), "IN", "IP4", "127.0.0.1");
    }

    /** The same origin with another session version (incremented on each new local description). */
    public Origin withSessionVersion(String version) {
        return new Origin(username, sessionId, version, netType, addrType, address);
    }

    static Origin parse(String value) throws SdpParseException {
        List<String> f = SdpSyntax.fields(value, "origin");
        if (f.size() != 6) {
            throw new SdpParseException("origin needs 6 fields, found " + f.size());
        }
        for (int i = 1; i <= 2; i++) {
            String what = i == 1 ? "session id" : "session version";
            if (!SdpSyntax.isDigits(f.get(i))) {
                throw new SdpParseException(what + " is not a number");
            }
            if (f.get(i).length() > 32) {
                throw new SdpParseException(what + " is too long");
            }
        }
        if (!SdpSyntax.isNonWs(f.get(0)) || !SdpSyntax.isNonWs(f.get(5))) {
            throw new SdpParseException("origin contains whitespace or control characters");
        }
        SdpSyntax.requireToken(f.get(3), "nettype");
        SdpSyntax.requireToken(f.get(4), "addrtype");
        return new Origin(f.get(0), f.get(1), f.get(2), f.get(3), f.get(4), f.get(5));
    }

    /** The text after {@code o=}. */
    public String text() {
        return username + " " + sessionId + " " + sessionVersion + " " + netType + " " + addrType + " " + address;
    }

    @Override
    public String toString() {
        return "o=" + text();
    }
}
