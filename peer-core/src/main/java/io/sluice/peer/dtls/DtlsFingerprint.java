package io.sluice.peer.dtls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A certificate fingerprint as carried by SDP {@code a=fingerprint} (RFC 8122 §5):
 * {@code hash-func SP fingerprint}, where the fingerprint is upper-case hex bytes joined by colons,
 * for example {@code sha-256 AB:CD:...}. WebRTC certificates are self-signed, so this is the only
 * thing that authenticates a peer (RFC 8827 §6.5).
 *
 * @param algorithm the hash function, lower case as in SDP: sha-1, sha-224, sha-256, sha-384, sha-512
 * @param value     the digest bytes
 */
public record DtlsFingerprint(String algorithm, byte[] value) {

    /** Hash functions we can compute; in SDP spelling. */
    public static final List<String> SUPPORTED = List.of("sha-1", "sha-224", "sha-256", "sha-384", "sha-512");

    public DtlsFingerprint {
        algorithm = algorithm.toLowerCase(Locale.ROOT);
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** True when the hash function is one of {@link #SUPPORTED}. */
    public boolean isSupported() {
        return SUPPORTED.contains(algorithm);
    }

    /** Computes the fingerprint of a DER certificate; the algorithm must be one of {@link #SUPPORTED}. */
    public static DtlsFingerprint of(String algorithm, byte[] der) {
        return new DtlsFingerprint(algorithm, digest(algorithm, der));
    }

    /**
     * Parses the value of an {@code a=fingerprint} attribute ({@code "sha-256 AB:CD:..."}).
     *
     * @throws IllegalArgumentException with the reason, if the text is not a fingerprint
     */
    public static DtlsFingerprint parse(String sdpValue) {
        if (sdpValue == null) {
            throw new IllegalArgumentException("fingerprint: null");
        }
        try {
            io.sluice.peer.sdp.Fingerprint f = io.sluice.peer.sdp.Fingerprint.parse(sdpValue.trim());
            return new DtlsFingerprint(f.hashFunction(), f.digest());
        } catch (io.sluice.peer.sdp.SdpParseException e) {
            throw new IllegalArgumentException("fingerprint: " + e.getMessage(), e);
        }
    }

    /** The SDP form: {@code sha-256 AB:CD:...}. */
    public String toSdp() {
        return algorithm + " " + hex(value);
    }

    /** True when {@code der} hashes to this fingerprint; constant-time in the digest. False for unsupported hashes. */
    public boolean matches(byte[] der) {
        if (!isSupported() || der == null) {
            return false;
        }
        return MessageDigest.isEqual(digest(algorithm, der), value);
    }

    /**
     * True when the certificate matches at least one fingerprint whose hash function we support.
     * Fingerprints with unknown hash functions are ignored; with none we support, nothing matches.
     */
    public static boolean anyMatches(List<DtlsFingerprint> fingerprints, byte[] der) {
        boolean matched = false;
        for (DtlsFingerprint f : fingerprints) {
            // no early exit: the time taken does not depend on which entry matched
            matched |= f.matches(der);
        }
        return matched;
    }

    static byte[] digest(String sdpAlgorithm, byte[] data) {
        String jca;
        switch (sdpAlgorithm.toLowerCase(Locale.ROOT)) {
            case "sha-1":
                jca = "SHA-1";
                break;
            case "sha-224":
                jca = "SHA-224";
                break;
            case "sha-256":
                jca = "SHA-256";
                break;
            case "sha-384":
                jca = "SHA-384";
                break;
            case "sha-512":
                jca = "SHA-512";
                break;
            default:
                throw new IllegalArgumentException("unsupported fingerprint hash function: " + sdpAlgorithm);
        }
        try {
            return MessageDigest.getInstance(jca).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks " + jca, e);
        }
    }

    static String hex(byte[] bytes) {
        return io.sluice.peer.sdp.Fingerprint.hex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DtlsFingerprint && ((DtlsFingerprint) o).algorithm.equals(algorithm)
                && Arrays.equals(((DtlsFingerprint) o).value, value);
    }

    @Override
    public int hashCode() {
        return algorithm.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return toSdp();
    }
}
