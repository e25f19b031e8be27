package io.sluice.peer.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class CertificatePoolTest {

    @Test
    void handsOutEachCertificateOnceAndRefillsInTheBackground() {
        try (CertificatePool pool = CertificatePool.ecdsa(4)) {
            io.sluice.peer.interop.Interop.waitFor(() -> pool.readyCount() == 4, Duration.ofSeconds(30), "pool filled");
            Set<String> fingerprints = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                RTCCertificate c = pool.take();
                assertThat(c.dtls().isExpired(System.currentTimeMillis())).isFalse();
                assertThat(fingerprints.add(c.dtls().fingerprint().toSdp())).isTrue();
            }
            assertThat(pool.generatedInline()).isZero();
            // Empty or not, take() always answers with a new certificate.
            for (int i = 0; i < 8; i++) {
                assertThat(fingerprints.add(pool.take().dtls().fingerprint().toSdp())).isTrue();
            }
            io.sluice.peer.interop.Interop.waitFor(() -> pool.readyCount() == 4, Duration.ofSeconds(30), "refilled");
        }
        assertThatThrownBy(() -> CertificatePool.ecdsa(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withAReusePeriodOneCertificateServesEveryCallerUntilItEnds() throws Exception {
        try (CertificatePool pool = CertificatePool.ecdsa(2, Duration.ofMillis(300))) {
            RTCCertificate first = pool.take();
            for (int i = 0; i < 10; i++) {
                assertThat(pool.take()).isSameAs(first);
            }
            Thread.sleep(400);
            RTCCertificate next = pool.take();
            assertThat(next.dtls().fingerprint().toSdp()).isNotEqualTo(first.dtls().fingerprint().toSdp());
            assertThat(pool.take()).isSameAs(next);
        }
        assertThatThrownBy(() -> CertificatePool.ecdsa(2, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
