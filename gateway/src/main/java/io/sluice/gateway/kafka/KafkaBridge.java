package io.sluice.gateway.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.gateway.bridge.Bridge;
import io.sluice.gateway.bridge.CloudEvents;
import io.sluice.gateway.peers.ManagedPeer;
import io.sluice.gateway.peers.PeerEvent;
import io.sluice.peer.api.RTCDataChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code kafka}: every message on a bridged channel becomes a record (value: the payload; key: the
 * peer id; headers: {@link SluiceHeaders}) on the messages topic or the declaration's {@code topic};
 * records on this instance's inbound topic come back on the channels ({@link KafkaInbound}). Peer
 * events go to the events topic as CloudEvents JSON when the declaration asks ({@code events: true}).
 * <p>
 * Nothing is dropped: while a channel's records not yet acknowledged by Kafka exceed
 * {@code channel-high-water}, its reading is paused (the SCTP window closes and the remote's
 * bufferedAmount grows); it resumes at half. A record Kafka still refuses after
 * {@code delivery-timeout} is reported as a {@code deadletter} event with its payload.
 */
public final class KafkaBridge implements Bridge {

    private static final byte[] TEXT = "text".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BINARY = "binary".getBytes(StandardCharsets.US_ASCII);

    private final KafkaService kafka;
    private final ObjectMapper json;
    private final byte[] instanceBytes;
    private final byte[] replyTopicBytes;
    private final AtomicLong pendingBytes = new AtomicLong();
    private final Counter recordsOut;
    private final Counter bytesOut;
    private final Counter failedOut;
    private final Counter eventsOut;
    private final Counter eventsFailed;

    public KafkaBridge(KafkaService kafka, ObjectMapper json, MeterRegistry meters) {
        this.kafka = kafka;
        this.json = json;
        this.instanceBytes = kafka.instanceId().getBytes(StandardCharsets.UTF_8);
        this.replyTopicBytes = kafka.inboundTopic().getBytes(StandardCharsets.UTF_8);
        this.recordsOut = Counter.builder("sluice.bridge.kafka.records").tag("direction", "out").tag("outcome", "acked")
                .description("Channel messages acknowledged by Kafka").register(meters);
        this.bytesOut = Counter.builder("sluice.bridge.kafka.bytes").tag("direction", "out")
                .description("Payload bytes of channel messages acknowledged by Kafka").register(meters);
        this.failedOut = Counter.builder("sluice.bridge.kafka.records").tag("direction", "out").tag("outcome", "failed")
                .description("Channel messages Kafka did not take before the delivery timeout").register(meters);
        this.eventsOut = Counter.builder("sluice.bridge.kafka.events").tag("outcome", "acked")
                .description("Peer events written to the events topic").register(meters);
        this.eventsFailed = Counter.builder("sluice.bridge.kafka.events").tag("outcome", "failed")
                .description("Peer events Kafka did not take before the delivery timeout").register(meters);
        meters.gauge("sluice.bridge.kafka.pending.bytes", pendingBytes);
    }

    @Override
    public String name() {
        return "kafka";
    }

    /**
     * Refused while the bridge is not in service (503); a {@code topic} must be a valid name the
     * owner may use ({@link TopicPolicy}); checked without asking Kafka.
     */
    @Override
    public void validate(Map<String, String> options, String owner) {
        Bridge.onlyOptions(name(), options, "topic");
        kafka.requireInService();
        String topic = options.get("topic");
        if (topic != null) {
            kafka.checkTopic(topic, owner);
        }
    }

    /** The declared topic exists, or is created within the caps when the gateway creates declared topics. */
    @Override
    public void prepare(Map<String, String> options, String owner) {
        String topic = options.get("topic");
        if (topic != null) {
            kafka.ensureTopic(topic, owner);
        }
    }

    @Override
    public boolean carriesEvents() {
        return true;
    }

    /** Bytes handed to Kafka and not yet acknowledged, over all channels. */
    public long pendingBytes() {
        return pendingBytes.get();
    }

    @Override
    public void attach(ManagedPeer peer, String channelId, RTCDataChannel channel, Map<String, String> options) {
        String topic = options.getOrDefault("topic", kafka.properties().topics().messages());
        Link link = new Link(peer, channelId, channel, topic);
        channel.addListener(Bridge.payloads(link::forward));
    }

    /** One channel's records: numbered in arrival order, its unacknowledged bytes bounded. */
    private final class Link {
        private final ManagedPeer peer;
        private final String channelId;
        private final RTCDataChannel channel;
        private final String topic;
        private final long highWater = kafka.properties().channelHighWater().toBytes();
        // Header values that do not change for the channel's life, encoded once.
        private final byte[] peerBytes;
        private final byte[] channelBytes;
        private final byte[] labelBytes;
        private final byte[] streamBytes;
        private long seq;
        private long pending;
        private boolean paused;

        Link(ManagedPeer peer, String channelId, RTCDataChannel channel, String topic) {
            this.peer = peer;
            this.channelId = channelId;
            this.channel = channel;
            this.topic = topic;
            this.peerBytes = peer.id().getBytes(StandardCharsets.UTF_8);
            this.channelBytes = channelId.getBytes(StandardCharsets.UTF_8);
            this.labelBytes = channel.label().getBytes(StandardCharsets.UTF_8);
            this.streamBytes = String.valueOf(channel.id()).getBytes(StandardCharsets.UTF_8);
        }

        /** Called on the peer's loop, in the order the remote sent. */
        void forward(boolean binary, byte[] payload) {
            long n;
            synchronized (this) {
                n = ++seq;
                pending += payload.length;
                if (pending > highWater && !paused) {
                    paused = true;
                    channel.pauseReading();
                }
            }
            pendingBytes.addAndGet(payload.length);
            long now = System.currentTimeMillis();
            RecordHeaders h = new RecordHeaders();
            h.add(SluiceHeaders.PEER, peerBytes);
            h.add(SluiceHeaders.CHANNEL, channelBytes);
            h.add(SluiceHeaders.LABEL, labelBytes);
            h.add(SluiceHeaders.STREAM, streamBytes);
            h.add(SluiceHeaders.TYPE, binary ? BINARY : TEXT);
            h.add(SluiceHeaders.SEQ, Long.toString(n).getBytes(StandardCharsets.US_ASCII));
            h.add(SluiceHeaders.TIMESTAMP, Long.toString(now).getBytes(StandardCharsets.US_ASCII));
            h.add(SluiceHeaders.INSTANCE, instanceBytes);
            h.add(SluiceHeaders.REPLY_TOPIC, replyTopicBytes);
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, null, now, peer.id(), payload, h);
            kafka.send(record, (md, e) -> done(n, binary, payload, e));
        }

        private void done(long n, boolean binary, byte[] payload, Exception e) {
            pendingBytes.addAndGet(-payload.length);
            if (e == null) {
                recordsOut.increment();
                bytesOut.increment(payload.length);
            } else {
                failedOut.increment();
                Map<String, Object> dead = new LinkedHashMap<>();
                dead.put("channelId", channelId);
                dead.put("label", channel.label());
                dead.put("seq", n);
                dead.put("target", "kafka");
                dead.put("reason", e.toString());
                dead.put("binary", binary);
                dead.put("data", binary ? Base64.getEncoder().encodeToString(payload)
                        : new String(payload, StandardCharsets.UTF_8));
                peer.publish("deadletter", dead);
            }
            synchronized (this) {
                pending -= payload.length;
                if (paused && pending <= highWater / 2) {
                    paused = false;
                    channel.resumeReading();
                }
            }
        }
    }

    @Override
    public void attachEvents(ManagedPeer peer, Map<String, String> options) {
        peer.events().subscribe(0, e -> {
            if (!"message".equals(e.type())) {
                write(e);
            }
        });
    }

    /** The event as a structured-mode CloudEvent (CloudEvents 1.0 Kafka binding). */
    private void write(PeerEvent e) {
        byte[] value = json.writeValueAsBytes(CloudEvents.envelope(kafka.instanceId(), e));
        RecordHeaders h = new RecordHeaders();
        SluiceHeaders.put(h, "content-type", CloudEvents.CONTENT_TYPE);
        SluiceHeaders.put(h, SluiceHeaders.PEER, e.peerId());
        SluiceHeaders.put(h, SluiceHeaders.INSTANCE, kafka.instanceId());
        SluiceHeaders.put(h, SluiceHeaders.REPLY_TOPIC, kafka.inboundTopic());
        kafka.send(new ProducerRecord<>(kafka.properties().topics().events(), null, e.timestamp(), e.peerId(), value, h),
                (md, ex) -> {
                    (ex == null ? eventsOut : eventsFailed).increment();
                });
    }
}
