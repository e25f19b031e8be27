package io.sluice.gateway.kafka;

import static io.sluice.gateway.testing.KafkaRecords.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.testing.KafkaRecords;
import io.sluice.gateway.testing.RemotePeer;
import io.sluice.peer.interop.Interop;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway starts with its Kafka cluster down (bootstrap servers on a loopback port where
 * nothing listens yet): WebRTC and the loopback bridge serve at once, the Kafka bridge is out of
 * service (health, a 503 for Kafka declarations naming the reason), and it comes into service by
 * itself once a broker listens there: declarations succeed and records flow both ways.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1", "sluice.limits.requests-per-second=0",
    "sluice.timeouts.drain=1s", "sluice.bridges.kafka.enabled=true", "sluice.bridges.kafka.instance-id=late",
    "sluice.bridges.kafka.topics.partitions=1", "sluice.bridges.kafka.connect-retry-max=2s",
    "management.endpoint.health.show-details=always"})
@DirtiesContext
@Timeout(150)
class KafkaUnavailableAtStartTest {

    static EmbeddedKafkaBroker broker;

    @DynamicPropertySource
    static void lateBroker(DynamicPropertyRegistry registry) throws Exception {
        // A port picked now; the broker starts on it only once the gateway runs.
        broker = new EmbeddedKafkaBroker(Files.createTempDirectory("sluice-kafka-late"), "127.0.0.1", 0);
        registry.add("sluice.bridges.kafka.bootstrap-servers", broker::bootstrapServers);
    }

    @AfterAll
    static void stopBroker() {
        broker.stop();
    }

    @LocalServerPort
    int port;

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void theGatewayServesWithoutKafkaAndTheBridgeComesUpWithTheCluster() throws Exception {
        // WebRTC and the loopback bridge work.
        try (RemotePeer remote = RemotePeer.connect(port, "{\"bridges\":[{\"channels\":\"echo\",\"target\":\"loopback\"}]}",
                "echo")) {
            remote.channel("echo").send("ping");
            assertThat(remote.next("echo", Duration.ofSeconds(10))).isEqualTo("ping");
        }
        // Kafka declarations: 503, naming the reason; nothing made.
        HttpResponse<String> refused = RemotePeer.call(port, "POST", "/v1/peers",
                "{\"bridges\":[{\"target\":\"kafka\"}]}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        JsonNode problem = json.readTree(refused.body());
        assertThat(problem.get("name").asString()).isEqualTo("OperationError");
        assertThat(problem.get("detail").asString()).contains("Kafka bridge is not available")
                .contains(broker.bootstrapServers()).contains("retrying");
        assertThat(RemotePeer.call(port, "POST", "/v1/peers",
                "{\"bridges\":[{\"target\":\"kafka\",\"events\":true}]}").statusCode()).isEqualTo(503);
        JsonNode peers = json.readTree(RemotePeer.call(port, "GET", "/v1/peers", null).body());
        assertThat(peers.toString()).doesNotContain("kafka");
        // Health: the kafka component is out of service and says why; readiness is not affected.
        JsonNode health = json.readTree(RemotePeer.call(port, "GET", "/actuator/health/kafka", null).body());
        assertThat(health.get("status").asString()).isEqualTo("OUT_OF_SERVICE");
        assertThat(health.get("details").get("error").asString()).contains("has not answered");
        assertThat(health.get("details").get("attempts").asLong()).isPositive();
        assertThat(RemotePeer.call(port, "GET", "/actuator/health/readiness", null).statusCode()).isEqualTo(200);

        // The cluster comes up: the bridge follows without a restart.
        broker.start();
        Interop.waitFor(() -> {
            try {
                return json.readTree(RemotePeer.call(port, "GET", "/actuator/health/kafka", null).body())
                        .get("status").asString().equals("UP");
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(60), "the kafka health UP");
        try (KafkaRecords records = new KafkaRecords(broker.bootstrapServers());
                RemotePeer remote = RemotePeer.connect(port, "{\"bridges\":[{\"channels\":\"k\",\"target\":\"kafka\"}]}",
                        "k")) {
            remote.channel("k").send("after the cluster came up");
            List<ConsumerRecord<String, byte[]>> got = records.read("sluice.messages",
                    r -> remote.peerId.equals(r.key()), 1, Duration.ofSeconds(30));
            assertThat(got).hasSize(1);
            assertThat(new String(got.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("after the cluster came up");
            records.write(header(got.get(0), SluiceHeaders.REPLY_TOPIC), remote.peerId,
                    "and back".getBytes(StandardCharsets.UTF_8), SluiceHeaders.LABEL, "k", SluiceHeaders.TYPE, "text");
            assertThat(remote.next("k", Duration.ofSeconds(30))).isEqualTo("and back");
        }
    }
}
