package io.sluice.gateway.kafka;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The Kafka bridge: {@code OUT_OF_SERVICE} until the cluster first answered (declarations naming
 * the bridge are refused then; the details say why and how many attempts were made), then whether
 * the cluster answers (within 3 s) and the inbound consumer runs; where the cluster is, and this
 * instance's inbound topic.
 * Not part of readiness: peers and their other bridges work while Kafka is away, and bridged
 * channels hold back (backpressure) until it returns.
 */
public final class KafkaHealthIndicator implements HealthIndicator {

    private final KafkaService kafka;
    private final KafkaInbound inbound;
    private Admin admin;

    KafkaHealthIndicator(KafkaService kafka, KafkaInbound inbound) {
        this.kafka = kafka;
        this.inbound = inbound;
    }

    /** Made once the bridge is in service: before that the cluster's address may not even resolve. */
    private synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> p = kafka.clientConfig();
            p.put("request.timeout.ms", 3000);
            p.put("default.api.timeout.ms", 3000);
            admin = Admin.create(p);
        }
        return admin;
    }

    @Override
    public Health health() {
        Health.Builder b;
        if (!kafka.inService()) {
            b = Health.outOfService().withDetail("error", "Kafka has not answered since the gateway started: "
                    + kafka.lastError()).withDetail("attempts", kafka.attempts());
        } else {
            try {
                int nodes = admin().describeCluster().nodes().get(3, TimeUnit.SECONDS).size();
                b = (inbound.alive() ? Health.up() : Health.down().withDetail("error", "the inbound consumer stopped"))
                        .withDetail("brokers", nodes);
            } catch (Exception e) {
                b = Health.down().withDetail("error", String.valueOf(e.getCause() != null ? e.getCause() : e));
            }
        }
        return b.withDetail("bootstrapServers", kafka.bootstrapServers())
                .withDetail("embedded", kafka.embedded().isPresent())
                .withDetail("instance", kafka.instanceId())
                .withDetail("inboundTopic", kafka.inboundTopic()).build();
    }

    synchronized void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
        }
    }
}
