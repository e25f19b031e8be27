package io.sluice.peer.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Curve work from BouncyCastle's provider, record protection from the JDK's (AES-NI). */
class EcFastCryptoTest {

    @Test
    void curveAlgorithmsComeFromBouncyCastleAndTheRestFromTheJdk() throws Exception {
        var helper = EcFastCrypto.helper();
        assertThat(helper.createSignature("SHA256withECDSA").getProvider()).isSameAs(EcFastCrypto.BC);
        assertThat(helper.createKeyAgreement("ECDH").getProvider()).isSameAs(EcFastCrypto.BC);
        assertThat(helper.createKeyAgreement("X25519").getProvider()).isSameAs(EcFastCrypto.BC);
        assertThat(helper.createKeyPairGenerator("EC").getProvider()).isSameAs(EcFastCrypto.BC);
        assertThat(helper.createCipher("AES/GCM/NoPadding").getProvider().getName()).isEqualTo("SunJCE");
        assertThat(helper.createMac("HmacSHA256").getProvider().getName()).isEqualTo("SunJCE");
        assertThat(helper.createSignature("SHA256withRSA").getProvider()).isNotSameAs(EcFastCrypto.BC);
        // Certificates made with it still sign and verify under the JDK's own provider.
        DtlsCertificate c = DtlsCertificate.generate(DtlsCertificate.KeyType.ECDSA_P256, java.time.Duration.ofDays(1),
                System.currentTimeMillis(), io.sluice.peer.time.RandomSource.seeded(1));
        java.security.Signature jdk = java.security.Signature.getInstance("SHA256withECDSA");
        jdk.initVerify(c.certificate().getPublicKey());
        jdk.update(c.certificate().getTBSCertificate());
        assertThat(jdk.verify(c.certificate().getSignature())).isTrue();
    }
}
