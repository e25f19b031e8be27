package io.sluice.gateway.interop;

import io.sluice.gateway.kafka.SluiceHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A backend that knows only Kafka: it reads every channel message the gateway writes to the
 * messages topic (from the moment it starts) and writes it back, same key, same bytes, to the
 * record's reply topic with the channel id and the text/binary type, so the gateway delivers it
 * on the channel it came from. One idempotent producer, records of one peer share a key: Kafka
 * keeps their order.
 */
final class KafkaEchoBackend implements AutoCloseable {

    private final Thread thread;
    private final CountDownLatch started = new CountDownLatch(1);
    private final AtomicLong echoed = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;

    private KafkaEchoBackend(String bootstrap, String topic) {
        thread = new Thread(() -> run(bootstrap, topic), "kafka-echo-backend");
        thread.setDaemon(true);
    }

    /** Starts echoing {@code topic}; returns once the consumer is positioned at the topic's end. */
    static KafkaEchoBackend start(String bootstrap, String topic) throws InterruptedException {
        KafkaEchoBackend backend = new KafkaEchoBackend(bootstrap, topic);
        backend.thread.start();
        if (!backend.started.await(60, TimeUnit.SECONDS)) {
            backend.close();
            throw new IllegalStateException("the Kafka echo backend did not start within 60 s: " + backend.failure.get());
        }
        if (backend.failure.get() != null) {
            throw new IllegalStateException("the Kafka echo backend failed", backend.failure.get());
        }
        return backend;
    }

    private void run(String bootstrap, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                new StringDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                     "linger.ms", "2", "batch.size", Integer.toString(256 * 1024)), new StringSerializer(),
                     new ByteArraySerializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve the end offsets now, before anyone sends
            started.countDown();
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    RecordHeaders headers = new RecordHeaders();
                    for (String name : List.of(SluiceHeaders.CHANNEL, SluiceHeaders.TYPE)) {
                        var h = r.headers().lastHeader(name);
                        if (h != null) {
                            headers.add(name, h.value());
                        }
                    }
                    String replyTopic = SluiceHeaders.get(r.headers(), SluiceHeaders.REPLY_TOPIC);
                    producer.send(new ProducerRecord<>(replyTopic, null, r.key(), r.value(), headers), (m, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
                    echoed.incrementAndGet();
                }
            }
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        } finally {
            started.countDown();
        }
    }

    /** Records written back so far. */
    long echoed() {
        return echoed.get();
    }

    /** The first error of the consumer or the producer, if any. */
    Throwable failure() {
        return failure.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(15_000);
    }
}
