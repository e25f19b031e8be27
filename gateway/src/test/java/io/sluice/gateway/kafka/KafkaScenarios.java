package io.sluice.gateway.kafka;

import static io.sluice.gateway.testing.KafkaRecords.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.testing.KafkaRecords;
import io.sluice.gateway.testing.RemotePeer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Kafka bridge scenarios run against the embedded broker and, where Docker exists, a Kafka container. */
final class KafkaScenarios {

    private KafkaScenarios() {
    }

    /** The embedded broker of a test's gateway keeps its log in a new temporary directory. */
    static void embeddedDataDir(org.springframework.test.context.DynamicPropertyRegistry registry, String prefix)
            throws java.io.IOException {
        String dir = java.nio.file.Files.createTempDirectory(prefix).toString();
        registry.add("sluice.bridges.kafka.embedded.data-dir", () -> dir);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Object decode(ConsumerRecord<String, byte[]> r) {
        return "text".equals(header(r, SluiceHeaders.TYPE)) ? new String(r.value(), StandardCharsets.UTF_8) : r.value();
    }

    /**
     * Two channels of one remote to the messages topic and back: text and binary (empty, 16 KiB,
     * non-ASCII), order and numbering per channel, every header; replies routed by label, by the
     * gateway's channel id and by the peer header instead of the key.
     */
    static void roundTrip(int port, KafkaRecords records, String instance) throws Exception {
        try (RemotePeer remote = RemotePeer.connect(port,
                "{\"bridges\":[{\"channels\":\"a|b\",\"target\":\"kafka\"}]}", "a", "b")) {
            byte[] big = new byte[16 * 1024];
            new Random(1).nextBytes(big);
            remote.channel("a").send("hello");
            remote.channel("b").send(big);
            remote.channel("a").send(new byte[] {0, 1, 2, (byte) 255});
            remote.channel("b").send("ünïcødé ✓");
            remote.channel("a").send("");

            List<ConsumerRecord<String, byte[]>> got = records.read("sluice.messages",
                    r -> remote.peerId.equals(r.key()), 5, Duration.ofSeconds(30));
            assertThat(got).hasSize(5);
            List<Object> a = new ArrayList<>();
            List<Object> b = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : got) {
                assertThat(header(r, SluiceHeaders.PEER)).isEqualTo(remote.peerId);
                assertThat(header(r, SluiceHeaders.REPLY_TOPIC)).isEqualTo("sluice.inbound." + instance);
                assertThat(header(r, SluiceHeaders.INSTANCE)).isEqualTo(instance);
                assertThat(header(r, SluiceHeaders.CHANNEL)).startsWith("dc");
                assertThat(header(r, SluiceHeaders.STREAM))
                        .isEqualTo(String.valueOf(remote.channel(header(r, SluiceHeaders.LABEL)).id()));
                assertThat(Long.parseLong(header(r, SluiceHeaders.TIMESTAMP))).isEqualTo(r.timestamp());
                (header(r, SluiceHeaders.LABEL).equals("a") ? a : b).add(decode(r));
            }
            // Per channel: in order, numbered 1, 2, 3.
            assertThat(got.stream().filter(r -> header(r, SluiceHeaders.LABEL).equals("a"))
                    .map(r -> header(r, SluiceHeaders.SEQ))).containsExactly("1", "2", "3");
            assertThat(a).hasSize(3);
            assertThat(a.get(0)).isEqualTo("hello");
            assertThat((byte[]) a.get(1)).containsExactly(0, 1, 2, 255);
            assertThat(a.get(2)).isEqualTo("");
            assertThat((byte[]) b.get(0)).isEqualTo(big);
            assertThat(b.get(1)).isEqualTo("ünïcødé ✓");

            // Back: by label, by the gateway's channel id, text and binary.
            String replyTopic = header(got.get(0), SluiceHeaders.REPLY_TOPIC);
            String bId = got.stream().filter(r -> header(r, SluiceHeaders.LABEL).equals("b")).findFirst()
                    .map(r -> header(r, SluiceHeaders.CHANNEL)).orElseThrow();
            records.write(replyTopic, remote.peerId, utf8("réponse"), SluiceHeaders.LABEL, "a", SluiceHeaders.TYPE, "text");
            records.write(replyTopic, remote.peerId, big, SluiceHeaders.CHANNEL, bId);
            records.write(replyTopic, remote.peerId, new byte[] {9, 8, 7}, SluiceHeaders.LABEL, "a",
                    SluiceHeaders.TYPE, "binary");
            records.write(replyTopic, "ignored-key", utf8("by header"), SluiceHeaders.PEER, remote.peerId,
                    SluiceHeaders.LABEL, "b", SluiceHeaders.TYPE, "text");
            assertThat(remote.next("a", Duration.ofSeconds(10))).isEqualTo("réponse");
            assertThat((byte[]) remote.next("a", Duration.ofSeconds(10))).containsExactly(9, 8, 7);
            assertThat((byte[]) remote.next("b", Duration.ofSeconds(10))).isEqualTo(big);
            assertThat(remote.next("b", Duration.ofSeconds(10))).isEqualTo("by header");
        }
    }
}
