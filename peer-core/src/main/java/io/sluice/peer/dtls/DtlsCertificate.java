package io.sluice.peer.dtls;

import io.sluice.peer.time.RandomSource;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Date;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed certificate and its private key, as an {@code RTCCertificate} holds them
 * (W3C webrtc-pc §4.9): ECDSA P-256 with SHA-256 by default, or RSA 2048 with
 * RSASSA-PKCS1-v1_5 SHA-256. Keys and signatures come from the default JCA providers.
 *
 * <p>Immutable and thread-safe. The private key never appears in {@link #toString()}.
 */
public final class DtlsCertificate {

    /** Key and signature algorithm of a generated certificate. */
    public enum KeyType {
        /** ECDSA over P-256 (secp256r1), signed with SHA-256. */
        ECDSA_P256,
        /** RSA 2048, public exponent 65537, RSASSA-PKCS1-v1_5 with SHA-256. */
        RSA_2048
    }

    /** The W3C default lifetime of a generated certificate (webrtc-pc §4.9.1: 30 days). */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(30);

    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final KeyType keyType;
    private final byte[] der;

    private DtlsCertificate(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        if (certificate.getPublicKey() instanceof ECPublicKey) {
            this.keyType = KeyType.ECDSA_P256;
        } else if (certificate.getPublicKey() instanceof RSAPublicKey) {
            this.keyType = KeyType.RSA_2048;
        } else {
            throw new IllegalArgumentException("unsupported key: " + certificate.getPublicKey().getAlgorithm());
        }
        try {
            this.der = certificate.getEncoded();
        } catch (CertificateException e) {
            throw new IllegalArgumentException("cannot encode certificate", e);
        }
    }

    /** An ECDSA P-256 certificate valid for {@link #DEFAULT_VALIDITY} from {@code nowMillis}. */
    public static DtlsCertificate generate(long nowMillis, RandomSource random) {
        return generate(KeyType.ECDSA_P256, DEFAULT_VALIDITY, nowMillis, random);
    }

    /**
     * Generates a key pair and a self-signed certificate.
     *
     * @param keyType   the key and signature algorithm
     * @param validity  lifetime from {@code nowMillis}; {@link #expires()} is {@code nowMillis + validity}
     *                  (rounded down to the second, as X.509 stores it)
     * @param nowMillis the current wall-clock time, epoch milliseconds
     * @param random    source of the serial number and common name (the key pair always uses a
     *                  {@link SecureRandom})
     */
    public static DtlsCertificate generate(KeyType keyType, Duration validity, long nowMillis, RandomSource random) {
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive: " + validity);
        }
        try {
            KeyPairGenerator kpg;
            String sigAlg;
            if (keyType == KeyType.ECDSA_P256) {
                kpg = KeyPairGenerator.getInstance("EC", EcFastCrypto.BC); // ~10x SunEC's speed on JDK 17
                kpg.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
                sigAlg = "SHA256withECDSA";
            } else {
                kpg = KeyPairGenerator.getInstance("RSA");
                kpg.initialize(new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4), new SecureRandom());
                sigAlg = "SHA256withRSA";
            }
            KeyPair kp = kpg.generateKeyPair();
            JcaContentSignerBuilder signer = new JcaContentSignerBuilder(sigAlg);
            if (keyType == KeyType.ECDSA_P256) {
                signer.setProvider(EcFastCrypto.BC);
            }

            byte[] serialBytes = new byte[8];
            random.nextBytes(serialBytes);
            serialBytes[0] &= 0x7f;
            BigInteger serial = new BigInteger(1, serialBytes).max(BigInteger.ONE);
            byte[] cnBytes = new byte[8];
            random.nextBytes(cnBytes);
            X500Name name = new X500Name("CN=" + new BigInteger(1, cnBytes).toString(16));

            // a day of slack in notBefore for peers whose clocks lag (as browsers do)
            Date notBefore = new Date(nowMillis - Duration.ofDays(1).toMillis());
            Date notAfter = new Date(nowMillis + validity.toMillis());
            X509CertificateHolder holder = new JcaX509v3CertificateBuilder(
                    name, serial, notBefore, notAfter, name, kp.getPublic())
                    .build(signer.build(kp.getPrivate()));
            return new DtlsCertificate(toX509(holder.getEncoded()), kp.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("certificate generation failed", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Wraps an existing certificate and its private key (for example from a key store). */
    public static DtlsCertificate of(X509Certificate certificate, PrivateKey privateKey) {
        return new DtlsCertificate(certificate, privateKey);
    }

    public KeyType keyType() {
        return keyType;
    }

    /** The certificate in DER form (a copy). */
    public byte[] der() {
        return der.clone();
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The private key; for the DTLS engine and for {@link #toPem()} only. Never log it. */
    PrivateKey privateKey() {
        return privateKey;
    }

    /** The end of validity, epoch milliseconds ({@code RTCCertificate.expires}). */
    public long expires() {
        return certificate.getNotAfter().getTime();
    }

    public boolean isExpired(long nowMillis) {
        return nowMillis >= expires();
    }

    /** The fingerprint with the given SDP hash function name (sha-1, sha-224, sha-256, sha-384, sha-512). */
    public DtlsFingerprint fingerprint(String hashAlgorithm) {
        return DtlsFingerprint.of(hashAlgorithm, der);
    }

    /** The SHA-256 fingerprint, the one WebRTC endpoints put in SDP. */
    public DtlsFingerprint fingerprint() {
        return fingerprint("sha-256");
    }

    /**
     * The certificate and its private key as PEM ({@code CERTIFICATE} then {@code PRIVATE KEY},
     * unencrypted PKCS#8). The result is a secret: store it as one.
     */
    public String toPem() {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(certificate);
            w.writeObject(new JcaPKCS8Generator(privateKey, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw.toString();
    }

    /**
     * Reads a certificate and its private key from PEM as written by {@link #toPem()}; also
     * accepts the traditional {@code EC PRIVATE KEY}/{@code RSA PRIVATE KEY} forms.
     *
     * @throws IllegalArgumentException if either part is missing, the key does not belong to
     *                                  the certificate's key type, or the PEM is unreadable
     */
    public static DtlsCertificate fromPem(String pem) {
        X509Certificate cert = null;
        PrivateKey key = null;
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o;
            while ((o = p.readObject()) != null) {
                if (o instanceof X509CertificateHolder) {
                    if (cert == null) {
                        cert = toX509(((X509CertificateHolder) o).getEncoded());
                    }
                } else if (o instanceof PrivateKeyInfo) {
                    key = conv.getPrivateKey((PrivateKeyInfo) o);
                } else if (o instanceof PEMKeyPair) {
                    key = conv.getKeyPair((PEMKeyPair) o).getPrivate();
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new IllegalArgumentException("unreadable PEM: " + e.getMessage(), e);
        }
        if (cert == null) {
            throw new IllegalArgumentException("PEM has no CERTIFICATE");
        }
        if (key == null) {
            throw new IllegalArgumentException("PEM has no PRIVATE KEY");
        }
        String certAlg = cert.getPublicKey().getAlgorithm();
        if (!certAlg.equals(key.getAlgorithm()) && !("EC".equals(certAlg) && "ECDSA".equals(key.getAlgorithm()))) {
            throw new IllegalArgumentException("key algorithm " + key.getAlgorithm() + " does not match certificate " + certAlg);
        }
        if (!keyBelongsTo(key, cert)) {
            throw new IllegalArgumentException("the private key does not belong to the certificate");
        }
        return new DtlsCertificate(cert, key);
    }

    /** Signs a probe with the key and verifies it with the certificate's public key. */
    private static boolean keyBelongsTo(PrivateKey key, X509Certificate cert) {
        try {
            String alg = "EC".equals(cert.getPublicKey().getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
            byte[] probe = "sluice key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.security.Signature s = java.security.Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            s.initVerify(cert.getPublicKey());
            s.update(probe);
            return s.verify(sig);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static X509Certificate toX509(byte[] der) throws CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    @Override
    public String toString() {
        return "DtlsCertificate{" + keyType + ", " + fingerprint() + ", expires=" + expires() + "}";
    }
}
