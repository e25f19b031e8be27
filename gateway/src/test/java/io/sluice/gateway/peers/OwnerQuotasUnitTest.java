package io.sluice.gateway.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.gateway.config.QuotaProperties;
import io.sluice.gateway.peers.OwnerQuotas.Quota;
import org.junit.jupiter.api.Test;

class OwnerQuotasUnitTest {

    private final OwnerQuotas quotas = new OwnerQuotas(new QuotaProperties(3, 2, 1));

    @Test
    void eachOwnerHasItsQuotaAndGetsItBack() {
        quotas.take(Quota.RECORD_STREAMS, "alice");
        assertThatThrownBy(() -> quotas.take(Quota.RECORD_STREAMS, "alice"))
                .isInstanceOfSatisfying(LimitExceededException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.quota()).isEqualTo("sluice.quotas.record-streams");
                    assertThat(e.getMessage()).contains("owner alice holds 1 Kafka record streams open");
                });
        quotas.take(Quota.RECORD_STREAMS, "bob");
        quotas.take(Quota.CERTIFICATES, "alice");
        quotas.give(Quota.RECORD_STREAMS, "alice");
        assertThat(quotas.held(Quota.RECORD_STREAMS, "alice")).isZero();
        quotas.take(Quota.RECORD_STREAMS, "alice");
        assertThat(quotas.held(Quota.CERTIFICATES, "alice")).isEqualTo(1);
        // giving back more than was taken never goes below zero
        quotas.give(Quota.PEERS, "carol");
        assertThat(quotas.held(Quota.PEERS, "carol")).isZero();
    }

    @Test
    void callersWithoutAnOwnerAreNotCounted() {
        for (int i = 0; i < 10; i++) {
            quotas.take(Quota.PEERS, null);
        }
        assertThat(quotas.held(Quota.PEERS, null)).isZero();
    }
}
