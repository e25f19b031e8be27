package io.sluice.gateway.kafka;

import static io.sluice.gateway.testing.KafkaRecords.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.gateway.SluiceGatewayApplication;
import io.sluice.gateway.testing.KafkaRecords;
import io.sluice.gateway.testing.RemotePeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two gateway instances sharing one broker, with a backend that knows only Kafka: it echoes every
 * message record to the record's reply topic. Each instance receives the records of its own peers
 * and no other.
 */
@Timeout(120)
class TwoInstancesTest {

    static EmbeddedKafkaBroker broker;
    static ConfigurableApplicationContext one;
    static ConfigurableApplicationContext two;
    static Thread backend;
    static final AtomicBoolean running = new AtomicBoolean(true);

    @BeforeAll
    static void start() throws Exception {
        broker = new EmbeddedKafkaBroker(Files.createTempDirectory("sluice-two"), "127.0.0.1", 0).start();
        one = gateway("one");
        two = gateway("two");
        backend = new Thread(TwoInstancesTest::echoBackend, "echo-backend");
        backend.start();
    }

    private static ConfigurableApplicationContext gateway(String id) {
        // Command-line arguments: they outrank the build's sluice.bridges.kafka.enabled=false.
        return new SpringApplicationBuilder(SluiceGatewayApplication.class).run("--server.port=0",
                "--sluice.ice.loopback=true", "--sluice.ice.addresses=127.0.0.1",
                "--sluice.limits.requests-per-second=0", "--sluice.timeouts.drain=1s",
                "--sluice.bridges.kafka.enabled=true", "--sluice.bridges.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                "--sluice.bridges.kafka.instance-id=" + id, "--sluice.bridges.kafka.topics.partitions=2");
    }

    /** A backend knowing nothing of WebRTC: answers each message on the instance that holds its peer. */
    private static void echoBackend() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
                "group.id", "echo-backend", "auto.offset.reset", "earliest"), new StringDeserializer(),
                new ByteArrayDeserializer()); KafkaRecords out = new KafkaRecords(broker.bootstrapServers())) {
            c.subscribe(List.of("sluice.messages"));
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                    out.writeAsync(header(r, SluiceHeaders.REPLY_TOPIC), r.key(),
                            ("echo:" + new String(r.value(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8),
                            SluiceHeaders.CHANNEL, header(r, SluiceHeaders.CHANNEL), SluiceHeaders.TYPE, "text");
                }
                out.flush();
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        running.set(false);
        if (backend != null) {
            backend.join(10_000);
        }
        for (ConfigurableApplicationContext c : new ConfigurableApplicationContext[] {one, two}) {
            if (c != null) {
                c.close();
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static int port(ConfigurableApplicationContext c) {
        return ((WebServerApplicationContext) c).getWebServer().getPort();
    }

    private static double inbound(ConfigurableApplicationContext c, String outcome) {
        var counter = c.getBean(MeterRegistry.class).find("sluice.bridge.kafka.records").tag("direction", "in")
                .tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void recordsReachTheInstanceHoldingThePeerAndNoOther() throws Exception {
        String bridged = "{\"bridges\":[{\"channels\":\"chat\",\"target\":\"kafka\"}]}";
        try (RemotePeer a = RemotePeer.connect(port(one), bridged, "chat");
                RemotePeer b = RemotePeer.connect(port(two), bridged, "chat")) {
            int n = 50;
            for (int i = 0; i < n; i++) {
                a.channel("chat").send("a" + i);
                b.channel("chat").send("b" + i);
            }
            List<Object> gotA = new ArrayList<>();
            List<Object> gotB = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                gotA.add(a.next("chat", Duration.ofSeconds(20)));
                gotB.add(b.next("chat", Duration.ofSeconds(20)));
            }
            for (int i = 0; i < n; i++) {
                assertThat(gotA.get(i)).isEqualTo("echo:a" + i);
                assertThat(gotB.get(i)).isEqualTo("echo:b" + i);
            }
            assertThat(inbound(one, "delivered")).isEqualTo(n);
            assertThat(inbound(two, "delivered")).isEqualTo(n);
            assertThat(inbound(one, "deadletter")).isZero();
            assertThat(inbound(two, "deadletter")).isZero();

            // A record sent to the wrong instance is not delivered there: it is dead-lettered, with the reason.
            try (KafkaRecords k = new KafkaRecords(broker.bootstrapServers())) {
                k.write(two.getBean(KafkaService.class).inboundTopic(), a.peerId,
                        "misrouted".getBytes(StandardCharsets.UTF_8), SluiceHeaders.LABEL, "chat");
                List<ConsumerRecord<String, byte[]>> dead = k.read("sluice.deadletter", r -> a.peerId.equals(r.key()),
                        1, Duration.ofSeconds(20));
                assertThat(dead).hasSize(1);
                assertThat(header(dead.get(0), SluiceHeaders.ERROR)).contains("no peer " + a.peerId + " on instance two");
            }
            assertThat(a.next("chat", Duration.ofSeconds(1))).isNull();
        }
    }
}
