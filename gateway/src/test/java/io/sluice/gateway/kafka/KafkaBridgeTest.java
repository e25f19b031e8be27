package io.sluice.gateway.kafka;

import static io.sluice.gateway.testing.KafkaRecords.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.testing.KafkaRecords;
import io.sluice.gateway.testing.RemotePeer;
import io.sluice.peer.interop.Interop;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Kafka bridge against the gateway's own embedded broker (a real Kafka), with a peer-core peer
 * playing the remote: channel to topic and topic to channel byte for byte, events as CloudEvents,
 * dead letters, and nothing lost while a channel is slow or the broker is down.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1", "sluice.limits.requests-per-second=0",
    "sluice.timeouts.drain=1s", "sluice.bridges.kafka.enabled=true", "sluice.bridges.kafka.embedded.port=0",
    "sluice.bridges.kafka.instance-id=test-a", "sluice.bridges.kafka.inbound-wait-for-channel=2s",
    "sluice.bridges.kafka.inbound-held-per-partition=50",
    "sluice.bridges.kafka.inbound-held-bytes-per-partition=256KB", "sluice.bridges.http.secret=k",
    "sluice.bridges.kafka.topics.allowed=sluice.test.*", "sluice.bridges.kafka.inbound-held-per-channel=20",
    "sluice.bridges.kafka.inbound-held-bytes-per-channel=128KB",
    "sluice.bridges.http.max-attempts=1", "management.endpoint.health.show-details=always"})
@Timeout(120)
class KafkaBridgeTest {

    static Path dataDir;

    @DynamicPropertySource
    static void kafkaDir(DynamicPropertyRegistry registry) throws Exception {
        dataDir = Files.createTempDirectory("sluice-kafka-test");
        registry.add("sluice.bridges.kafka.embedded.data-dir", () -> dataDir.toString());
        failing = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        failing.createContext("/", ex -> {
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        failing.start();
        registry.add("sluice.bridges.http.allowed-hosts", () -> "127.0.0.1:" + failing.getAddress().getPort());
    }

    static com.sun.net.httpserver.HttpServer failing;

    @LocalServerPort
    int port;

    @Autowired
    KafkaService kafka;

    @Autowired
    KafkaBridge bridge;

    @Autowired
    io.sluice.gateway.peers.PeerRegistry registry;

    static KafkaRecords records;
    private final JsonMapper json = JsonMapper.builder().build();

    private KafkaRecords records() {
        if (records == null) {
            records = new KafkaRecords(kafka.bootstrapServers());
        }
        return records;
    }

    @AfterAll
    static void closeClients() {
        failing.stop(0);
        if (records != null) {
            records.close();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void channelsToTopicAndBackByteForByte() throws Exception {
        KafkaScenarios.roundTrip(port, records(), "test-a");
    }

    @Test
    void peerEventsGoToTheEventsTopicAsCloudEvents() throws Exception {
        try (RemotePeer remote = RemotePeer.connect(port,
                "{\"bridges\":[{\"target\":\"kafka\",\"events\":true}]}", "x")) {
            List<ConsumerRecord<String, byte[]>> got = records().read("sluice.events",
                    r -> remote.peerId.equals(r.key()) && new String(r.value(), StandardCharsets.UTF_8)
                            .contains("\"connected\"") && new String(r.value(), StandardCharsets.UTF_8)
                            .contains("\"io.sluice.peer.connectionstatechange\""), 1, Duration.ofSeconds(30));
            assertThat(got).isNotEmpty();
            ConsumerRecord<String, byte[]> r = got.get(0);
            assertThat(header(r, "content-type")).startsWith("application/cloudevents+json");
            JsonNode ce = json.readTree(r.value());
            assertThat(ce.get("specversion").asString()).isEqualTo("1.0");
            assertThat(ce.get("type").asString()).isEqualTo("io.sluice.peer.connectionstatechange");
            assertThat(ce.get("source").asString()).isEqualTo("/sluice/test-a/peers/" + remote.peerId);
            assertThat(ce.get("subject").asString()).isEqualTo(remote.peerId);
            assertThat(ce.get("id").asString()).isNotBlank();
            assertThat(ce.get("time").asString()).contains("T");
            assertThat(ce.get("data").get("state").asString()).isEqualTo("connected");
            // Every event of the peer so far matches the published CloudEvent schema, and its data the
            // events schema (as the SSE stream carries it).
            for (ConsumerRecord<String, byte[]> e : records().read("sluice.events", x -> remote.peerId.equals(x.key()),
                    1000, Duration.ofSeconds(2))) {
                String text = new String(e.value(), StandardCharsets.UTF_8);
                io.sluice.gateway.testing.ContractSchemas.assertValid("cloudevent", text);
                JsonNode c = json.readTree(text);
                java.util.Map<String, Object> sse = new java.util.LinkedHashMap<>();
                sse.put("seq", c.get("sequence").asLong());
                sse.put("peerId", c.get("subject").asString());
                sse.put("type", c.get("type").asString().substring("io.sluice.peer.".length()));
                sse.put("timestamp", java.time.Instant.parse(c.get("time").asString()).toEpochMilli());
                c.get("data").properties().forEach(f -> sse.put(f.getKey(), f.getValue()));
                io.sluice.gateway.testing.ContractSchemas.assertValid("events", json.writeValueAsString(sse));
            }
            // Operators see the declaration in the actuator view of the peer.
            JsonNode view = json.readTree(RemotePeer.call(port, "GET", "/actuator/peers/" + remote.peerId, null).body());
            assertThat(view.get("bridges").get(0).get("target").asString()).isEqualTo("kafka");
            assertThat(view.get("bridges").get(0).get("events").asBoolean()).isTrue();
            // Only events were declared: the channel's messages are not bridged.
            remote.channel("x").send("not bridged");
            assertThat(records().read("sluice.messages", m -> remote.peerId.equals(m.key()), 1,
                    Duration.ofSeconds(2))).isEmpty();
        }
    }

    @Test
    void healthAndTheRecordStreamsRefusals() throws Exception {
        var health = json.readTree(RemotePeer.call(port, "GET", "/actuator/health/kafka", null).body());
        assertThat(health.get("status").asString()).isEqualTo("UP");
        assertThat(health.get("details").get("embedded").asBoolean()).isTrue();
        assertThat(health.get("details").get("inboundTopic").asString()).isEqualTo("sluice.inbound.test-a");
        var created = json.readTree(RemotePeer.call(port, "POST", "/v1/peers", "{}").body());
        String id = created.get("id").asString();
        var refused = RemotePeer.call(port, "GET", "/v1/peers/" + id + "/kafka-records", null);
        assertThat(refused.statusCode()).isBetween(400, 499);
        assertThat(json.readTree(refused.body()).get("name").asString()).isEqualTo("NotSupportedError");
        assertThat(RemotePeer.call(port, "GET", "/v1/peers/nope/kafka-records", null).statusCode()).isEqualTo(404);
        RemotePeer.call(port, "DELETE", "/v1/peers/" + id, null);
        var badTopic = RemotePeer.call(port, "POST", "/v1/peers",
                "{\"bridges\":[{\"target\":\"kafka\",\"topic\":\"no spaces\"}]}");
        assertThat(json.readTree(badTopic.body()).get("name").asString()).isEqualTo("SyntaxError");
        // Allowed (sluice.test.*) but missing: this gateway creates no topics for declarations.
        var missing = RemotePeer.call(port, "POST", "/v1/peers",
                "{\"bridges\":[{\"target\":\"kafka\",\"topic\":\"sluice.test.missing\"}]}");
        assertThat(missing.statusCode()).as(missing.body()).isEqualTo(422);
        assertThat(json.readTree(missing.body()).get("detail").asString()).contains("does not exist")
                .contains("create-declared=false");
        var notAllowed = RemotePeer.call(port, "POST", "/v1/peers",
                "{\"bridges\":[{\"target\":\"kafka\",\"topic\":\"sluice.inbound.test-a\"}]}");
        assertThat(notAllowed.statusCode()).as(notAllowed.body()).isEqualTo(400);
        assertThat(json.readTree(notAllowed.body()).get("name").asString()).isEqualTo("InvalidAccessError");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).doesNotContain("sluice.test.missing");
        }
        var urlOnKafka = RemotePeer.call(port, "POST", "/v1/peers",
                "{\"bridges\":[{\"target\":\"kafka\",\"url\":\"https://example.com/\"}]}");
        assertThat(urlOnKafka.statusCode()).isEqualTo(400);
        assertThat(json.readTree(urlOnKafka.body()).get("detail").asString()).contains("kafka bridge takes no url");
        var topicOnLoopback = RemotePeer.call(port, "POST", "/v1/peers",
                "{\"bridges\":[{\"target\":\"loopback\",\"topic\":\"t\"}]}");
        assertThat(json.readTree(topicOnLoopback.body()).get("name").asString()).isEqualTo("TypeError");
        var eventsOnLoopback = RemotePeer.call(port, "POST", "/v1/peers",
                "{\"bridges\":[{\"target\":\"loopback\",\"events\":true}]}");
        assertThat(json.readTree(eventsOnLoopback.body()).get("name").asString()).isEqualTo("NotSupportedError");
    }

    @Test
    void aChannelCreatedWithItsOwnBridge() throws Exception {
        try (RemotePeer remote = RemotePeer.connect(port, "{}", "plain")) {
            var created = RemotePeer.call(port, "POST", "/v1/peers/" + remote.peerId + "/channels",
                    "{\"label\":\"own\",\"bridges\":[{\"target\":\"kafka\"}]}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            Interop.waitFor(() -> remote.channel("own") != null
                    && remote.channel("own").readyState() == io.sluice.peer.api.RTCDataChannelState.OPEN,
                    Duration.ofSeconds(10), "the gateway's channel open at the remote");
            remote.channel("plain").send("not bridged");
            remote.channel("own").send("on my own bridge");
            List<ConsumerRecord<String, byte[]>> got = records().read("sluice.messages",
                    r -> remote.peerId.equals(r.key()), 1, Duration.ofSeconds(30));
            assertThat(got).hasSize(1);
            // Nothing from the plain channel, which went first.
            assertThat(records().read("sluice.messages", r -> remote.peerId.equals(r.key()), 2,
                    Duration.ofSeconds(2))).hasSize(1);
            assertThat(header(got.get(0), SluiceHeaders.LABEL)).isEqualTo("own");
            // A bridged channel's messages go to its bridge, not to the peer's event stream.
            var events = registry.find(remote.peerId).events().recent();
            assertThat(events).filteredOn(e -> e.type().equals("message")).extracting(e -> e.data().get("data"))
                    .containsExactly("not bridged");
            var refused = RemotePeer.call(port, "POST", "/v1/peers/" + remote.peerId + "/channels",
                    "{\"label\":\"x\",\"bridges\":[{\"channels\":\"x\",\"target\":\"kafka\"}]}");
            assertThat(json.readTree(refused.body()).get("name").asString()).isEqualTo("TypeError");
        }
    }

    @Test
    void undeliverableRecordsGoToTheDeadLetterTopicWithTheReason() throws Exception {
        try (RemotePeer remote = RemotePeer.connect(port,
                "{\"bridges\":[{\"channels\":\"a\",\"target\":\"kafka\"}]}", "a")) {
            String inbound = kafka.inboundTopic();
            records().write(inbound, "no-such-peer", utf8("lost?"), SluiceHeaders.LABEL, "a");
            records().write(inbound, remote.peerId, utf8("no channel"), SluiceHeaders.LABEL, "never-opened");
            records().write(inbound, remote.peerId, utf8("no route"));
            List<ConsumerRecord<String, byte[]>> dead = records().read("sluice.deadletter",
                    r -> r.key() != null && (r.key().equals("no-such-peer") || r.key().equals(remote.peerId)), 3,
                    Duration.ofSeconds(30));
            assertThat(dead).extracting(r -> header(r, SluiceHeaders.ERROR)).anySatisfy(
                    e -> assertThat(e).contains("no peer no-such-peer on instance test-a"))
                    .anySatisfy(e -> assertThat(e).contains("did not open within"))
                    .anySatisfy(e -> assertThat(e).contains("no channel"));
            assertThat(dead).allSatisfy(r -> assertThat(header(r, SluiceHeaders.SOURCE)).startsWith(inbound + "/"));
            // The channel still works, and the dead letters did not block it.
            records().write(inbound, remote.peerId, utf8("fine"), SluiceHeaders.LABEL, "a", SluiceHeaders.TYPE, "text");
            assertThat(remote.next("a", Duration.ofSeconds(10))).isEqualTo("fine");
        }
    }

    @Test
    void aCallbackThatFailsForGoodGoesToTheDeadLetterTopic() throws Exception {
        String url = "http://127.0.0.1:" + failing.getAddress().getPort() + "/hook";
        try (RemotePeer remote = RemotePeer.connect(port,
                "{\"bridges\":[{\"channels\":\"h\",\"target\":\"http\",\"url\":\"" + url + "\"}]}", "h")) {
            remote.channel("h").send("undeliverable");
            List<ConsumerRecord<String, byte[]>> dead = records().read("sluice.deadletter",
                    r -> remote.peerId.equals(r.key()), 1, Duration.ofSeconds(30));
            assertThat(dead).hasSize(1);
            assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("undeliverable");
            assertThat(header(dead.get(0), SluiceHeaders.ERROR)).contains(url).contains("HTTP 503");
            assertThat(header(dead.get(0), SluiceHeaders.LABEL)).isEqualTo("h");
            assertThat(header(dead.get(0), SluiceHeaders.TYPE)).isEqualTo("text");
        }
    }

    @Test
    void oddInboundRecordsAreDeadLetteredOrDeliveredNeverFatal() throws Exception {
        try (RemotePeer remote = RemotePeer.connect(port,
                "{\"bridges\":[{\"channels\":\"a\",\"target\":\"kafka\"}]}", "a")) {
            String inbound = kafka.inboundTopic();
            var raw = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(
                    Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                    new org.apache.kafka.common.serialization.StringSerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer());
            try (raw) {
                var h = new org.apache.kafka.common.header.internals.RecordHeaders();
                h.add(SluiceHeaders.LABEL, null); // a header without a value
                raw.send(new org.apache.kafka.clients.producer.ProducerRecord<>(inbound, null, remote.peerId,
                        utf8("null label"), h)).get();
                var bad = new org.apache.kafka.common.header.internals.RecordHeaders();
                bad.add(SluiceHeaders.LABEL, "a".getBytes(StandardCharsets.UTF_8));
                bad.add(SluiceHeaders.TYPE, "text".getBytes(StandardCharsets.UTF_8));
                raw.send(new org.apache.kafka.clients.producer.ProducerRecord<>(inbound, null, remote.peerId,
                        new byte[] {(byte) 0xff, (byte) 0xfe, 'x'}, bad)).get(); // not UTF-8, sent as text
                var empty = new org.apache.kafka.common.header.internals.RecordHeaders();
                empty.add(SluiceHeaders.LABEL, "a".getBytes(StandardCharsets.UTF_8));
                raw.send(new org.apache.kafka.clients.producer.ProducerRecord<>(inbound, null, remote.peerId, null,
                        empty)).get(); // a null value: an empty binary message
                // Larger than the remote's max-message-size (256 KiB by default): refused, dead-lettered.
                raw.send(new org.apache.kafka.clients.producer.ProducerRecord<>(inbound, null, remote.peerId,
                        new byte[600 * 1024], empty)).get();
                raw.send(new org.apache.kafka.clients.producer.ProducerRecord<String, byte[]>(inbound, null, (String) null, utf8("no key"),
                        empty)).get();
            }
            assertThat(remote.next("a", Duration.ofSeconds(10))).isEqualTo("\ufffd\ufffdx");
            assertThat((byte[]) remote.next("a", Duration.ofSeconds(10))).isEmpty();
            List<ConsumerRecord<String, byte[]>> dead = records().read("sluice.deadletter",
                    r -> remote.peerId.equals(r.key()) || r.key() == null, 3, Duration.ofSeconds(30));
            assertThat(dead).extracting(r -> header(r, SluiceHeaders.ERROR))
                    .anySatisfy(e -> assertThat(e).contains("no channel"))
                    .anySatisfy(e -> assertThat(e).contains("refused"))
                    .anySatisfy(e -> assertThat(e).contains("no peer"));
            records().write(inbound, remote.peerId, utf8("still fine"), SluiceHeaders.LABEL, "a", SluiceHeaders.TYPE,
                    "text");
            assertThat(remote.next("a", Duration.ofSeconds(10))).isEqualTo("still fine");
        }
    }

    @Test
    void aRecordForAClosedLabelWaitsForTheRemoteToOpenItAgain() throws Exception {
        try (RemotePeer remote = RemotePeer.connect(port,
                "{\"bridges\":[{\"channels\":\"again\",\"target\":\"kafka\"}]}", "again", "other")) {
            String closedId = registry.find(remote.peerId).channels().entrySet().stream()
                    .filter(e -> e.getValue().label().equals("again")).findFirst().orElseThrow().getKey();
            remote.channel("again").close();
            Interop.waitFor(() -> registry.find(remote.peerId).channels().values().stream()
                    .noneMatch(c -> c.label().equals("again")
                            && c.readyState() != io.sluice.peer.api.RTCDataChannelState.CLOSED),
                    Duration.ofSeconds(10), "the gateway's side closed");
            records().write(kafka.inboundTopic(), remote.peerId, utf8("for whoever is 'again'"), SluiceHeaders.LABEL,
                    "again", SluiceHeaders.TYPE, "text");
            Interop.waitFor(() -> gauge("sluice.bridge.kafka.inbound.held") >= 1, Duration.ofSeconds(10),
                    "the record read and waiting for its channel");
            java.util.concurrent.LinkedBlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
            remote.pc.createDataChannel("again", null, new io.sluice.peer.api.DataChannelListener() {
                @Override
                public void onMessage(String text) {
                    got.add(text);
                }
            });
            assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("for whoever is 'again'");
            // By id, the closed channel is gone for good: dead-lettered at once.
            records().write(kafka.inboundTopic(), remote.peerId, utf8("too late"), SluiceHeaders.CHANNEL, closedId);
            List<ConsumerRecord<String, byte[]>> dead = records().read("sluice.deadletter",
                    r -> remote.peerId.equals(r.key()) && "too late".equals(new String(r.value(), StandardCharsets.UTF_8)),
                    1, Duration.ofSeconds(20));
            assertThat(dead).hasSize(1);
            assertThat(header(dead.get(0), SluiceHeaders.ERROR)).contains(closedId).contains("closed");
        }
    }

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    @Test
    void theBrokerStopsMidStreamAndEveryMessageArrivesInOrder() throws Exception {
        EmbeddedKafkaBroker broker = kafka.embedded().orElseThrow();
        // Declared topics must exist (the gateway creates none for declarations by default).
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("sluice.test.seq", 1, (short) 1)))
                    .all().get(10, TimeUnit.SECONDS);
        }
        try (RemotePeer remote = RemotePeer.connect(port,
                "{\"bridges\":[{\"channels\":\"seq\",\"target\":\"kafka\",\"topic\":\"sluice.test.seq\"}]}", "seq")) {
            int count = 3000;
            byte[] filler = new byte[1024];
            long highWater = kafka.properties().channelHighWater().toBytes();
            long[] maxPending = new long[1];
            long[] maxHeap = new long[1];
            var mem = java.lang.management.ManagementFactory.getMemoryMXBean();
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    maxPending[0] = Math.max(maxPending[0], bridge.pendingBytes());
                    maxHeap[0] = Math.max(maxHeap[0], mem.getHeapMemoryUsage().getUsed());
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();
            try {
                var ch = remote.channel("seq");
                for (int i = 0; i < count; i++) {
                    if (i == 500) {
                        Interop.waitFor(() -> bridge.pendingBytes() == 0, Duration.ofSeconds(20), "first part acked");
                        broker.stop();
                    }
                    if (i == 2500) {
                        // By now the gateway has paused the channel and the remote holds the rest.
                        Interop.waitFor(() -> ch.bufferedAmount() > 256 * 1024, Duration.ofSeconds(20),
                                "the remote's bufferedAmount growing while Kafka is down");
                        broker.start();
                    }
                    while (ch.bufferedAmount() > 8L * 1024 * 1024) {
                        Thread.sleep(2);
                    }
                    byte[] v = filler.clone();
                    java.nio.ByteBuffer.wrap(v).putInt(i);
                    ch.send(v);
                }
                // Until the last message (repeats make the records more than the messages).
                List<ConsumerRecord<String, byte[]>> got = records().readUntil("sluice.test.seq",
                        r -> remote.peerId.equals(r.key()), rs -> !rs.isEmpty() && java.nio.ByteBuffer.wrap(
                                rs.get(rs.size() - 1).value()).getInt() == count - 1, Duration.ofSeconds(60));
                // At least once, in order: every record is message n intact, numbered n + 1 by the
                // bridge; a new one is the next message (no gap), anything else repeats one already seen.
                List<Integer> seen = new ArrayList<>();
                int repeats = 0;
                for (ConsumerRecord<String, byte[]> r : got) {
                    assertThat(r.value()).as("a record of this test").hasSize(filler.length);
                    int n = java.nio.ByteBuffer.wrap(r.value()).getInt();
                    assertThat(n).as("a message index that was sent").isBetween(0, count - 1);
                    byte[] sent = filler.clone();
                    java.nio.ByteBuffer.wrap(sent).putInt(n);
                    assertThat(java.util.Arrays.equals(r.value(), sent)).as("message %d intact", n).isTrue();
                    assertThat(new String(r.headers().lastHeader(SluiceHeaders.SEQ).value(),
                            java.nio.charset.StandardCharsets.US_ASCII)).as("sluice-seq of message %d", n)
                            .isEqualTo(Long.toString(n + 1));
                    if (n == seen.size()) {
                        seen.add(n);
                    } else {
                        assertThat(n).as("message %d comes after %d messages: a repeat, not a gap", n, seen.size())
                                .isLessThan(seen.size());
                        repeats++;
                    }
                }
                assertThat(seen).hasSize(count);
                System.out.printf("broker-stop test: %d records for %d messages (%d repeats)%n", got.size(), count,
                        repeats);
            } finally {
                sampler.interrupt();
                sampler.join();
                if (!broker.running()) {
                    broker.start();
                }
            }
            // Inbound delivery came through the outage too.
            records().write(kafka.inboundTopic(), remote.peerId, utf8("after the outage"), SluiceHeaders.LABEL, "seq",
                    SluiceHeaders.TYPE, "text");
            assertThat(remote.next("seq", Duration.ofSeconds(30))).isEqualTo("after the outage");
            // The gateway held at most its high-water mark (plus one message in flight) for the channel.
            assertThat(maxPending[0]).isLessThanOrEqualTo(highWater + 64 * 1024);
            System.out.printf("broker-stop test: max bridge pending %d bytes, max heap used %.1f MiB%n", maxPending[0],
                    maxHeap[0] / 1048576.0);
        }
    }
}
