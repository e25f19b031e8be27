package io.sluice.gateway.kafka;

import io.sluice.gateway.bridge.UnavailableError;
import io.sluice.gateway.peers.LimitExceededException;
import io.sluice.peer.api.error.OperationError;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's connection to Kafka: the embedded broker when no cluster is configured, the topics,
 * and one idempotent producer (acks=all) shared by every bridged channel. Records are handed to the
 * producer on one thread of its own, so a peer's event loop never waits on Kafka (the producer
 * blocks while it has no metadata or its buffer is full); the callers bound what they hand over.
 * <p>
 * Starting does not wait for an external cluster: the gateway serves WebRTC and its other bridges
 * at once, while a thread of its own ({@code sluice-kafka-connect}) creates (or checks) the
 * gateway's topics, retrying with a backoff doubling from 0.5 s up to {@code connect-retry-max}.
 * Until that succeeds the bridge is not in service: declarations naming it are refused
 * ({@link UnavailableError}, 503, with the last error) and health says why. Once in service, a
 * later outage is ridden out with backpressure.
 */
public final class KafkaService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaService.class);
    private static final long FIRST_RETRY_MS = 500;
    /** How long one attempt to reach the cluster, or to check or create a declared topic, may take. */
    private static final Duration ATTEMPT = Duration.ofSeconds(10);

    private final KafkaBridgeProperties properties;
    private final EmbeddedKafkaBroker embedded;
    private final String bootstrapServers;
    private final String instanceId;
    private final TopicPolicy policy;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Thread connector;
    private volatile KafkaProducer<String, byte[]> producer;
    private volatile Admin admin;
    private volatile boolean closed;
    private volatile String lastError = "no answer yet";
    private volatile long attempts;
    private final Set<String> knownTopics = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Topics created for declarations, per owner ("" for callers without one); guarded by itself. */
    private final Map<String, Integer> createdPerOwner = new HashMap<>();
    private int created;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sluice-kafka-send");
        t.setDaemon(true);
        return t;
    });

    public KafkaService(KafkaBridgeProperties properties) {
        this.properties = properties;
        this.instanceId = io.sluice.gateway.bridge.CloudEvents.instanceName(properties.instanceId());
        this.policy = new TopicPolicy(properties.topics());
        if (properties.inboundHeldPerChannel() < 1 || properties.inboundHeldPerChannel() >= properties.inboundHeldPerPartition()
                || properties.inboundHeldBytesPerChannel().toBytes() >= properties.inboundHeldBytesPerPartition().toBytes()) {
            throw new IllegalArgumentException("sluice.bridges.kafka.inbound-held-per-channel ("
                    + properties.inboundHeldPerChannel() + ") and inbound-held-bytes-per-channel ("
                    + properties.inboundHeldBytesPerChannel() + ") must be positive and below inbound-held-per-partition ("
                    + properties.inboundHeldPerPartition() + ") and inbound-held-bytes-per-partition ("
                    + properties.inboundHeldBytesPerPartition() + "): else one stuck channel pauses its partition");
        }
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
        connector = new Thread(this::connect, "sluice-kafka-connect");
        connector.setDaemon(true);
        if (embedded != null) {
            // The broker is this process's own and already serves: in service before the gateway starts.
            connect();
            if (!inService()) {
                embedded.stop();
                throw new IllegalStateException("the embedded Kafka broker on " + bootstrapServers
                        + " does not serve: " + lastError);
            }
        } else {
            connector.start();
            // A cluster that answers is in service before the gateway serves; one that does not delays the start
            // by at most this.
            try {
                ready.get(properties.connectWaitAtStart().toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | ExecutionException e) {
                log.warn("Kafka at {} not reached within {} ms; the gateway starts with the Kafka bridge out of service",
                        bootstrapServers, properties.connectWaitAtStart().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Until in service (or closed): the topics, then the producer; backoff between attempts. */
    private void connect() {
        long pause = FIRST_RETRY_MS;
        while (!closed) {
            attempts++;
            try {
                Admin a = admin();
                if (properties.topics().create()) {
                    createTopics(a);
                } else {
                    a.describeCluster().nodes().get(ATTEMPT.toMillis(), TimeUnit.MILLISECONDS);
                }
                producer = newProducer();
                ready.complete(null);
                if (attempts > 1) {
                    log.info("Kafka at {} reached after {} attempts; the Kafka bridge is in service", bootstrapServers,
                            attempts);
                }
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                lastError = c instanceof java.util.concurrent.TimeoutException
                        ? "no answer within " + ATTEMPT.toSeconds() + " s" : String.valueOf(c);
                if (embedded != null) {
                    return;
                }
                log.warn("Kafka at {} not available (attempt {}): {}; the Kafka bridge is out of service, retrying in "
                        + "{} ms", bootstrapServers, attempts, lastError, pause);
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            pause = Math.min(pause * 2, Math.max(FIRST_RETRY_MS, properties.connectRetryMax().toMillis()));
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> p = clientConfig();
            p.put("request.timeout.ms", (int) ATTEMPT.toMillis());
            p.put("default.api.timeout.ms", (int) ATTEMPT.toMillis());
            // While the cluster is away, the client's connection attempts (one warning each) slow down too.
            p.putIfAbsent("reconnect.backoff.max.ms", 10_000);
            admin = Admin.create(p);
        }
        return admin;
    }

    private KafkaProducer<String, byte[]> newProducer() {
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
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Settings every client of the gateway shares: the cluster and {@code sluice.bridges.kafka.client.*}. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> p = new HashMap<>(properties.client());
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }

    private NewTopic newTopic(String name) {
        KafkaBridgeProperties.Topics t = properties.topics();
        return new NewTopic(name, Optional.of(t.partitions()),
                t.replicationFactor() < 0 ? Optional.empty() : Optional.of(t.replicationFactor()));
    }

    private void createTopics(Admin a) throws Exception {
        KafkaBridgeProperties.Topics t = properties.topics();
        List<NewTopic> wanted = new ArrayList<>();
        for (String name : Set.of(t.messages(), t.events(), t.deadLetter(), inboundTopic())) {
            wanted.add(newTopic(name));
        }
        for (var f : a.createTopics(wanted).values().entrySet()) {
            try {
                f.getValue().get(ATTEMPT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create Kafka topic " + f.getKey() + ": "
                            + e.getCause().getMessage(), e.getCause());
                }
            }
            knownTopics.add(f.getKey());
        }
    }

    /** Whether the bridge is in service: the cluster answered and the gateway's topics are there. */
    public boolean inService() {
        return ready.isDone() && !ready.isCompletedExceptionally();
    }

    /** Completes once the bridge is in service. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** Why the bridge is not in service (the last attempt's error), and how many attempts were made. */
    public String lastError() {
        return lastError;
    }

    public long attempts() {
        return attempts;
    }

    /** Throws UnavailableError (503) while the bridge is not in service. */
    public void requireInService() {
        if (!inService()) {
            throw new UnavailableError("the Kafka bridge is not available: Kafka at " + bootstrapServers
                    + " has not answered since the gateway started (" + attempts + " attempts, last: " + lastError
                    + "); retrying in the background");
        }
    }

    /**
     * The checks a declaration's {@code topic} must pass before anything happens (no Kafka call):
     * a valid name, not the gateway's own, allowed for this owner.
     */
    public void checkTopic(String topic, String owner) {
        policy.check(topic, owner);
    }

    /**
     * Makes sure a topic a declaration names exists: an existing one is used; a missing one is
     * refused unless {@code topics.create-declared}, then created within the per-owner and the
     * gateway-wide caps. Throws UnavailableError if Kafka does not answer, OperationError if it
     * refuses, LimitExceededException (429) at a cap.
     */
    public void ensureTopic(String topic, String owner) {
        requireInService();
        checkTopic(topic, owner);
        if (knownTopics.contains(topic)) {
            return;
        }
        KafkaBridgeProperties.Topics t = properties.topics();
        try {
            try {
                admin().describeTopics(List.of(topic)).allTopicNames().get(ATTEMPT.toMillis(), TimeUnit.MILLISECONDS);
                knownTopics.add(topic);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (!t.createDeclared()) {
                throw new OperationError("Kafka topic " + topic + " does not exist, and this gateway does not create "
                        + "topics for declarations (sluice.bridges.kafka.topics.create-declared=false)");
            }
            String who = owner == null ? "" : owner;
            synchronized (createdPerOwner) {
                int mine = createdPerOwner.getOrDefault(who, 0);
                if (mine >= t.maxCreatedPerOwner()) {
                    throw new LimitExceededException("Kafka topic " + topic + " would be topic " + (mine + 1)
                            + " created for " + (owner == null ? "callers without an owner" : "owner " + owner)
                            + "; at most " + t.maxCreatedPerOwner(), 429,
                            "sluice.bridges.kafka.topics.max-created-per-owner");
                }
                if (created >= t.maxCreated()) {
                    throw new LimitExceededException("Kafka topic " + topic + " would be topic " + (created + 1)
                            + " this gateway created for declarations; at most " + t.maxCreated()
                            + " (sluice.bridges.kafka.topics.max-created)", 429);
                }
                try {
                    admin().createTopics(List.of(newTopic(topic))).all().get(ATTEMPT.toMillis(), TimeUnit.MILLISECONDS);
                    createdPerOwner.merge(who, 1, Integer::sum);
                    created++;
                    log.info("created Kafka topic {} for {}", topic, owner == null ? "a caller without an owner"
                            : "owner " + owner);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            knownTopics.add(topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationError("interrupted while checking Kafka topic " + topic);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new UnavailableError("Kafka at " + bootstrapServers + " did not answer about topic " + topic
                    + " within " + ATTEMPT.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new UnavailableError("Kafka at " + bootstrapServers + " did not answer about topic " + topic
                        + ": " + c.getMessage());
            }
            throw new OperationError("Kafka refused topic " + topic + ": " + c);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new OperationError("Kafka refused topic " + topic + ": " + e);
        }
    }

    /**
     * Hands a record to the producer without blocking the caller; {@code done} runs once Kafka
     * acknowledged it (all in-sync replicas) or it failed for good (at once while the bridge is not
     * in service).
     */
    public void send(ProducerRecord<String, byte[]> record, Callback done) {
        try {
            sender.execute(() -> {
                KafkaProducer<String, byte[]> p = producer;
                if (p == null) {
                    done.onCompletion(null, new IllegalStateException("the Kafka bridge is not in service: "
                            + lastError));
                    return;
                }
                try {
                    p.send(record, done);
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
        closed = true;
        connector.interrupt();
        try {
            connector.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        KafkaProducer<String, byte[]> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(10));
        }
        synchronized (this) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
            }
        }
        if (embedded != null) {
            embedded.stop();
        }
    }
}
