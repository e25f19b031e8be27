package io.sluice.gateway.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.gateway.peers.PeerRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.ObjectMapper;

/**
 * The Kafka bridge, on unless {@code sluice.bridges.kafka.enabled=false}. With no bootstrap servers
 * configured it starts an embedded broker, so a gateway run with nothing else installed has Kafka.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(KafkaBridgeProperties.class)
@ConditionalOnProperty(name = "sluice.bridges.kafka.enabled", havingValue = "true", matchIfMissing = true)
public class KafkaConfiguration {

    @Bean(destroyMethod = "close")
    KafkaService kafkaService(KafkaBridgeProperties properties) {
        return new KafkaService(properties);
    }

    @Bean
    KafkaBridge kafkaBridge(KafkaService kafka, ObjectMapper json, MeterRegistry meters) {
        return new KafkaBridge(kafka, json, meters);
    }

    @Bean(name = "kafka", destroyMethod = "close")
    KafkaHealthIndicator kafkaHealth(KafkaService kafka, KafkaInbound inbound) {
        return new KafkaHealthIndicator(kafka, inbound);
    }

    @Bean(destroyMethod = "close")
    KafkaInbound kafkaInbound(KafkaService kafka, PeerRegistry registry, MeterRegistry meters) {
        return new KafkaInbound(kafka, registry, meters);
    }
}
