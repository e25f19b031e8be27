package io.sluice.peer.api;

import io.sluice.peer.api.error.SyntaxError;
import io.sluice.peer.api.error.InvalidAccessError;
import java.util.List;
import java.util.Locale;

/**
 * W3C RTCIceServer: one or more {@code stun:}, {@code stuns:}, {@code turn:} or {@code turns:}
 * URLs (RFC 7064, RFC 7065) with the credentials TURN needs.
 */
public record RTCIceServer(List<String> urls, String username, String credential) {

    public RTCIceServer {
        urls = List.copyOf(urls);
    }

    public static RTCIceServer of(String... urls) {
        return new RTCIceServer(List.of(urls), null, null);
    }

    public static RTCIceServer turn(String url, String username, String credential) {
        return new RTCIceServer(List.of(url), username, credential);
    }

    /** A parsed ICE server URL. */
    public record Url(String scheme, String host, int port, String transport, String text) {

        public boolean isStun() {
            return scheme.startsWith("stun");
        }

        public boolean isTurn() {
            return scheme.startsWith("turn");
        }

        public boolean isSecure() {
            return scheme.endsWith("s");
        }
    }

    /**
     * Validates every URL as the W3C "validate an ICE server" steps do: SyntaxError for a URL that
     * does not parse, InvalidAccessError for TURN without username and credential.
     */
    public List<Url> parseUrls() {
        if (urls.isEmpty()) {
            throw new SyntaxError("RTCIceServer.urls is empty");
        }
        return urls.stream().map(this::parseOne).toList();
    }

    private Url parseOne(String text) {
        if (text == null) {
            throw new SyntaxError("ICE server URL is null");
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new SyntaxError("ICE server URL has no scheme: " + text);
        }
        String scheme = text.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("stun") && !scheme.equals("stuns") && !scheme.equals("turn") && !scheme.equals("turns")) {
            throw new SyntaxError("ICE server URL scheme must be stun, stuns, turn or turns: " + text);
        }
        String rest = text.substring(colon + 1);
        String transport = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            if (scheme.startsWith("stun")) {
                throw new SyntaxError("stun URLs take no query: " + text);
            }
            String query = rest.substring(q + 1);
            rest = rest.substring(0, q);
            if (!query.startsWith("transport=")) {
                throw new SyntaxError("unknown query in ICE server URL: " + text);
            }
            transport = query.substring("transport=".length()).toLowerCase(Locale.ROOT);
            if (!transport.equals("udp") && !transport.equals("tcp")) {
                throw new SyntaxError("transport must be udp or tcp: " + text);
            }
        }
        if (rest.startsWith("//") || rest.contains("@") || rest.contains("/")) {
            throw new SyntaxError("ICE server URL must be scheme:host[:port]: " + text);
        }
        String host;
        int port = scheme.endsWith("s") ? 5349 : 3478;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new SyntaxError("unterminated IPv6 literal: " + text);
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new SyntaxError("junk after IPv6 literal: " + text);
                }
                port = parsePort(after.substring(1), text);
            }
        } else {
            int pc = rest.lastIndexOf(':');
            if (pc >= 0) {
                host = rest.substring(0, pc);
                port = parsePort(rest.substring(pc + 1), text);
            } else {
                host = rest;
            }
        }
        if (host.isEmpty()) {
            throw new SyntaxError("ICE server URL has no host: " + text);
        }
        if (scheme.startsWith("turn") && (username == null || credential == null)) {
            throw new InvalidAccessError("TURN server " + text + " needs a username and a credential");
        }
        return new Url(scheme, host, port, transport, text);
    }

    private static int parsePort(String s, String text) {
        try {
            int p = Integer.parseInt(s);
            if (p < 1 || p > 65535) {
                throw new SyntaxError("port out of range in ICE server URL: " + text);
            }
            return p;
        } catch (NumberFormatException e) {
            throw new SyntaxError("bad port in ICE server URL: " + text);
        }
    }

    @Override
    public String toString() {
        // The credential is a secret: never printed.
        return "RTCIceServer[urls=" + urls + ", username=" + username + "]";
    }
}
