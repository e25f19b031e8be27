package io.sluice.peer.api;

import io.sluice.peer.api.error.NotSupportedError;
import io.sluice.peer.api.error.TypeError;
import io.sluice.peer.dtls.DtlsCertificate;
import io.sluice.peer.dtls.DtlsFingerprint;
import io.sluice.peer.time.RandomSource;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * W3C RTCCertificate: the DTLS identity of a peer connection. Made by
 * {@link RTCPeerConnection#generateCertificate}, or from PEM with {@link #fromPem(String)} so a
 * backend can keep one across connections.
 */
public final class RTCCertificate {

    /** W3C RTCDtlsFingerprint. */
    public record RTCDtlsFingerprint(String algorithm, String value) {
    }

    /**
     * The keygen algorithm of {@code generateCertificate}: {@code {name: "ECDSA", namedCurve: "P-256"}}
     * or {@code {name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: 65537, hash: "SHA-256"}},
     * with an optional {@code expires} in milliseconds.
     */
    public record KeygenAlgorithm(String name, String namedCurve, Integer modulusLength, Long publicExponent,
            String hash, Long expires) {

        public static KeygenAlgorithm ecdsaP256() {
            return new KeygenAlgorithm("ECDSA", "P-256", null, null, null, null);
        }

        public static KeygenAlgorithm rsa2048() {
            return new KeygenAlgorithm("RSASSA-PKCS1-v1_5", null, 2048, 65537L, "SHA-256", null);
        }

        public KeygenAlgorithm withExpires(long millis) {
            return new KeygenAlgorithm(name, namedCurve, modulusLength, publicExponent, hash, millis);
        }
    }

    private final DtlsCertificate certificate;

    RTCCertificate(DtlsCertificate certificate) {
        this.certificate = Objects.requireNonNull(certificate);
    }

    static RTCCertificate generate(KeygenAlgorithm algorithm, long nowMillis, RandomSource random) {
        if (algorithm == null || algorithm.name() == null) {
            throw new TypeError("keygenAlgorithm needs a name");
        }
        Duration validity = DtlsCertificate.DEFAULT_VALIDITY;
        if (algorithm.expires() != null) {
            if (algorithm.expires() < 0) {
                throw new TypeError("expires must not be negative");
            }
            validity = Duration.ofMillis(algorithm.expires());
        }
        String name = algorithm.name().toUpperCase(Locale.ROOT);
        DtlsCertificate.KeyType type;
        if (name.equals("ECDSA")) {
            if (algorithm.namedCurve() != null && !algorithm.namedCurve().equals("P-256")) {
                throw new NotSupportedError("ECDSA curve " + algorithm.namedCurve() + " is not supported; use P-256");
            }
            type = DtlsCertificate.KeyType.ECDSA_P256;
        } else if (name.equals("RSASSA-PKCS1-V1_5")) {
            if (algorithm.modulusLength() != null && algorithm.modulusLength() != 2048) {
                throw new NotSupportedError("RSA modulus length " + algorithm.modulusLength()
                        + " is not supported; use 2048");
            }
            if (algorithm.publicExponent() != null && algorithm.publicExponent() != 65537L) {
                throw new NotSupportedError("RSA public exponent must be 65537");
            }
            if (algorithm.hash() != null && !algorithm.hash().equalsIgnoreCase("SHA-256")) {
                throw new NotSupportedError("RSA hash " + algorithm.hash() + " is not supported; use SHA-256");
            }
            type = DtlsCertificate.KeyType.RSA_2048;
        } else {
            throw new NotSupportedError("keygen algorithm " + algorithm.name()
                    + " is not supported; use ECDSA (P-256) or RSASSA-PKCS1-v1_5 (2048)");
        }
        return new RTCCertificate(DtlsCertificate.generate(type, validity, nowMillis, random));
    }

    /** Reads a certificate and its private key from PEM (as written by {@link #toPem()}). */
    public static RTCCertificate fromPem(String pem) {
        try {
            return new RTCCertificate(DtlsCertificate.fromPem(pem));
        } catch (RuntimeException e) {
            throw new TypeError("not a PEM certificate with its private key: " + e.getMessage());
        }
    }

    /** Certificate and private key as PEM. The key is a secret: store it as one. */
    public String toPem() {
        return certificate.toPem();
    }

    /** Expiry, in milliseconds since the epoch. */
    public long expires() {
        return certificate.expires();
    }

    /** The SHA-256 fingerprint, the one our descriptions carry. */
    public List<RTCDtlsFingerprint> getFingerprints() {
        DtlsFingerprint f = certificate.fingerprint();
        String sdp = f.toSdp();
        return List.of(new RTCDtlsFingerprint(f.algorithm(), sdp.substring(sdp.indexOf(' ') + 1)));
    }

    DtlsCertificate dtls() {
        return certificate;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RTCCertificate other && other.certificate == certificate;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(certificate);
    }

    @Override
    public String toString() {
        return "RTCCertificate[" + certificate.keyType() + ", expires=" + certificate.expires() + "]";
    }
}
