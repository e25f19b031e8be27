package io.sluice.gateway.security;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Health details (operators only) say how callers are let in: keys, open or loopback-only. */
@Component("security")
public class SecurityHealthIndicator implements HealthIndicator {

    private final SecurityMode mode;
    private final ApiKeys keys;

    public SecurityHealthIndicator(SecurityMode mode, ApiKeys keys) {
        this.mode = mode;
        this.keys = keys;
    }

    @Override
    public Health health() {
        return Health.up().withDetail("mode", mode.label()).withDetail("tenantKeys", keys.tenants())
                .withDetail("operatorKeys", keys.operators()).build();
    }
}
