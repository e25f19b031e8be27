package io.sluice.peer.sdp;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code a=fingerprint:<hash-func> <XX:XX:...>} (RFC 8122, RFC 8842): the hash of a DTLS
 * certificate. Several may be given at one level. The digest length is checked against the
 * hash function when the function is known.
 */
public record Fingerprint(String hashFunction, byte[] digest) {

    public static final String NAME = "fingerprint";
    private static final int MAX_DIGEST = 64;

    public Fingerprint {
        SdpSyntax.checkToken(hashFunction, "hash function");
        if (digest == null || digest.length == 0 || digest.length > MAX_DIGEST) {
            throw new IllegalArgumentException("digest must be 1-" + MAX_DIGEST + " bytes");
        }
        int expected = expectedLength(hashFunction);
        if (expected > 0 && digest.length != expected) {
            throw new IllegalArgumentException(hashFunction + " digest must be " + expected + " bytes");
        }
        digest = digest.clone();
    }

    /** A copy of the digest bytes. */
    @Override
    public byte[] digest() {
        return digest.clone();
    }

    /** Digest length in bytes for the hash functions of RFC 8122, or 0 when unknown. */
    static int expectedLength(String hashFunction) {
        switch (hashFunction.toLowerCase(Locale.ROOT)) {
            case "sha-1": return 20;
            case "sha-224": return 28;
            case "sha-256": return 32;
            case "sha-384": return 48;
            case "sha-512": return 64;
            case "md5": case "md2": return 16;
            default: return 0;
        }
    }

    public static Fingerprint parse(String value) throws SdpParseException {
        int sp = value.indexOf(' ');
        if (sp < 0) {
            throw new SdpParseException("fingerprint needs <hash-function> <hex>");
        }
        String hash = SdpSyntax.requireToken(value.substring(0, sp), "hash function");
        String hex = value.substring(sp + 1);
        if (hex.isEmpty()) {
            throw new SdpParseException("fingerprint digest is empty");
        }
        if ((hex.length() + 1) % 3 != 0) {
            throw new SdpParseException("fingerprint is not colon-separated hex bytes");
        }
        int n = (hex.length() + 1) / 3;
        if (n > MAX_DIGEST) {
            throw new SdpParseException("fingerprint digest is longer than " + MAX_DIGEST + " bytes");
        }
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            int hi = Character.digit(hex.charAt(3 * i), 16);
            int lo = Character.digit(hex.charAt(3 * i + 1), 16);
            if (hi < 0 || lo < 0 || hex.charAt(3 * i) > 'f' || hex.charAt(3 * i + 1) > 'f') {
                throw new SdpParseException("fingerprint has a bad hex digit");
            }
            if (i < n - 1 && hex.charAt(3 * i + 2) != ':') {
                throw new SdpParseException("fingerprint is not colon-separated hex bytes");
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        int expected = expectedLength(hash);
        if (expected > 0 && n != expected) {
            throw new SdpParseException(hash + " fingerprint must be " + expected + " bytes, found " + n);
        }
        return new Fingerprint(hash, out);
    }

    /** The digest as upper-case hex bytes joined by colons, as written in SDP. */
    public String hex() {
        return hex(digest);
    }

    /** Bytes as upper-case hex joined by colons, the SDP form of a digest. */
    public static String hex(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length * 3);
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0) {
                b.append(':');
            }
            b.append(Character.toUpperCase(Character.forDigit(bytes[i] >> 4 & 0xf, 16)));
            b.append(Character.toUpperCase(Character.forDigit(bytes[i] & 0xf, 16)));
        }
        return b.toString();
    }

    /** True when the hash functions match (case-insensitively) and the digests are equal. */
    public boolean matches(String otherHash, byte[] otherDigest) {
        return hashFunction.equalsIgnoreCase(otherHash) && Arrays.equals(digest, otherDigest);
    }

    public String value() {
        return hashFunction + " " + hex();
    }

    public Attribute toAttribute() {
        return new Attribute(NAME, value());
    }

    static List<Fingerprint> all(List<Attribute> attributes) {
        return Views.list(attributes, NAME, Fingerprint::parse);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint && ((Fingerprint) o).hashFunction.equalsIgnoreCase(hashFunction)
                && Arrays.equals(((Fingerprint) o).digest, digest);
    }

    @Override
    public int hashCode() {
        return hashFunction.toLowerCase(Locale.ROOT).hashCode() * 31 + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "a=" + NAME + ":" + value();
    }
}
