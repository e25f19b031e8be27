package io.sluice.gateway.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's connection to Kafka: the embedded broker when no cluster is configured, the topics,
 * and one idempotent producer (acks=all) shared by every bridged channel. Records are handed to the
 * producer on one thread of its own, so a peer's event loop never waits on Kafka (the producer
 * blocks while it has no metadata or its buffer is full); the callers bound what they hand over.
 */
public final class KafkaService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaService.class);

    private final KafkaBridgeProperties properties;
    private final EmbeddedKafkaBroker embedded;
    private final String bootstrapServers;
    private final String instanceId;
    private final KafkaProducer<String, byte[]> producer;
    private final Set<String> knownTopics = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sluice-kafka-send");
        t.setDaemon(true);
        return t;
    });

    public KafkaService(KafkaBridgeProperties properties) {
        this.properties = properties;
        this.instanceId = io.sluice.gateway.bridge.CloudEvents.instanceName(properties.instanceId());
        if (properties.bootstrapServers().isBlank()) {
            KafkaBridgeProperties.Embedded e = properties.embedded();
            Path dir = e.dataDir().isBlank() ? Path.of(System.getProperty("java.io.tmpdir"), "sluice-kafka")
                    : Path.of(e.dataDir());
            long t0 = System.nanoTime();
            embedded = new EmbeddedKafkaBroker(dir, e.host(), e.port()).start();
            bootstrapServers = embedded.bootstrapServers();
            log.info("embedded Kafka broker on {} (data in {}), started in {} ms", bootstrapServers, dir,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        } else {
            embedded = null;
            bootstrapServers = properties.bootstrapServers();
        }
        try {
            if (properties.topics().create()) {
                createTopics();
            }
            Map<String, Object> p = clientConfig();
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE,
                    properties.deliveryTimeout().toMillis()));
            p.put(ProducerConfig.CLIENT_ID_CONFIG, "sluice-" + instanceId);
            p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 1);
            // A peer's records share a partition: Kafka's default 16 KiB batch would send 16 KiB messages
            // one per request, five in flight (docs/kafka-benchmark.md).
            p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
            p.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
            // A full buffer (Kafka away) makes the sender wait as long as a record may take, not fail sooner.
            p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, properties.deliveryTimeout().toMillis());
            producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        } catch (RuntimeException ex) {
            if (embedded != null) {
                embedded.stop();
            }
            throw ex;
        }
    }

    /** Settings every client of the gateway shares: the cluster and {@code sluice.bridges.kafka.client.*}. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> p = new HashMap<>(properties.client());
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }

    private void createTopics() {
        KafkaBridgeProperties.Topics t = properties.topics();
        Optional<Integer> partitions = Optional.of(t.partitions());
        Optional<Short> rf = t.replicationFactor() < 0 ? Optional.empty() : Optional.of(t.replicationFactor());
        List<NewTopic> wanted = new ArrayList<>();
        for (String name : Set.of(t.messages(), t.events(), t.deadLetter(), inboundTopic())) {
            knownTopics.add(name);
            wanted.add(new NewTopic(name, partitions, rf));
        }
        Map<String, Object> admin = clientConfig();
        admin.put("default.api.timeout.ms", 60_000);
        try (Admin a = Admin.create(admin)) {
            for (var f : a.createTopics(wanted).values().entrySet()) {
                try {
                    f.getValue().get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create Kafka topic " + f.getKey() + " on "
                                + bootstrapServers + ": " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating Kafka topics", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within 60 s", e);
        }
    }

    /**
     * Makes sure a topic a declaration names exists (creating it like the gateway's own when
     * {@code topics.create} is on); throws OperationError if Kafka cannot confirm it.
     */
    public void ensureTopic(String topic) {
        if (knownTopics.contains(topic)) {
            return;
        }
        KafkaBridgeProperties.Topics t = properties.topics();
        Map<String, Object> admin = clientConfig();
        admin.put("request.timeout.ms", 10_000);
        admin.put("default.api.timeout.ms", 10_000);
        try (Admin a = Admin.create(admin)) {
            if (t.create()) {
                try {
                    a.createTopics(List.of(new NewTopic(topic, Optional.of(t.partitions()),
                            t.replicationFactor() < 0 ? Optional.empty() : Optional.of(t.replicationFactor()))))
                            .all().get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            } else {
                a.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS);
            }
            knownTopics.add(topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.sluice.peer.api.error.OperationError("interrupted while checking Kafka topic " + topic);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            Throwable c = e instanceof ExecutionException ? e.getCause() : e;
            throw new io.sluice.peer.api.error.OperationError("Kafka topic " + topic + " is not available: " + c);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new io.sluice.peer.api.error.OperationError("Kafka topic " + topic + " is not available: " + e);
        }
    }

    /**
     * Hands a record to the producer without blocking the caller; {@code done} runs once Kafka
     * acknowledged it (all in-sync replicas) or it failed for good.
     */
    public void send(ProducerRecord<String, byte[]> record, Callback done) {
        try {
            sender.execute(() -> {
                try {
                    producer.send(record, done);
                } catch (RuntimeException e) {
                    done.onCompletion(null, e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            done.onCompletion(null, new IllegalStateException("the gateway is shutting down"));
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The embedded broker, if this gateway started one. */
    public Optional<EmbeddedKafkaBroker> embedded() {
        return Optional.ofNullable(embedded);
    }

    public String instanceId() {
        return instanceId;
    }

    /** Where records for this instance's peers go. */
    public String inboundTopic() {
        return properties.topics().inboundPrefix() + instanceId;
    }

    public KafkaBridgeProperties properties() {
        return properties;
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
        if (embedded != null) {
            embedded.stop();
        }
    }
}
