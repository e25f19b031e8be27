package io.sluice.gateway.kafka;

import static io.sluice.gateway.testing.KafkaRecords.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.gateway.testing.KafkaRecords;
import io.sluice.gateway.testing.RemotePeer;
import io.sluice.peer.interop.Interop;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Inbound records for a channel whose remote stopped reading, on a partition shared with another
 * peer's channel (the inbound topic has one partition here): the neighbour's records keep flowing,
 * the stuck channel holds at most its own allowance, and what it cannot take goes to the dead-letter
 * topic with the reason once it took nothing for {@code inbound-stalled-after} (1 s); nothing is lost
 * silently and the partition is paused for at most about that.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1", "sluice.limits.requests-per-second=0",
    "sluice.timeouts.drain=1s", "sluice.bridges.kafka.enabled=true", "sluice.bridges.kafka.embedded.port=0",
    "sluice.bridges.kafka.instance-id=limits", "sluice.bridges.kafka.topics.partitions=1",
    "sluice.bridges.kafka.inbound-buffered-amount=64KB", "sluice.bridges.kafka.inbound-wait-for-channel=5s",
    "sluice.bridges.kafka.inbound-stalled-after=1s",
    "sluice.bridges.kafka.inbound-held-per-partition=50", "sluice.bridges.kafka.inbound-held-bytes-per-partition=512KB",
    "sluice.bridges.kafka.inbound-held-per-channel=20", "sluice.bridges.kafka.inbound-held-bytes-per-channel=256KB"})
@Timeout(180)
class KafkaInboundLimitsTest {

    @DynamicPropertySource
    static void kafkaDir(DynamicPropertyRegistry registry) throws Exception {
        KafkaScenarios.embeddedDataDir(registry, "sluice-kafka-limits");
    }

    @LocalServerPort
    int port;

    @Autowired
    KafkaService kafka;

    @Autowired
    MeterRegistry meters;

    static KafkaRecords records;

    @AfterAll
    static void closeClients() {
        if (records != null) {
            records.close();
        }
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    private long committed(Admin admin) {
        try {
            Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(
                    "sluice-gateway.limits").partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            return m.values().stream().filter(java.util.Objects::nonNull).mapToLong(OffsetAndMetadata::offset).sum();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static org.apache.kafka.clients.producer.ProducerRecord<String, byte[]> record(String topic, String key,
            byte[] value, String label, boolean text) {
        var h = new org.apache.kafka.common.header.internals.RecordHeaders();
        h.add(SluiceHeaders.LABEL, label.getBytes(StandardCharsets.UTF_8));
        h.add(SluiceHeaders.TYPE, (text ? "text" : "binary").getBytes(StandardCharsets.UTF_8));
        return new org.apache.kafka.clients.producer.ProducerRecord<>(topic, null, key, value, h);
    }

    @Test
    void aStuckChannelNeverStallsItsNeighbourAndItsRecordsExpireToTheDeadLetterTopic() throws Exception {
        records = new KafkaRecords(kafka.bootstrapServers());
        String declare = "{\"bridges\":[{\"channels\":\"s|n\",\"target\":\"kafka\"}]}";
        try (RemotePeer stuck = RemotePeer.connect(port, declare, "s");
                RemotePeer neighbour = RemotePeer.connect(port, declare, "n");
                Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            String inbound = kafka.inboundTopic();
            long before = committed(admin);
            stuck.channel("s").pauseReading();
            int count = 400; // 6.4 MB for the stuck channel: far more than the remote's window and every allowance
            int every = 4;
            long[] pausedSamples = {0}; // 5 ms each
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    if (gauge("sluice.bridge.kafka.inbound.paused") > 0) {
                        pausedSamples[0]++;
                    }
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();
            long maxLatencyMs = 0;
            List<Long> latencies = new ArrayList<>();
            // When Kafka acknowledged each of the neighbour's records: its latency is counted from there.
            var acked = new java.util.concurrent.atomic.AtomicLongArray(count / every);
            try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(
                    Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all", "linger.ms", 0),
                    new org.apache.kafka.common.serialization.StringSerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                for (int i = 0; i < count; i++) {
                    byte[] v = new byte[16 * 1024];
                    ByteBuffer.wrap(v).putInt(i);
                    producer.send(record(inbound, stuck.peerId, v, "s", false));
                    if (i % every == 0) {
                        int n = i / every;
                        producer.send(record(inbound, neighbour.peerId, Integer.toString(i).getBytes(StandardCharsets.UTF_8),
                                "n", true), (md, e) -> acked.set(n, System.nanoTime()));
                    }
                }
                // The neighbour gets every record, in order, without waiting for the stuck channel's records
                // to expire (5 s).
                for (int i = 0; i < count; i += every) {
                    Object m = neighbour.next("n", Duration.ofSeconds(15));
                    assertThat(m).as("the neighbour's record %d", i).isNotNull();
                    assertThat(Integer.parseInt((String) m)).isEqualTo(i);
                    long ack = acked.get(i / every);
                    // Delivered before the producer heard of the ack: no latency to count.
                    long latency = ack == 0 ? 0 : Math.max(0, (System.nanoTime() - ack) / 1_000_000);
                    latencies.add(latency);
                    maxLatencyMs = Math.max(maxLatencyMs, latency);
                }
            } finally {
                sampler.interrupt();
                sampler.join();
            }
            System.out.printf("stuck-neighbour test: neighbour's latency from Kafka's ack to the remote (ms): %s%n",
                    latencies);
            assertThat(maxLatencyMs).as("the neighbour's worst latency, below the stuck records' expiry")
                    .isLessThan(5000);
            // The stuck channel held the partition back only until it had taken nothing for
            // inbound-stalled-after (1 s); from then on its records were dead-lettered at once.
            assertThat(pausedSamples[0] * 5).as("ms the shared partition was paused").isLessThan(3000);

            // The stuck channel's records: what it took is in its buffers; the rest is dead-lettered with the
            // reason once it took nothing for 1 s; then nothing is held and everything is committed.
            Interop.waitFor(() -> gauge("sluice.bridge.kafka.inbound.held") == 0, Duration.ofSeconds(30),
                    "the stuck channel's records expired");
            Interop.waitFor(() -> committed(admin) - before >= count + count / every, Duration.ofSeconds(20),
                    "every record committed");
            List<ConsumerRecord<String, byte[]>> dead = records.readUntil("sluice.deadletter",
                    r -> stuck.peerId.equals(r.key()), got -> false, Duration.ofSeconds(5));
            assertThat(dead).extracting(r -> header(r, SluiceHeaders.ERROR))
                    .allSatisfy(e -> assertThat(e).containsAnyOf("took no record for 1 s", "took none for 1 s",
                            "for 5 s: its remote is not reading"));
            Set<Integer> deadIndexes = new HashSet<>();
            for (ConsumerRecord<String, byte[]> r : dead) {
                assertThat(deadIndexes.add(ByteBuffer.wrap(r.value()).getInt())).as("dead-lettered once").isTrue();
            }
            // The remote reads again: it gets exactly the records not dead-lettered, in order.
            stuck.channel("s").resumeReading();
            List<Integer> delivered = new ArrayList<>();
            for (Object m; (m = stuck.next("s", Duration.ofSeconds(3))) != null;) {
                delivered.add(ByteBuffer.wrap((byte[]) m).getInt());
            }
            assertThat(delivered).isSorted().doesNotHaveDuplicates();
            Set<Integer> all = new HashSet<>(delivered);
            assertThat(all).doesNotContainAnyElementsOf(deadIndexes);
            all.addAll(deadIndexes);
            assertThat(all).as("every stuck record delivered or dead-lettered").hasSize(count);
            System.out.printf("stuck-neighbour test: stuck channel took %d records, %d dead-lettered%n",
                    delivered.size(), deadIndexes.size());
        }
    }
}
