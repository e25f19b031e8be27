package io.sluice.peer.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.peer.time.RandomSource;

import java.security.Signature;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class DtlsCertificateTest {

    private static final long NOW = 1_760_000_000_000L;

    @Test
    void ecdsaDefaultsToThirtyDaysAndP256() throws Exception {
        DtlsCertificate c = DtlsCertificate.generate(NOW, RandomSource.seeded(1));
        assertThat(c.keyType()).isEqualTo(DtlsCertificate.KeyType.ECDSA_P256);
        assertThat(c.expires()).isEqualTo(NOW + Duration.ofDays(30).toMillis());
        assertThat(c.certificate().getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(c.certificate().getSubjectX500Principal()).isEqualTo(c.certificate().getIssuerX500Principal());
        assertThat(c.certificate().getSubjectX500Principal().getName()).startsWith("CN=");
        assertThat(c.certificate().getSerialNumber().signum()).isPositive();
        c.certificate().verify(c.certificate().getPublicKey());
        assertThat(c.isExpired(NOW)).isFalse();
        assertThat(c.isExpired(c.expires())).isTrue();
    }

    @Test
    void rsaWithCustomValidity() throws Exception {
        DtlsCertificate c = DtlsCertificate.generate(DtlsCertificate.KeyType.RSA_2048, Duration.ofDays(365), NOW,
                RandomSource.seeded(2));
        assertThat(c.keyType()).isEqualTo(DtlsCertificate.KeyType.RSA_2048);
        assertThat(c.certificate().getSigAlgName()).isEqualTo("SHA256withRSA");
        assertThat(((java.security.interfaces.RSAPublicKey) c.certificate().getPublicKey()).getModulus().bitLength()).isEqualTo(2048);
        assertThat(c.expires()).isEqualTo(NOW + Duration.ofDays(365).toMillis());
    }

    @Test
    void serialAndNameAreRandom() {
        DtlsCertificate a = DtlsCertificate.generate(NOW, RandomSource.seeded(1));
        DtlsCertificate b = DtlsCertificate.generate(NOW, RandomSource.seeded(2));
        assertThat(a.certificate().getSerialNumber()).isNotEqualTo(b.certificate().getSerialNumber());
        assertThat(a.certificate().getSubjectX500Principal()).isNotEqualTo(b.certificate().getSubjectX500Principal());
        assertThatThrownBy(() -> DtlsCertificate.generate(DtlsCertificate.KeyType.ECDSA_P256, Duration.ZERO, NOW, RandomSource.seeded(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fingerprintsInSdpForm() throws Exception {
        DtlsCertificate c = DtlsCertificate.generate(NOW, RandomSource.seeded(3));
        byte[] sha256 = java.security.MessageDigest.getInstance("SHA-256").digest(c.der());
        DtlsFingerprint f = c.fingerprint("sha-256");
        assertThat(f.value()).isEqualTo(sha256);
        assertThat(f.toSdp()).matches("sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(c.fingerprint("sha-1").toSdp()).matches("sha-1 ([0-9A-F]{2}:){19}[0-9A-F]{2}");
        assertThat(c.fingerprint("sha-384").value()).hasSize(48);
        assertThat(c.fingerprint("SHA-512").toSdp()).startsWith("sha-512 ");
        assertThat(DtlsFingerprint.parse(f.toSdp())).isEqualTo(f);
        assertThat(DtlsFingerprint.parse("  SHA-256 " + f.toSdp().substring(8).toLowerCase() + " ")).isEqualTo(f);
        assertThat(c.toString()).contains(f.toSdp()).doesNotContain("PRIVATE");
        assertThatThrownBy(() -> c.fingerprint("md5")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fingerprintMatching() {
        DtlsCertificate a = DtlsCertificate.generate(NOW, RandomSource.seeded(4));
        DtlsCertificate b = DtlsCertificate.generate(NOW, RandomSource.seeded(5));
        assertThat(a.fingerprint().matches(a.der())).isTrue();
        assertThat(a.fingerprint().matches(b.der())).isFalse();
        assertThat(DtlsFingerprint.anyMatches(List.of(b.fingerprint(), a.fingerprint("sha-1")), a.der())).isTrue();
        assertThat(DtlsFingerprint.anyMatches(List.of(b.fingerprint()), a.der())).isFalse();
        assertThat(DtlsFingerprint.anyMatches(List.of(), a.der())).isFalse();
        DtlsFingerprint unknown = new DtlsFingerprint("md2", a.fingerprint().value());
        assertThat(unknown.isSupported()).isFalse();
        assertThat(DtlsFingerprint.anyMatches(List.of(unknown), a.der())).isFalse();
        // a truncated digest does not match
        byte[] v = a.fingerprint().value();
        assertThat(new DtlsFingerprint("sha-256", java.util.Arrays.copyOf(v, 31)).matches(a.der())).isFalse();
    }

    @Test
    void malformedFingerprints() {
        for (String bad : new String[] {"", "sha-256", "sha-256 ", "sha-256 A", "sha-256 AB:C", "sha-256 AB-CD",
            "sha-256 AB:CG", "sha-256 ABC:DE", "sha-256 :AB"}) {
            assertThatThrownBy(() -> DtlsFingerprint.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> DtlsFingerprint.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pemRoundTrip() throws Exception {
        for (DtlsCertificate.KeyType type : DtlsCertificate.KeyType.values()) {
            DtlsCertificate c = DtlsCertificate.generate(type, Duration.ofDays(2), NOW, RandomSource.seeded(6));
            String pem = c.toPem();
            assertThat(pem).contains("-----BEGIN CERTIFICATE-----").contains("-----BEGIN PRIVATE KEY-----");
            DtlsCertificate back = DtlsCertificate.fromPem(pem);
            assertThat(back.der()).isEqualTo(c.der());
            assertThat(back.keyType()).isEqualTo(type);
            assertThat(back.expires()).isEqualTo(c.expires());
            // the key still signs for the certificate
            Signature s = Signature.getInstance(type == DtlsCertificate.KeyType.ECDSA_P256 ? "SHA256withECDSA" : "SHA256withRSA");
            s.initSign(back.privateKey());
            s.update(new byte[] {1, 2, 3});
            byte[] sig = s.sign();
            s.initVerify(c.certificate().getPublicKey());
            s.update(new byte[] {1, 2, 3});
            assertThat(s.verify(sig)).isTrue();
        }
    }

    @Test
    void pemErrors() {
        DtlsCertificate ec = DtlsCertificate.generate(NOW, RandomSource.seeded(7));
        DtlsCertificate rsa = DtlsCertificate.generate(DtlsCertificate.KeyType.RSA_2048, Duration.ofDays(2), NOW, RandomSource.seeded(8));
        String ecPem = ec.toPem();
        String certOnly = ecPem.substring(0, ecPem.indexOf("-----BEGIN PRIVATE KEY"));
        String keyOnly = ecPem.substring(ecPem.indexOf("-----BEGIN PRIVATE KEY"));
        assertThatThrownBy(() -> DtlsCertificate.fromPem(certOnly)).hasMessageContaining("no PRIVATE KEY");
        assertThatThrownBy(() -> DtlsCertificate.fromPem(keyOnly)).hasMessageContaining("no CERTIFICATE");
        String rsaPem = rsa.toPem();
        String mixed = certOnly + rsaPem.substring(rsaPem.indexOf("-----BEGIN PRIVATE KEY"));
        assertThatThrownBy(() -> DtlsCertificate.fromPem(mixed)).isInstanceOf(IllegalArgumentException.class);
        String otherEc = DtlsCertificate.generate(NOW, RandomSource.seeded(9)).toPem();
        String wrongKey = certOnly + otherEc.substring(otherEc.indexOf("-----BEGIN PRIVATE KEY"));
        assertThatThrownBy(() -> DtlsCertificate.fromPem(wrongKey)).hasMessageContaining("does not belong");
        assertThatThrownBy(() -> DtlsCertificate.fromPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
