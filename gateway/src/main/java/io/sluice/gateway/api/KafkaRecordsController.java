package io.sluice.gateway.api;

import io.sluice.gateway.bridge.BridgeBinding;
import io.sluice.gateway.kafka.KafkaBridge;
import io.sluice.gateway.kafka.KafkaService;
import io.sluice.gateway.peers.ManagedPeer;
import io.sluice.gateway.peers.OwnerQuotas;
import io.sluice.gateway.peers.PeerRegistry;
import io.sluice.peer.api.error.NotSupportedError;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * A live view of the records a peer's bridged channels wrote to Kafka, read back from the topics
 * (not from the gateway's memory): what the example page shows, and a quick check for operators.
 * Starts at the end of the topics when the stream opens; at most {@link #MAX_TAPS} at once, and
 * {@code sluice.quotas.record-streams} per owner.
 */
@RestController
public class KafkaRecordsController {

    /** Streams open at once (each has its own consumer and thread). */
    static final int MAX_TAPS = 8;

    private final PeerRegistry registry;
    private final ObjectProvider<KafkaService> kafka;
    private final OwnerQuotas quotas;
    private final Semaphore taps = new Semaphore(MAX_TAPS);

    public KafkaRecordsController(PeerRegistry registry, ObjectProvider<KafkaService> kafka, OwnerQuotas quotas) {
        this.registry = registry;
        this.kafka = kafka;
        this.quotas = quotas;
    }

    @GetMapping(path = "/v1/peers/{id}/kafka-records", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter records(@PathVariable String id) {
        String owner = Owner.current();
        ManagedPeer peer = registry.get(id, owner);
        KafkaService k = kafka.getIfAvailable();
        if (k == null) {
            throw new NotSupportedError("this gateway has no Kafka bridge (sluice.bridges.kafka.enabled=false)");
        }
        TreeSet<String> topics = new TreeSet<>();
        for (BridgeBinding b : peer.bindings()) {
            if (b.bridge() instanceof KafkaBridge) {
                topics.add(b.options().getOrDefault("topic", k.properties().topics().messages()));
            }
        }
        if (topics.isEmpty()) {
            throw new NotSupportedError("peer " + id + " has no channels bridged to Kafka");
        }
        quotas.take(OwnerQuotas.Quota.RECORD_STREAMS, owner);
        if (!taps.tryAcquire()) {
            quotas.give(OwnerQuotas.Quota.RECORD_STREAMS, owner);
            throw new io.sluice.gateway.peers.LimitExceededException("this gateway has " + MAX_TAPS
                    + " record streams open, its limit", 429);
        }
        SseEmitter emitter = new SseEmitter(0L);
        Tap tap = new Tap(k, peer, List.copyOf(topics), emitter, owner);
        emitter.onCompletion(tap::stop);
        emitter.onTimeout(tap::stop);
        emitter.onError(t -> tap.stop());
        Thread t = new Thread(tap, "sluice-kafka-tap");
        t.setDaemon(true);
        t.start();
        return emitter;
    }

    private final class Tap implements Runnable {
        private final KafkaService kafka;
        private final ManagedPeer peer;
        private final List<String> topics;
        private final SseEmitter emitter;
        private final String owner;
        private volatile boolean running = true;

        Tap(KafkaService kafka, ManagedPeer peer, List<String> topics, SseEmitter emitter, String owner) {
            this.kafka = kafka;
            this.peer = peer;
            this.topics = topics;
            this.emitter = emitter;
            this.owner = owner;
        }

        void stop() {
            running = false;
        }

        @Override
        public void run() {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.clientConfig(), new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> parts = topics.stream().flatMap(t -> c.partitionsFor(t, Duration.ofSeconds(10))
                        .stream().map(p -> new TopicPartition(t, p.partition()))).toList();
                c.assign(parts);
                c.seekToEnd(parts);
                parts.forEach(c::position);
                emitter.send(SseEmitter.event().name("ready").data(Map.of("topics", topics)));
                while (running && registry.find(peer.id()) != null) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                        if (peer.id().equals(r.key())) {
                            emitter.send(SseEmitter.event().name("record").id(r.topic() + "/" + r.partition() + "/"
                                    + r.offset()).data(view(r), MediaType.APPLICATION_JSON));
                        }
                    }
                }
                emitter.complete();
            } catch (Exception e) {
                emitter.completeWithError(e);
            } finally {
                taps.release();
                quotas.give(OwnerQuotas.Quota.RECORD_STREAMS, owner);
            }
        }
    }

    private static Map<String, Object> view(ConsumerRecord<String, byte[]> r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("topic", r.topic());
        m.put("partition", r.partition());
        m.put("offset", r.offset());
        m.put("timestamp", r.timestamp());
        m.put("key", r.key());
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        m.put("headers", headers);
        boolean text = "text".equals(headers.get("sluice-type"));
        m.put("binary", !text);
        m.put("value", r.value() == null ? null : text ? new String(r.value(), StandardCharsets.UTF_8)
                : Base64.getEncoder().encodeToString(r.value()));
        return m;
    }
}
