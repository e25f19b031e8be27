package io.sluice.gateway.bench;

import io.sluice.gateway.SluiceGatewayApplication;
import io.sluice.gateway.kafka.EmbeddedKafkaBroker;
import io.sluice.gateway.kafka.SluiceHeaders;
import io.sluice.gateway.testing.RemotePeer;
import io.sluice.peer.api.PeerConnectionSettings;
import io.sluice.peer.api.RTCDataChannel;
import io.sluice.peer.net.NetworkRuntime;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Kafka bridge end to end: a peer-core peer on 127.0.0.1 (the browser's part, on an event loop
 * of its own) sends binary messages on a bridged data channel of the gateway started in this
 * process; the gateway's producer writes them (acks=all, idempotent, linger.ms=1) to a broker
 * started in this process too, and a consumer of this process reads them back. Two paths, each on
 * a fresh topic (6 partitions) per pass:
 *
 * <ul>
 *   <li><b>bridge</b>: data channel → gateway (SCTP over DTLS over UDP, the bridge, its send thread)
 *       → Kafka;
 *   <li><b>direct</b> (the reference): a plain {@link KafkaProducer} of this process configured like
 *       the gateway's (idempotent, acks=all, linger.ms=1, String key, byte[] value, the same nine
 *       headers) writes the same messages to the same broker.
 * </ul>
 *
 * Every payload starts with the {@link System#nanoTime()} of its send and its index; the consumer
 * (all partitions assigned, from the beginning) notes when it got each record. Two passes per path
 * and message size:
 *
 * <ul>
 *   <li><b>saturated</b>: N messages as fast as the path takes them, the sender keeping at most
 *       4 MiB outstanding (the channel's bufferedAmount, or the direct producer's unacknowledged
 *       bytes). Throughput is N over the time from the first send to the last record consumed;
 *       latency under saturation is mostly queueing in those 4 MiB. The CPU time of every thread
 *       over the same interval gives the cost of a message by part (sender, remote peer, gateway
 *       loops, ..., GC and JIT);
 *   <li><b>paced</b>: a fixed moderate rate for 3 s (1,000 messages/s of 100 B, 200 of 16 KiB), for
 *       the latency of one message when nothing queues.
 * </ul>
 *
 * Every index 0..N-1 must be consumed exactly once, or the program fails. Two warm-up rounds (all
 * the messages saturated, 1 s paced) are not counted; the tables show the median of each column
 * over the measured runs. All parts share the machine's cores: the remote peer, the gateway, the
 * broker and the consumer run in this one JVM, and every record of a pass has the same key (the
 * peer id), so it goes to one partition.
 *
 * <p>Run: {@code bench/gateway.sh KafkaBridgeBenchmark [messagesFor100B] [messagesFor16KiB] [runs]}
 * (defaults 100000 4000 3); {@code JAVA_OPTS=-Dbench.batchSize=N} sets both producers' {@code batch.size}.
 */
public final class KafkaBridgeBenchmark {

    /** Most bytes a sender keeps outstanding, as a well-behaved application does. */
    static final long HIGH = 4L * 1024 * 1024;
    /** Partitions of every topic (the gateway's default for the topics it creates). */
    static final int PARTITIONS = 6;
    static final int[] SIZES = {100, 16384};
    static final double PACED_SECONDS = 3;
    /** Unmeasured rounds first: the JIT needs a few hundred thousand messages to settle. */
    static final int WARM_UP_ROUNDS = 2;
    /**
     * {@code batch.size} of both producers ({@code -Dbench.batchSize=N}); default the gateway's own,
     * 256 KiB (Kafka's default 16384 sends a 16 KiB message with its headers in a batch of its own).
     */
    static final Integer BATCH_SIZE = Integer.getInteger("bench.batchSize", 256 * 1024);
    /** A pass fails when no record arrives for this long. */
    static final Duration STALL = Duration.ofSeconds(30);

    static String bootstrap;
    static int port;
    static Admin admin;
    static KafkaProducer<String, byte[]> producer;
    /** The remote peers' own event loop (one thread), apart from the gateway's: the browser's part of the work. */
    static NetworkRuntime remoteRuntime;
    static long remoteLoopThread;

    public static void main(String[] args) {
        int n100 = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int n16k = args.length > 1 ? Integer.parseInt(args[1]) : 4_000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        try {
            run(n100, n16k, runs);
        } catch (Throwable t) {
            System.err.println("KafkaBridgeBenchmark FAILED: " + t);
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    static void run(int n100, int n16k, int runs) throws Exception {
        Path dir = Files.createTempDirectory("sluice-kafka-bench");
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, "127.0.0.1", 0).start()) {
            bootstrap = broker.bootstrapServers();
            // Command-line arguments: they outrank the build's sluice.bridges.kafka.enabled=false.
            List<String> gateway = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                    "--sluice.ice.loopback=true", "--sluice.ice.addresses=127.0.0.1", "--sluice.limits.requests-per-second=0",
                    "--sluice.timeouts.drain=1s", "--sluice.bridges.kafka.enabled=true",
                    "--sluice.bridges.kafka.bootstrap-servers=" + bootstrap, "--sluice.bridges.kafka.instance-id=bench",
                    "--sluice.bridges.kafka.topics.allowed=bench-*", "--sluice.bridges.kafka.topics.create-declared=true",
                    "--sluice.bridges.kafka.topics.max-created-per-owner=10000", "--sluice.bridges.kafka.topics.max-created=10000",
                    "--logging.level.root=WARN", "--logging.level.io.sluice=WARN"));
            if (BATCH_SIZE != null) {
                gateway.add("--sluice.bridges.kafka.client.batch.size=" + BATCH_SIZE);
            }
            ConfigurableApplicationContext app = new SpringApplicationBuilder(SluiceGatewayApplication.class)
                    .run(gateway.toArray(String[]::new));
            port = ((WebServerApplicationContext) app).getWebServer().getPort();
            admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
            producer = directProducer();
            remoteRuntime = NetworkRuntime.create(1, 4);
            remoteLoopThread = remoteRuntime.group().submit(() -> Thread.currentThread().getId()).get();

            // size → path → one Result per measured run
            Map<Integer, Map<Route, List<Result>>> results = new LinkedHashMap<>();
            long began = System.nanoTime();
            for (int run = 1 - WARM_UP_ROUNDS; run <= runs; run++) { // rounds up to 0 warm up
                boolean warmUp = run <= 0;
                for (int size : SIZES) {
                    int n = size == 100 ? n100 : n16k;
                    double rate = size == 100 ? 1_000 : 200;
                    int paced = (int) Math.round(rate * (warmUp ? 1 : PACED_SECONDS));
                    for (Route route : Route.values()) {
                        String topic = "bench-" + size + "-" + route.label + "-" + (run + WARM_UP_ROUNDS);
                        Pass saturated = pass(route, size, topic + "-saturated", n, 0);
                        Pass slow = pass(route, size, topic + "-paced", paced, rate);
                        Result r = new Result(saturated, slow);
                        System.out.printf("%-7s %-6s %5d B  %s%n", warmUp ? "warm-up" : "run " + run, route.label,
                                size, r);
                        if (!warmUp) {
                            results.computeIfAbsent(size, s -> new LinkedHashMap<>())
                                    .computeIfAbsent(route, x -> new ArrayList<>()).add(r);
                        }
                    }
                }
            }
            System.out.printf("(%.0f s of passes)%n", (System.nanoTime() - began) / 1e9);
            table(results, n100, n16k, runs);
            producer.close();
            admin.close();
            app.close();
            remoteRuntime.close();
        } finally { // the broker's log: several hundred MB
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** The two ways into Kafka. */
    enum Route {
        BRIDGE("bridge"), DIRECT("direct");

        final String label;

        Route(String label) {
            this.label = label;
        }
    }

    /** Where a pass writes: opened on its topic (which exists once this returns). */
    interface Sender extends AutoCloseable {
        /** Returns once fewer than {@link #HIGH} bytes are outstanding. */
        void awaitCapacity();

        /** Sends the payload (the callee neither keeps nor changes the array). */
        void send(byte[] payload, int index);

        @Override
        void close() throws Exception;
    }

    static Sender open(Route route, String topic) throws Exception {
        return route == Route.BRIDGE ? bridge(topic) : direct(topic);
    }

    /** A gateway peer whose channel {@code bench} is bridged to the topic (the gateway creates it). */
    static Sender bridge(String topic) throws Exception {
        String declaration = "{\"bridges\":[{\"channels\":\"bench\",\"target\":\"kafka\",\"topic\":\"" + topic
                + "\"}]}";
        RemotePeer remote = RemotePeer.connect(port, declaration,
                PeerConnectionSettings.defaults().withRuntime(remoteRuntime), "bench");
        RTCDataChannel channel = remote.channel("bench");
        return new Sender() {
            @Override
            public void awaitCapacity() {
                waitWhile(() -> channel.bufferedAmount() > HIGH, "the channel's bufferedAmount");
            }

            @Override
            public void send(byte[] payload, int index) {
                channel.send(payload); // copies
            }

            @Override
            public void close() throws Exception {
                remote.close();
            }
        };
    }

    /** The reference: this process's producer, records like the bridge's, at most {@link #HIGH} bytes unacked. */
    static Sender direct(String topic) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, Optional.of(PARTITIONS), Optional.empty()))).all()
                .get(30, TimeUnit.SECONDS);
        String key = randomId(); // like a peer id: every record of a pass on one partition, as with the bridge
        AtomicLong outstanding = new AtomicLong();
        return new Sender() {
            @Override
            public void awaitCapacity() {
                waitWhile(() -> outstanding.get() > HIGH, "the producer's unacknowledged bytes");
            }

            @Override
            public void send(byte[] payload, int index) {
                long now = System.currentTimeMillis();
                RecordHeaders h = new RecordHeaders();
                SluiceHeaders.put(h, SluiceHeaders.PEER, key);
                SluiceHeaders.put(h, SluiceHeaders.CHANNEL, "dc1");
                SluiceHeaders.put(h, SluiceHeaders.LABEL, "bench");
                SluiceHeaders.put(h, SluiceHeaders.STREAM, "1");
                SluiceHeaders.put(h, SluiceHeaders.TYPE, "binary");
                SluiceHeaders.put(h, SluiceHeaders.SEQ, Long.toString(index + 1L));
                SluiceHeaders.put(h, SluiceHeaders.TIMESTAMP, Long.toString(now));
                SluiceHeaders.put(h, SluiceHeaders.INSTANCE, "bench");
                SluiceHeaders.put(h, SluiceHeaders.REPLY_TOPIC, "sluice.inbound.bench");
                byte[] value = payload.clone();
                outstanding.addAndGet(value.length);
                producer.send(new ProducerRecord<>(topic, null, now, key, value, h), (md, e) -> {
                    outstanding.addAndGet(-value.length);
                    if (e != null) {
                        System.err.println("direct producer: " + e);
                    }
                });
            }

            @Override
            public void close() {
                producer.flush();
            }
        };
    }

    /** Waits, 50 µs at a time, while {@code full}; fails when it does not drain for {@link #STALL}. */
    static void waitWhile(BooleanSupplier full, String what) {
        long deadline = System.nanoTime() + STALL.toNanos();
        while (full.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " did not drain below " + HIGH + " bytes in " + STALL.toSeconds()
                        + " s");
            }
            LockSupport.parkNanos(50_000);
        }
    }

    /** The gateway's producer settings (KafkaService), on this process's own producer. */
    static KafkaProducer<String, byte[]> directProducer() {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-direct");
        if (BATCH_SIZE != null) {
            p.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_SIZE);
        }
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * One pass: {@code n} messages of {@code size} bytes on a fresh topic, as fast as the path takes
     * them ({@code rate} 0) or at {@code rate} per second; returns once all were consumed.
     */
    static Pass pass(Route route, int size, String topic, int n, double rate) throws Exception {
        try (Sender sender = open(route, topic); Reader reader = new Reader(topic, size, n)) {
            reader.start();
            reader.ready.await();
            byte[] payload = new byte[size];
            ByteBuffer stamp = ByteBuffer.wrap(payload);
            long period = rate > 0 ? (long) (1e9 / rate) : 0;
            reader.cpuAtStart = Cpu.snapshot();
            long start = System.nanoTime();
            long late = 0;
            for (int i = 0; i < n; i++) {
                if (period > 0) {
                    long due = start + i * period;
                    long now;
                    while ((now = System.nanoTime()) < due) {
                        LockSupport.parkNanos(due - now);
                    }
                    late = Math.max(late, now - due);
                }
                sender.awaitCapacity();
                stamp.putLong(0, System.nanoTime()).putInt(8, i);
                sender.send(payload, i);
            }
            reader.await();
            return reader.pass(size, late);
        }
    }

    /** Reads a topic from the beginning on a thread of its own, noting when each index arrived. */
    static final class Reader extends Thread implements AutoCloseable {
        final String topic;
        final int size;
        final int n;
        final long[] sent;
        final long[] received;
        final BitSet seen;
        final CountDownLatch ready = new CountDownLatch(1);
        final CountDownLatch done = new CountDownLatch(1);
        volatile boolean stop;
        volatile Throwable failure;
        /** CPU time by thread before the first send, and as the last record arrived (taken here, still alive). */
        Cpu cpuAtStart;
        Cpu cpuAtEnd;
        int count;
        int duplicates;

        Reader(String topic, int size, int n) {
            super("bench-reader-" + topic);
            setDaemon(true);
            this.topic = topic;
            this.size = size;
            this.n = n;
            this.sent = new long[n];
            this.received = new long[n];
            this.seen = new BitSet(n);
        }

        @Override
        public void run() {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                    "enable.auto.commit", false), new StringDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                c.assign(parts);
                c.seekToBeginning(parts);
                parts.forEach(c::position); // resolve the positions before the first send
                ready.countDown();
                long lastProgress = System.nanoTime();
                while (count < n && !stop) {
                    var records = c.poll(Duration.ofMillis(100));
                    long now = System.nanoTime();
                    for (ConsumerRecord<String, byte[]> r : records) {
                        byte[] v = r.value();
                        if (v == null || v.length != size) {
                            throw new IllegalStateException(topic + ": a record of " + (v == null ? "null"
                                    : v.length + " bytes") + ", expected " + size);
                        }
                        ByteBuffer b = ByteBuffer.wrap(v);
                        int i = b.getInt(8);
                        if (i < 0 || i >= n) {
                            throw new IllegalStateException(topic + ": index " + i + " out of 0.." + (n - 1));
                        }
                        if (seen.get(i)) {
                            duplicates++;
                            continue;
                        }
                        seen.set(i);
                        sent[i] = b.getLong(0);
                        received[i] = now;
                        count++;
                    }
                    if (count == n) {
                        cpuAtEnd = Cpu.snapshot();
                    }
                    if (!records.isEmpty()) {
                        lastProgress = now;
                    } else if (now - lastProgress > STALL.toNanos()) {
                        break;
                    }
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                ready.countDown();
                done.countDown();
            }
        }

        /** Waits for the reader and checks that every index 0..n-1 arrived, none twice (until the last). */
        void await() throws InterruptedException {
            done.await();
            if (failure != null) {
                throw new IllegalStateException(topic + ": the consumer failed", failure);
            }
            if (count != n || duplicates > 0) {
                int missing = seen.nextClearBit(0);
                throw new IllegalStateException(topic + ": consumed " + count + " of " + n + " indices"
                        + (count < n ? " (first missing " + missing + ", nothing for " + STALL.toSeconds() + " s)" : "")
                        + ", " + duplicates + " duplicates");
            }
        }

        Pass pass(int size, long lateNanos) {
            long first = sent[0];
            long last = Arrays.stream(received).max().orElseThrow();
            double seconds = (last - first) / 1e9;
            long[] latency = new long[n];
            for (int i = 0; i < n; i++) {
                latency[i] = received[i] - sent[i];
            }
            Arrays.sort(latency);
            return new Pass(n / seconds, (double) n * size / 1e6 / seconds, percentile(latency, 50) / 1e6,
                    percentile(latency, 99) / 1e6, lateNanos / 1e6, cpuAtEnd.since(cpuAtStart, n));
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            join(10_000);
        }
    }

    /**
     * One pass's figures; {@code lateMs}: how far the paced sender fell behind its schedule at worst;
     * {@code cpu}: CPU microseconds per message by thread group, first send to last record consumed.
     */
    record Pass(double msgsPerSec, double mbPerSec, double p50Ms, double p99Ms, double lateMs,
            Map<String, Double> cpu) {

        double cpuTotal() {
            return cpu.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    /** Thread groups of this process, in the order the CPU table shows them. */
    static final List<String> GROUPS = List.of("sender", "remote peer", "gateway loops", "send thread",
            "producer I/O", "broker", "consumer", "JVM & other");

    static String group(long id, String thread) {
        if (thread.equals("main")) {
            return "sender"; // the benchmark's sending thread: channel.send or producer.send
        } else if (id == remoteLoopThread) {
            return "remote peer"; // the browser's part: SCTP, DTLS, UDP of the sending side
        } else if (thread.startsWith("sluice-loop")) {
            return "gateway loops"; // the gateway's peer-core loops: UDP, DTLS, SCTP, the bridge's forward
        } else if (thread.equals("sluice-kafka-send")) {
            return "send thread"; // the gateway hands records to its producer here
        } else if (thread.startsWith("kafka-producer-network-thread")) {
            return "producer I/O";
        } else if (thread.startsWith("data-plane-kafka") || thread.startsWith("kafka-")
                || thread.startsWith("broker-") || thread.startsWith("quorum-") || thread.startsWith("raft-")
                || thread.startsWith("group-coordinator")) {
            return "broker";
        } else if (thread.startsWith("bench-reader")) {
            return "consumer";
        }
        return "JVM & other";
    }

    /** CPU time of the process and of each live thread at one moment. */
    record Cpu(long process, Map<Long, Long> threads, Map<Long, String> names) {
        static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        static final com.sun.management.OperatingSystemMXBean OS =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        static Cpu snapshot() {
            Map<Long, Long> threads = new HashMap<>();
            Map<Long, String> names = new HashMap<>();
            for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
                if (t != null) {
                    long ns = THREADS.getThreadCpuTime(t.getThreadId());
                    if (ns >= 0) {
                        threads.put(t.getThreadId(), ns);
                        names.put(t.getThreadId(), t.getThreadName());
                    }
                }
            }
            return new Cpu(OS.getProcessCpuTime(), threads, names);
        }

        /**
         * Microseconds per message by group since {@code start}; what no live Java thread accounts
         * for (GC, JIT, threads that ended) is {@code JVM & other}.
         */
        Map<String, Double> since(Cpu start, int messages) {
            Map<String, Double> us = new LinkedHashMap<>();
            GROUPS.forEach(g -> us.put(g, 0.0));
            long accounted = 0;
            for (var t : threads.entrySet()) {
                long d = t.getValue() - start.threads.getOrDefault(t.getKey(), 0L);
                accounted += d;
                us.merge(group(t.getKey(), names.get(t.getKey())), d / 1e3 / messages, Double::sum);
            }
            us.merge("JVM & other", Math.max(0, process - start.process - accounted) / 1e3 / messages, Double::sum);
            return us;
        }
    }

    /** A saturated and a paced pass of one path and size. */
    record Result(Pass saturated, Pass paced) {
        @Override
        public String toString() {
            return String.format("%,9.0f msgs/s %7.2f MB/s  saturated p50 %7.2f p99 %7.2f ms, CPU %.1f µs/msg  "
                    + "paced (%.0f msgs/s) p50 %6.2f p99 %6.2f ms, sender at worst %.2f ms late",
                    saturated.msgsPerSec, saturated.mbPerSec, saturated.p50Ms, saturated.p99Ms, saturated.cpuTotal(),
                    paced.msgsPerSec, paced.p50Ms, paced.p99Ms, paced.lateMs);
        }
    }

    static long percentile(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static double median(List<Result> rs, ToDoubleFunction<Result> f) {
        double[] v = rs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static void table(Map<Integer, Map<Route, List<Result>>> results, int n100, int n16k, int runs) {
        System.out.printf("%nmachine: %d available processors, %s, Java %s (%s), %s %s%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.version"),
                System.getProperty("java.vm.name"), System.getProperty("os.name"), System.getProperty("os.arch"));
        System.out.printf("command: %sbench/gateway.sh KafkaBridgeBenchmark %d %d %d%n",
                BATCH_SIZE == 256 * 1024 ? "" : "JAVA_OPTS=-Dbench.batchSize=" + BATCH_SIZE + " ", n100, n16k, runs);
        System.out.printf("producers: idempotent, acks=all, linger.ms=1, batch.size %s%n",
                BATCH_SIZE);
        System.out.printf("medians of %d runs after %d warm-up rounds; saturated: %,d (100 B) / %,d (16 KiB) messages, "
                + "at most 4 MiB outstanding; paced: 1,000 msgs/s (100 B) / 200 msgs/s (16 KiB) for %.0f s%n%n",
                runs, WARM_UP_ROUNDS, n100, n16k, PACED_SECONDS);
        System.out.println("| size | path | msgs/s | MB/s | saturated p50 / p99 ms | paced p50 / p99 ms "
                + "| throughput ratio bridge / direct |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (var bySize : results.entrySet()) {
            double direct = median(bySize.getValue().get(Route.DIRECT), r -> r.saturated.msgsPerSec);
            for (var byRoute : bySize.getValue().entrySet()) {
                List<Result> rs = byRoute.getValue();
                double msgs = median(rs, r -> r.saturated.msgsPerSec);
                System.out.printf("| %s | %s | %,.0f | %.2f | %.2f / %.2f | %.2f / %.2f | %.2f |%n",
                        sizeLabel(bySize.getKey()), pathLabel(byRoute.getKey()), msgs,
                        median(rs, r -> r.saturated.mbPerSec), median(rs, r -> r.saturated.p50Ms),
                        median(rs, r -> r.saturated.p99Ms), median(rs, r -> r.paced.p50Ms),
                        median(rs, r -> r.paced.p99Ms), msgs / direct);
            }
        }
        System.out.printf("%nCPU time of the whole process per message in the saturated passes, µs (medians; "
                + "cores busy = total × msgs/s):%n%n");
        System.out.println("| size | path | total | cores busy | " + String.join(" | ", GROUPS) + " |");
        System.out.println("|---|---|---|---|" + "---|".repeat(GROUPS.size()));
        for (var bySize : results.entrySet()) {
            for (var byRoute : bySize.getValue().entrySet()) {
                List<Result> rs = byRoute.getValue();
                StringBuilder row = new StringBuilder(String.format("| %s | %s | %.1f | %.2f |",
                        sizeLabel(bySize.getKey()), pathLabel(byRoute.getKey()),
                        median(rs, r -> r.saturated.cpuTotal()),
                        median(rs, r -> r.saturated.cpuTotal() * r.saturated.msgsPerSec / 1e6)));
                for (String g : GROUPS) {
                    row.append(String.format(" %.1f |", median(rs, r -> r.saturated.cpu.get(g))));
                }
                System.out.println(row);
            }
        }
    }

    static String sizeLabel(int size) {
        return size < 1024 ? size + " B" : size / 1024 + " KiB";
    }

    static String pathLabel(Route route) {
        return route == Route.BRIDGE ? "bridge (data channel → gateway → Kafka)" : "direct producer (reference)";
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (Exception e) {
            return "unknown CPU";
        }
    }

    static String randomId() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
