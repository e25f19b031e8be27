package io.sluice.gateway.kafka;

import io.sluice.gateway.testing.KafkaRecords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The round trip against Apache Kafka in a container (the image docker-compose.yml runs), so the
 * bridge is also checked against a broker that is not in our process. Skipped without Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1", "sluice.limits.requests-per-second=0",
    "sluice.timeouts.drain=1s", "sluice.bridges.kafka.enabled=true", "sluice.bridges.kafka.instance-id=container"})
@Timeout(180)
class KafkaContainerBridgeTest {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:"
            + org.apache.kafka.common.utils.AppInfoParser.getVersion());

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("sluice.bridges.kafka.bootstrap-servers", KAFKA::getBootstrapServers);
    }

    @LocalServerPort
    int port;

    static KafkaRecords records;

    @AfterAll
    static void close() {
        if (records != null) {
            records.close();
        }
    }

    @Test
    void channelsToTopicAndBackByteForByte() throws Exception {
        records = new KafkaRecords(KAFKA.getBootstrapServers());
        KafkaScenarios.roundTrip(port, records, "container");
    }
}
