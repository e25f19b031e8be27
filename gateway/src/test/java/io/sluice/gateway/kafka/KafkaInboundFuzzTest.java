package io.sluice.gateway.kafka;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Fuzzes how an inbound record is routed from its key and headers (any bytes a producer likes):
 * two records share a route exactly when they name the same peer and the same channel (by id, or
 * by label when they carry no id). A route is what a waiting record blocks for the records behind
 * it, so two routes that collide let one peer's stuck channel hold up another's records.
 *
 * <p>Input: eight fields separated by 0x00 (record A's key, peer, channel and label headers, then
 * B's); a field that is the single byte 0x01 is absent. Plain {@code mvn test} replays
 * {@code KafkaInboundFuzzTestInputs/<method>/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class KafkaInboundFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void routesAreUnambiguous(byte[] data) {
        List<byte[]> f = fields(data);
        ConsumerRecord<String, byte[]> a = record(f.get(0), f.get(1), f.get(2), f.get(3));
        ConsumerRecord<String, byte[]> b = record(f.get(4), f.get(5), f.get(6), f.get(7));
        boolean sameTarget = Objects.equals(target(a), target(b));
        boolean sameRoute = Objects.equals(KafkaInbound.route(a), KafkaInbound.route(b));
        if (sameRoute != sameTarget) {
            throw new AssertionError("records for " + target(a) + " and " + target(b) + " have "
                    + (sameRoute ? "the same route" : "different routes"));
        }
    }

    /** Peer, then the channel id or else the label: what the record is for. */
    private static List<String> target(ConsumerRecord<String, byte[]> r) {
        String peer = SluiceHeaders.get(r.headers(), SluiceHeaders.PEER);
        String channel = SluiceHeaders.get(r.headers(), SluiceHeaders.CHANNEL);
        return Arrays.asList(peer != null ? peer : r.key(), channel != null ? "id" : "label",
                channel != null ? channel : SluiceHeaders.get(r.headers(), SluiceHeaders.LABEL));
    }

    private static List<byte[]> fields(byte[] data) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= data.length && out.size() < 8; i++) {
            if (i == data.length || data[i] == 0) {
                byte[] v = Arrays.copyOfRange(data, start, i);
                out.add(v.length == 1 && v[0] == 1 ? null : v);
                start = i + 1;
            }
        }
        while (out.size() < 8) {
            out.add(null);
        }
        return out;
    }

    private static ConsumerRecord<String, byte[]> record(byte[] key, byte[] peer, byte[] channel, byte[] label) {
        RecordHeaders h = new RecordHeaders();
        if (peer != null) {
            h.add(SluiceHeaders.PEER, peer);
        }
        if (channel != null) {
            h.add(SluiceHeaders.CHANNEL, channel);
        }
        if (label != null) {
            h.add(SluiceHeaders.LABEL, label);
        }
        return new ConsumerRecord<>("in", 0, 0L, 0L, org.apache.kafka.common.record.TimestampType.CREATE_TIME, -1, 0,
                key == null ? null : new String(key, StandardCharsets.UTF_8), new byte[0], h, java.util.Optional.empty());
    }
}
