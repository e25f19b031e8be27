package io.sluice.gateway.interop;

import static io.sluice.gateway.testing.KafkaRecords.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.kafka.KafkaService;
import io.sluice.gateway.kafka.SluiceHeaders;
import io.sluice.gateway.peers.PeerRegistry;
import io.sluice.gateway.testing.HeapSampler;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.interop.ChromiumBrowser;
import io.sluice.peer.interop.Interop;
import io.sluice.peer.interop.NetNamespace;
import io.sluice.peer.interop.Saturation;
import io.sluice.peer.interop.Saturation.Report;
import io.sluice.peer.interop.Saturation.Spec;
import io.sluice.peer.sctp.SctpStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Headless Chromium (in a network namespace of the test's own, default mDNS candidates) as the
 * remote peer of the one-call form, {@code POST /v1/whip?bridge=loopback} and {@code ?bridge=kafka}
 * (a backend of the test's echoes every record through the instance's inbound topic). The page
 * sends as fast as its own flow control allows (pauses above 1 MiB {@code bufferedAmount},
 * resumes on {@code bufferedamountlow} at 256 KiB) and checks every echo against what it sent,
 * byte for byte ({@code saturate.js}): 1,000 mixed text and binary messages of 0..65536 bytes,
 * 64 MiB in 16 KiB messages, and the mixed echo on unordered and partially reliable channels.
 * The heap of the JVM holding the gateway is sampled throughout.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sluice.timeouts.drain=1s", "sluice.bridges.kafka.enabled=true", "sluice.bridges.kafka.embedded.port=0",
    "sluice.bridges.kafka.instance-id=saturated", "sluice.limits.requests-per-second=0"})
class SaturatedEchoChromiumIT {

    private static final Duration RUN_LIMIT = Duration.ofMinutes(2);
    private static final long MIB = 1024 * 1024;
    /**
     * How much the live set (heap after a collection) may grow during one run of the loopback
     * bridge. By design the gateway holds per channel at most 4 MiB of unsent echoes (the loopback
     * high-water mark) plus what SCTP buffers each way (about 1 MiB); a young collection promotes
     * whatever is in flight at that moment. Measured here: at most 6.4 MiB over all cases, on a
     * machine loaded far beyond its 2 cores. 24 MiB leaves room for that noise and is far below
     * the 32 to 64 MiB one run pushes through, so a gateway keeping what it echoes fails.
     */
    private static final long LOOPBACK_LIVE_GROWTH_LIMIT = 24 * MIB;
    /**
     * The same through Kafka, where this JVM also holds the broker, the gateway's producer and
     * inbound consumer (up to 8 MB of records waiting per partition, a 16 MiB fetch buffer) and the
     * test's backend. Measured: at most 32 MiB (the 64 MiB echo; 16 to 23 MiB for the others).
     * 48 MiB stays below the 64 MiB of the largest run.
     */
    private static final long KAFKA_LIVE_GROWTH_LIMIT = 48 * MIB;
    private static final AtomicInteger SESSIONS = new AtomicInteger();

    private static NetNamespace ns;
    private static ChromiumBrowser browser;
    private static KafkaEcho backend;
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    KafkaService kafka;

    @Autowired
    PeerRegistry peers;

    @DynamicPropertySource
    static void namespace(DynamicPropertyRegistry registry) throws Exception {
        Interop.assumeAvailable();
        ns = NetNamespace.create();
        registry.add("sluice.ice.addresses", () -> ns.hostAddress().getHostAddress());
        registry.add("server.address", () -> "0.0.0.0");
        registry.add("sluice.security.open", () -> "true");
        String dir = Files.createTempDirectory("sluice-kafka-saturated").toString();
        registry.add("sluice.bridges.kafka.embedded.data-dir", () -> dir);
    }

    @BeforeEach
    void start() throws Exception {
        if (browser == null) {
            browser = ChromiumBrowser.inNamespace(ns).scriptTimeout(Duration.ofSeconds(30)).start();
            browser.open("http://" + ns.hostAddress().getHostAddress() + ":" + port + "/index.html");
            Saturation.install(browser);
        }
        if (backend == null) {
            backend = new KafkaEcho(kafka.bootstrapServers());
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        try {
            if (backend != null) {
                backend.close();
            }
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (ns != null) {
                ns.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"loopback", "kafka"})
    void aThousandMixedMessagesComeBackCompleteAndInOrder(String bridge) throws Exception {
        Outcome o = echo(bridge, Map.of(), Spec.mixed(1000, ThreadLocalRandom.current().nextInt()));
        o.assertComplete(1000);
        assertThat(o.report.number("pauses")).as("the sender was held back by its own flow control: %s", o)
                .isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"loopback", "kafka"})
    void sixtyFourMebibytesComeBackByteForByteInOrder(String bridge) throws Exception {
        Outcome o = echo(bridge, Map.of(), Spec.bulk(64 * MIB, 16384));
        o.assertComplete(4096);
        assertThat(o.report.number("verifiedBytes")).isEqualTo(64 * MIB);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"loopback", "kafka"})
    void anUnorderedChannelEchoesEachMessageExactlyOnce(String bridge) throws Exception {
        Outcome o = echo(bridge, Map.of("ordered", false),
                Spec.mixed(1000, ThreadLocalRandom.current().nextInt()).unordered());
        o.assertComplete(1000);
    }

    /**
     * maxPacketLifeTime=3000 on an ordered channel: a message may be given up, by the page or by
     * the gateway, once it waited that long (the loopback bridge holds the page back while its
     * echoes wait, so under load some do). The page checks the rule: the messages after a missing
     * one are delivered only after the skip, so none may arrive sooner than 3 s after the missing
     * one was sent. None is corrupted, repeated or reordered; the gateway echoes what it receives.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"loopback", "kafka"})
    void aChannelWithAPacketLifetimeGivesUpOnlyMessagesThatOutlivedIt(String bridge) throws Exception {
        Outcome o = echo(bridge, Map.of("maxPacketLifeTime", 3000),
                Spec.mixed(1000, ThreadLocalRandom.current().nextInt()).lifetime(Duration.ofMillis(3000)));
        o.assertPartiallyReliable();
        assertThat(((Map<?, ?>) o.report.get("lostBeforeTheirLifetime")).get("count")).as("%s", o).isEqualTo(0L);
    }

    /**
     * maxRetransmits=0: a message whose packet is lost, or whose retransmission timer fires
     * (spuriously, when acknowledgements are late on a loaded machine), is not sent again. The
     * veth loses nothing, but the kernel drops datagrams at a full UDP receive buffer and a
     * saturating sender fills the browser's (UdpRcvbufErrors in its namespace, reported). None is
     * corrupted, repeated or reordered; the gateway echoes what it receives, and every message
     * missing on the way to the page is one the gateway's SCTP gave up on.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"loopback", "kafka"})
    void aChannelWithoutRetransmissionsLosesOnlyWhatItGaveUpOn(String bridge) throws Exception {
        Outcome o = echo(bridge, Map.of("maxRetransmits", 0),
                Spec.mixed(1000, ThreadLocalRandom.current().nextInt()).partial());
        o.assertPartiallyReliable();
    }

    /** What one run gave: the page's report, the gateway's side, the heap, the kernel's drops. */
    record Outcome(String bridge, Report report, HeapSampler heap, long gatewayReceived, long gatewaySent,
            Map<String, Long> gatewayDrops, SctpStats gatewaySctp, long namespaceReceiveBufferDrops,
            long hostReceiveBufferDrops) {

        void assertComplete(int messages) {
            assertThat(report.complete()).as("%s", this).isTrue();
            assertThat(report.number("received")).as("%s", this).isEqualTo(messages);
            assertThat(gatewayReceived).as("messages the gateway received: %s", this).isEqualTo(messages);
            assertThat(gatewaySent).as("messages the gateway echoed: %s", this).isEqualTo(messages);
        }

        void assertPartiallyReliable() {
            assertThat(report.get("senderError")).as("%s", this).isNull();
            assertThat(report.number("mismatches")).as("%s", this).isZero();
            assertThat(report.number("duplicates")).as("%s", this).isZero();
            assertThat(report.number("outOfOrder")).as("%s", this).isZero();
            assertThat(gatewaySent).as("messages the gateway echoed: %s", this).isEqualTo(gatewayReceived);
            // Each loss towards the page should be a message the gateway's SCTP abandoned; a few (4 of
            // 383 in one Kafka run) were not counted anywhere: an open accounting gap, bounded here at 1%.
            assertThat(gatewaySent - report.number("unique")).as("lost towards the page: %s", this)
                    .isBetween(0L, gatewaySctp.messagesAbandoned() + gatewaySent / 100);
        }

        @Override
        public String toString() {
            return bridge + ": page " + report + "; gateway received " + gatewayReceived + ", sent " + gatewaySent
                    + ", dropped " + gatewayDrops + ", SCTP retransmissions " + gatewaySctp.retransmissions()
                    + " (fast " + gatewaySctp.fastRetransmits() + ", T3 expiries " + gatewaySctp.t3Expiries()
                    + "), messages abandoned " + gatewaySctp.messagesAbandoned() + "; datagrams dropped at full receive buffers: in the browser's "
                    + "namespace " + namespaceReceiveBufferDrops + ", in the gateway's " + hostReceiveBufferDrops + "; "
                    + heap;
        }
    }

    /**
     * Connects a new page session through the one-call form, runs spec while sampling the heap,
     * reads the gateway's data-channel stats, closes; checks the heap and the Kafka backend.
     */
    private Outcome echo(String bridge, Map<String, Object> init, Spec spec) throws Exception {
        String name = bridge + "-" + SESSIONS.incrementAndGet();
        long echoedBefore = backend.echoed.get();
        Outcome o;
        try {
            Map<?, ?> connected = (Map<?, ?>) browser.evalJson(
                    "return await saturate.connectWhip(arguments[0], arguments[1], arguments[2]);", name,
                    "/v1/whip?bridge=" + bridge, init);
            String location = (String) connected.get("location");
            String id = location.substring(location.lastIndexOf('/') + 1);
            long namespaceDrops = Saturation.receiveBufferDrops(ns);
            long hostDrops = Saturation.receiveBufferDrops();
            Report r;
            HeapSampler heap;
            try (HeapSampler sampler = HeapSampler.start()) {
                heap = sampler;
                r = Saturation.run(browser, name, spec, RUN_LIMIT);
            }
            JsonNode channel = gatewayChannelStats(id);
            RTCPeerConnection pc = peers.find(id).pc();
            o = new Outcome(bridge, r, heap, channel.get("messagesReceived").asLong(),
                    channel.get("messagesSent").asLong(), pc.dropCounts().get(5, TimeUnit.SECONDS),
                    pc.sctpStats().get(5, TimeUnit.SECONDS), Saturation.receiveBufferDrops(ns) - namespaceDrops, Saturation.receiveBufferDrops() - hostDrops);
        } finally {
            browser.eval("return await saturate.close(arguments[0]);", name);
        }
        System.out.printf("%s %s %s%n", getClass().getSimpleName(), init, o);
        assertThat(o.heap.collectionsSinceStart()).as("collections while sampling (else the live set is unknown)")
                .isPositive();
        assertThat(o.heap.liveGrowth()).as("%s", o)
                .isLessThan("kafka".equals(bridge) ? KAFKA_LIVE_GROWTH_LIMIT : LOOPBACK_LIVE_GROWTH_LIMIT);
        if ("kafka".equals(bridge)) {
            assertThat(backend.echoed.get() - echoedBefore).as("records the backend echoed: %s", o)
                    .isEqualTo(o.gatewayReceived);
        }
        return o;
    }

    /** The gateway's stats of the peer's one data channel. */
    private JsonNode gatewayChannelStats(String id) throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v1/peers/" + id + "/stats")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        for (JsonNode s : JsonMapper.builder().build().readTree(res.body())) {
            if ("data-channel".equals(s.get("type").asString())) {
                return s;
            }
        }
        throw new AssertionError("no data-channel stats: " + res.body());
    }

    /**
     * A backend that knows only Kafka: every message record goes back, value and type unchanged,
     * to the reply topic it names, addressed to its channel by id.
     */
    static final class KafkaEcho implements AutoCloseable {
        final AtomicLong echoed = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private final String bootstrap;

        KafkaEcho(String bootstrap) {
            this.bootstrap = bootstrap;
            this.thread = new Thread(this::loop, "kafka-echo");
            thread.start();
        }

        private void loop() {
            // Small fetches: this backend shares the gateway's heap, which the test measures.
            Map<String, Object> consumer = Map.of("bootstrap.servers", bootstrap, "group.id", "chromium-echo",
                    "auto.offset.reset", "earliest", "fetch.max.bytes", 4 * 1024 * 1024,
                    "max.partition.fetch.bytes", 1024 * 1024);
            Map<String, Object> producer = Map.of("bootstrap.servers", bootstrap, "acks", "all", "linger.ms", 2,
                    "batch.size", 256 * 1024, "buffer.memory", 8 * 1024 * 1024);
            try (KafkaConsumer<String, byte[]> in = new KafkaConsumer<>(consumer, new StringDeserializer(),
                    new ByteArrayDeserializer());
                    KafkaProducer<String, byte[]> out = new KafkaProducer<>(producer, new StringSerializer(),
                            new ByteArraySerializer())) {
                in.subscribe(List.of("sluice.messages"));
                while (running.get()) {
                    for (ConsumerRecord<String, byte[]> r : in.poll(Duration.ofMillis(50))) {
                        RecordHeaders h = new RecordHeaders();
                        h.add(SluiceHeaders.CHANNEL, header(r, SluiceHeaders.CHANNEL).getBytes(StandardCharsets.UTF_8));
                        h.add(SluiceHeaders.TYPE, header(r, SluiceHeaders.TYPE).getBytes(StandardCharsets.UTF_8));
                        out.send(new ProducerRecord<>(header(r, SluiceHeaders.REPLY_TOPIC), null, r.key(), r.value(), h));
                        echoed.incrementAndGet();
                    }
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }
}
