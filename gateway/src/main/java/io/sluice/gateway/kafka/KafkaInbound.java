package io.sluice.gateway.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.gateway.peers.ManagedPeer;
import io.sluice.gateway.peers.PeerRegistry;
import io.sluice.peer.api.RTCDataChannel;
import io.sluice.peer.api.RTCDataChannelState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka to channels: consumes this instance's inbound topic (only this instance reads it, so a
 * record reaches the gateway holding its peer and no other) and sends each record on its channel:
 * the peer is the {@code sluice-peer} header or the record key; the channel is {@code sluice-channel}
 * (the gateway's id) or {@code sluice-channel-label}; {@code sluice-type: text} sends text, anything
 * else binary.
 * <p>
 * A record's offset is committed only once the channel accepted the message (or it went to the
 * dead-letter topic). A channel that is not open yet, or whose bufferedAmount is above
 * {@code inbound-buffered-amount}, holds its records (in order) while other channels' records of the
 * same partition go on, for at most {@code inbound-wait-for-channel} without progress. A channel
 * holds at most {@code inbound-held-per-channel} records ({@code inbound-held-bytes-per-channel}
 * bytes): beyond it the partition's consumption pauses while the channel makes progress (a slow
 * reader is held back, not dropped), and once it took nothing for {@code inbound-stalled-after} its
 * further records are dead-lettered at once and the partition goes on: a channel whose remote
 * stopped reading holds the peers it shares the partition with back for at most that. The partition
 * pauses as well when its channels together hold {@code inbound-held-per-partition} records. Records for peers this instance does not hold, for closed channels, that the channel
 * refuses, beyond their channel's allowance, or that waited longer than
 * {@code inbound-wait-for-channel}, go to the dead-letter topic with the reason; nothing is skipped
 * silently.
 */
public final class KafkaInbound implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaInbound.class);

    private final KafkaService kafka;
    private final PeerRegistry registry;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final Map<TopicPartition, Held> held = new HashMap<>();
    private final Counter delivered;
    private final Counter deadLettered;
    private final Counter failures;
    private volatile boolean running = true;

    private enum Outcome { DELIVERED, HOLD, FAILED }

    private record Attempt(Outcome outcome, String reason) {
        static final Attempt OK = new Attempt(Outcome.DELIVERED, null);
        static final Attempt WAIT = new Attempt(Outcome.HOLD, null);

        static Attempt failed(String reason) {
            return new Attempt(Outcome.FAILED, reason);
        }
    }

    /** A consumed record waiting for its channel. */
    private static final class Item {
        final ConsumerRecord<String, byte[]> record;
        /** Peer and channel, read from the headers once: a waiting record is looked at every poll. */
        final Route route;

        Item(ConsumerRecord<String, byte[]> record, Route route) {
            this.record = record;
            this.route = route;
        }
    }

    /** What one channel (route) of a partition has waiting, and since when it took nothing. */
    private static final class Backlog {
        int records;
        long bytes;
        long idleSince = System.nanoTime();
    }

    /**
     * One partition's records not yet accepted, in offset order. Records accepted or dead-lettered
     * leave at once, whatever waits before them; the commit point is the first record still waiting
     * (or the end of what was consumed).
     */
    private static final class Held {
        final ArrayDeque<Item> items = new ArrayDeque<>();
        final Map<Route, Backlog> perRoute = new HashMap<>();
        /** Channels whose held records were dead-lettered for taking none: since when they took none. */
        final Map<Route, Long> idleSince = new HashMap<>();
        long bytes;
        long consumedUpTo = -1;
        long committed = -1;
        boolean paused;

        void add(Item it) {
            items.add(it);
            bytes += size(it.record);
            Backlog b = perRoute.computeIfAbsent(it.route, k -> {
                Backlog n = new Backlog();
                Long since = idleSince.get(k); // still idle since before its records were dead-lettered
                if (since != null) {
                    n.idleSince = since;
                }
                return n;
            });
            b.records++;
            b.bytes += size(it.record);
        }

        /** Bounded: forgetting only costs a forgotten channel one more pause of its partition. */
        void rememberIdle(Route r, long since) {
            if (idleSince.size() >= 10_000) {
                idleSince.clear();
            }
            idleSince.put(r, since);
        }

        void removed(Item it) {
            bytes -= size(it.record);
            Backlog b = perRoute.get(it.route);
            if (--b.records == 0) {
                perRoute.remove(it.route);
            } else {
                b.bytes -= size(it.record);
            }
        }
    }

    public KafkaInbound(KafkaService kafka, PeerRegistry registry, MeterRegistry meters) {
        this.kafka = kafka;
        this.registry = registry;
        this.delivered = Counter.builder("sluice.bridge.kafka.records").tag("direction", "in").tag("outcome", "delivered")
                .description("Inbound records accepted by their channel").register(meters);
        this.deadLettered = Counter.builder("sluice.bridge.kafka.records").tag("direction", "in")
                .tag("outcome", "deadletter").description("Inbound records sent to the dead-letter topic")
                .register(meters);
        this.failures = Counter.builder("sluice.bridge.kafka.inbound.failures")
                .description("Inbound polls that failed (retried after 1 s)").register(meters);
        meters.gauge("sluice.bridge.kafka.inbound.held", held, h -> {
            synchronized (h) {
                return h.values().stream().mapToInt(x -> x.items.size()).sum();
            }
        });
        meters.gauge("sluice.bridge.kafka.inbound.held.bytes", held, h -> {
            synchronized (h) {
                return h.values().stream().mapToLong(x -> x.bytes).sum();
            }
        });
        meters.gauge("sluice.bridge.kafka.inbound.paused", held, h -> {
            synchronized (h) {
                return h.values().stream().filter(x -> x.paused).count();
            }
        });
        thread = new Thread(this::run, "sluice-kafka-inbound");
        thread.setDaemon(true);
        thread.start();
    }

    /** Once the bridge is in service (the cluster answered): a consumer may need its address resolved. */
    private KafkaConsumer<String, byte[]> newConsumer() {
        Map<String, Object> p = kafka.clientConfig();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "sluice-gateway." + kafka.instanceId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        // What the consumer itself buffers ahead of us stays small too.
        p.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024 * 1024);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "sluice-" + kafka.instanceId() + "-inbound");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private void run() {
        while (running && !kafka.inService()) {
            try {
                kafka.ready().get(1, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                // not yet
            } catch (InterruptedException e) {
                return;
            }
        }
        if (!running) {
            return;
        }
        consumer = newConsumer();
        try {
            List<TopicPartition> parts = partitions();
            consumer.assign(parts);
            while (running) {
                try {
                    pollOnce();
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // A broker or authorization error must not end inbound delivery for good.
                    failures.increment();
                    log.warn("Kafka inbound poll failed; retrying in 1 s: {}", e.toString());
                    Thread.sleep(1000);
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("Kafka inbound consumer stopped", e);
        } finally {
            try {
                synchronized (held) {
                    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
                    for (var e : held.entrySet()) {
                        process(e.getKey(), e.getValue(), commits);
                    }
                    if (!commits.isEmpty()) {
                        consumer.commitSync(commits, Duration.ofSeconds(5));
                    }
                }
            } catch (RuntimeException e) {
                log.warn("inbound offsets not committed on close: {}", e.toString());
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void pollOnce() {
        boolean waiting;
        synchronized (held) {
            waiting = held.values().stream().anyMatch(h -> !h.items.isEmpty());
        }
        var records = consumer.poll(Duration.ofMillis(waiting ? 20 : 500));
        synchronized (held) {
            for (ConsumerRecord<String, byte[]> r : records) {
                Held h = held.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new Held());
                h.consumedUpTo = r.offset() + 1;
                Item it = new Item(r, route(r));
                Backlog backlog = h.perRoute.get(it.route);
                String full = backlogFull(backlog, size(r));
                if (full != null && System.nanoTime() - backlog.idleSince > stalledAfter().toNanos()) {
                    deadLetter(r, full + " and took none for " + seconds(stalledAfter()));
                } else {
                    h.add(it); // when full, the partition pauses below until the channel drains or stalls
                }
            }
            Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
            for (var e : held.entrySet()) {
                process(e.getKey(), e.getValue(), commits);
            }
            if (!commits.isEmpty()) {
                consumer.commitAsync(commits, (offsets, ex) -> {
                    if (ex != null) {
                        log.warn("inbound offset commit failed (records may be delivered again): {}", ex.toString());
                    }
                });
            }
        }
    }

    private List<TopicPartition> partitions() {
        String topic = kafka.inboundTopic();
        while (running) {
            try {
                List<PartitionInfo> info = consumer.partitionsFor(topic, Duration.ofSeconds(30));
                if (info != null && !info.isEmpty()) {
                    return info.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
                }
                log.warn("inbound topic {} has no partitions yet; retrying", topic);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                log.warn("inbound topic {} not found in 30 s; retrying: {}", topic, e.getMessage());
            }
        }
        throw new WakeupException();
    }

    /**
     * Why a channel that already has {@code backlog} waiting is full for a further record of
     * {@code size} bytes, or null when it is not: a channel holds at most
     * {@code inbound-held-per-channel} records and {@code inbound-held-bytes-per-channel} bytes.
     */
    private String backlogFull(Backlog backlog, long size) {
        if (backlog == null) {
            return null;
        }
        KafkaBridgeProperties p = kafka.properties();
        if (backlog.records >= p.inboundHeldPerChannel()) {
            return "its channel already has " + backlog.records + " records waiting (inbound-held-per-channel "
                    + p.inboundHeldPerChannel() + ")";
        }
        if (backlog.bytes + size > p.inboundHeldBytesPerChannel().toBytes()) {
            return "its channel already has " + backlog.bytes + " bytes waiting (inbound-held-bytes-per-channel "
                    + p.inboundHeldBytesPerChannel().toBytes() + " bytes)";
        }
        return null;
    }

    /**
     * Tries every held record of the partition in order; a channel that holds one record holds its
     * later ones too (order per channel). Commits up to the first record still held.
     */
    private void process(TopicPartition tp, Held h, Map<TopicPartition, OffsetAndMetadata> commits) {
        Set<Route> blocked = new HashSet<>();
        for (var i = h.items.iterator(); i.hasNext();) {
            Item it = i.next();
            if (blocked.contains(it.route)) {
                continue;
            }
            Backlog backlog = h.perRoute.get(it.route);
            boolean expired = System.nanoTime() - backlog.idleSince > kafka.properties().inboundWaitForChannel().toNanos();
            Attempt a = attempt(it, expired);
            switch (a.outcome()) {
                case DELIVERED -> {
                    i.remove();
                    h.removed(it);
                    backlog.idleSince = System.nanoTime();
                    h.idleSince.remove(it.route);
                    delivered.increment();
                }
                case FAILED -> {
                    i.remove();
                    h.removed(it);
                    if (expired) {
                        h.rememberIdle(it.route, backlog.idleSince);
                    } else {
                        h.idleSince.remove(it.route); // closed, unknown: nothing to wait for
                    }
                    deadLetter(it.record, a.reason());
                }
                case HOLD -> blocked.add(it.route);
            }
        }
        boolean channelFull = false;
        for (Backlog b : h.perRoute.values()) {
            if (b.records >= kafka.properties().inboundHeldPerChannel()
                    || b.bytes >= kafka.properties().inboundHeldBytesPerChannel().toBytes()) {
                channelFull |= System.nanoTime() - b.idleSince <= stalledAfter().toNanos();
            }
        }
        long next = h.items.isEmpty() ? h.consumedUpTo : h.items.peekFirst().record.offset();
        if (next > h.committed) {
            h.committed = next;
            commits.put(tp, new OffsetAndMetadata(next));
        }
        int limit = kafka.properties().inboundHeldPerPartition();
        long byteLimit = kafka.properties().inboundHeldBytesPerPartition().toBytes();
        if (h.items.size() >= limit / 2 || h.bytes >= byteLimit / 2) {
            evictStalled(h);
        }
        if (!h.paused && (h.items.size() >= limit || h.bytes >= byteLimit || channelFull)) {
            h.paused = true;
            consumer.pause(List.of(tp));
        } else if (h.paused && h.items.size() <= limit / 2 && h.bytes <= byteLimit / 2 && !channelFull) {
            h.paused = false;
            consumer.resume(List.of(tp));
        }
    }

    /**
     * With the partition's allowance half taken, the records of channels that took nothing for
     * {@code inbound-stalled-after} go to the dead-letter topic now rather than at their expiry:
     * a stalled channel must not keep its partition paused for the peers it shares it with.
     */
    private void evictStalled(Held h) {
        long now = System.nanoTime();
        Set<Route> evict = new HashSet<>();
        h.perRoute.forEach((route, b) -> {
            if (now - b.idleSince > stalledAfter().toNanos()) {
                evict.add(route);
            }
        });
        if (evict.isEmpty()) {
            return;
        }
        for (Route r : evict) {
            h.rememberIdle(r, h.perRoute.get(r).idleSince);
        }
        for (var i = h.items.iterator(); i.hasNext();) {
            Item it = i.next();
            if (evict.contains(it.route)) {
                i.remove();
                h.removed(it);
                deadLetter(it.record, "its channel took no record for " + seconds(stalledAfter())
                        + " while its partition's inbound allowance was half full");
            }
        }
    }

    private static long size(ConsumerRecord<String, byte[]> r) {
        return r.value() == null ? 0 : r.value().length;
    }

    /**
     * Where a record goes: its peer, and its channel by id or else by label. Kept as fields, not
     * joined into one string: header values are any bytes, so no separator keeps two routes apart.
     */
    record Route(String peer, String channel, String label) {
    }

    static Route route(ConsumerRecord<String, byte[]> r) {
        String ch = SluiceHeaders.get(r.headers(), SluiceHeaders.CHANNEL);
        return new Route(peerOf(r), ch, ch != null ? null : SluiceHeaders.get(r.headers(), SluiceHeaders.LABEL));
    }

    private static String peerOf(ConsumerRecord<String, byte[]> r) {
        String peer = SluiceHeaders.get(r.headers(), SluiceHeaders.PEER);
        return peer != null ? peer : r.key();
    }

    private java.time.Duration stalledAfter() {
        return kafka.properties().inboundStalledAfter();
    }

    /** Tries to send {@code it}; {@code expired}: its channel went {@code inbound-wait-for-channel} without taking one. */
    private Attempt attempt(Item it, boolean expired) {
        ConsumerRecord<String, byte[]> r = it.record;
        String peerId = peerOf(r);
        if (peerId == null) {
            return Attempt.failed("no peer: neither a " + SluiceHeaders.PEER + " header nor a key");
        }
        ManagedPeer peer = registry.find(peerId);
        if (peer == null) {
            return Attempt.failed("no peer " + peerId + " on instance " + kafka.instanceId());
        }
        String cid = SluiceHeaders.get(r.headers(), SluiceHeaders.CHANNEL);
        String label = SluiceHeaders.get(r.headers(), SluiceHeaders.LABEL);
        if (cid == null && label == null) {
            return Attempt.failed("no channel: neither a " + SluiceHeaders.CHANNEL + " nor a " + SluiceHeaders.LABEL
                    + " header");
        }
        RTCDataChannel ch = cid != null ? peer.channel(cid) : byLabel(peer, label);
        if (ch == null || ch.readyState() == RTCDataChannelState.CONNECTING) {
            if (peer.pc().connectionState().spec().equals("closed")) {
                return Attempt.failed("peer " + peerId + " is closed");
            }
            return expired ? Attempt.failed("channel " + (cid != null ? cid : "labelled '" + label + "'")
                    + " did not open within " + seconds(kafka.properties().inboundWaitForChannel())) : Attempt.WAIT;
        }
        if (ch.readyState() != RTCDataChannelState.OPEN) {
            return Attempt.failed("channel " + (cid != null ? cid : label) + " is " + ch.readyState().spec());
        }
        long mark = kafka.properties().inboundBufferedAmount().toBytes();
        long buffered = ch.bufferedAmount();
        if (buffered > mark) {
            return expired ? Attempt.failed("channel " + (cid != null ? cid : "labelled '" + label + "'")
                    + " stayed above inbound-buffered-amount (bufferedAmount " + buffered + " > " + mark
                    + " bytes) for " + seconds(kafka.properties().inboundWaitForChannel()) + ": its remote is not reading")
                    : Attempt.WAIT;
        }
        try {
            if ("text".equals(SluiceHeaders.get(r.headers(), SluiceHeaders.TYPE))) {
                ch.send(new String(r.value() == null ? new byte[0] : r.value(), StandardCharsets.UTF_8));
            } else {
                ch.send(r.value() == null ? new byte[0] : r.value());
            }
        } catch (RuntimeException e) {
            return Attempt.failed("the channel refused the message: " + e.getMessage());
        }
        peer.sent(r.value() == null ? 0 : r.value().length);
        return Attempt.OK;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** The open (or opening) channel with this label that was made first. */
    private static RTCDataChannel byLabel(ManagedPeer peer, String label) {
        RTCDataChannel opening = null;
        for (RTCDataChannel c : peer.channels().values()) {
            if (label.equals(c.label())) {
                if (c.readyState() == RTCDataChannelState.OPEN) {
                    return c;
                }
                if (c.readyState() == RTCDataChannelState.CONNECTING && opening == null) {
                    opening = c;
                }
            }
        }
        return opening;
    }

    private void deadLetter(ConsumerRecord<String, byte[]> r, String reason) {
        deadLettered.increment();
        RecordHeaders h = new RecordHeaders(r.headers().toArray());
        SluiceHeaders.put(h, SluiceHeaders.ERROR, reason);
        SluiceHeaders.put(h, SluiceHeaders.SOURCE, r.topic() + "/" + r.partition() + "/" + r.offset());
        kafka.send(new ProducerRecord<>(kafka.properties().topics().deadLetter(), null, r.key(), r.value(), h),
                (md, e) -> {
                    if (e != null) {
                        log.error("dead letter for {}/{}/{} not written: {}", r.topic(), r.partition(), r.offset(),
                                e.toString());
                    }
                });
        ManagedPeer peer = registry.find(peerOf(r));
        if (peer != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("target", "kafka");
            m.put("direction", "in");
            m.put("source", r.topic() + "/" + r.partition() + "/" + r.offset());
            m.put("reason", reason);
            peer.publish("deadletter", m);
        }
        log.debug("inbound record {}/{}/{} dead-lettered: {}", r.topic(), r.partition(), r.offset(), reason);
    }

    /** Whether the consumer thread is still running (health). */
    public boolean alive() {
        return thread.isAlive();
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
