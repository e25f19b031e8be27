package io.sluice.peer.sdp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code a=rid:<id> send|recv [<restrictions>]} (RFC 8851), such as
 * {@code a=rid:h send pt=96;max-width=1280}. Restrictions are kept verbatim (null when absent).
 */
public record Rid(String id, Dir direction, String restrictions) {

    public static final String NAME = "rid";

    /** Whether the rid describes a stream sent or received by the description's author. */
    public enum Dir {
        SEND("send"), RECV("recv");

        private final String spec;

        Dir(String spec) {
            this.spec = spec;
        }

        public String spec() {
            return spec;
        }
    }

    public Rid {
        if (!isRidId(id)) {
            throw new IllegalArgumentException("rid id must be letters, digits, - or _: " + id);
        }
        if (direction == null) {
            throw new IllegalArgumentException("rid direction is null");
        }
        if (restrictions != null) {
            SdpSyntax.checkNonWs(restrictions, "rid restrictions");
        }
    }

    public static Rid send(String id) {
        return new Rid(id, Dir.SEND, null);
    }

    public static Rid recv(String id) {
        return new Rid(id, Dir.RECV, null);
    }

    static boolean isRidId(String s) {
        if (s == null || s.isEmpty() || s.length() > 255) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** Restrictions split at {@code ;} into {@code key=value} pairs, in order. */
    public Map<String, String> restrictionMap() {
        Map<String, String> out = new LinkedHashMap<>();
        if (restrictions != null) {
            for (String part : restrictions.split(";")) {
                if (part.isEmpty()) {
                    continue;
                }
                int eq = part.indexOf('=');
                out.putIfAbsent(eq < 0 ? part : part.substring(0, eq), eq < 0 ? "" : part.substring(eq + 1));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    public static Rid parse(String value) throws SdpParseException {
        String[] f = value.split(" ", -1);
        if (f.length < 2 || f.length > 3) {
            throw new SdpParseException("rid needs <id> send|recv [<restrictions>]");
        }
        if (!isRidId(f[0])) {
            throw new SdpParseException("rid id must be letters, digits, - or _");
        }
        Dir dir;
        if ("send".equals(f[1])) {
            dir = Dir.SEND;
        } else if ("recv".equals(f[1])) {
            dir = Dir.RECV;
        } else {
            throw new SdpParseException("rid direction must be send or recv");
        }
        if (f.length == 3 && !SdpSyntax.isNonWs(f[2])) {
            throw new SdpParseException("rid restrictions are empty");
        }
        return new Rid(f[0], dir, f.length == 3 ? f[2] : null);
    }

    public String value() {
        return id + " " + direction.spec() + (restrictions == null ? "" : " " + restrictions);
    }

    public Attribute toAttribute() {
        return new Attribute(NAME, value());
    }
}
