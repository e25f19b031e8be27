package io.sluice.gateway.interop;

import static io.sluice.gateway.testing.KafkaRecords.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.kafka.KafkaService;
import io.sluice.gateway.kafka.SluiceHeaders;
import io.sluice.gateway.testing.KafkaRecords;
import io.sluice.peer.interop.ChromiumBrowser;
import io.sluice.peer.interop.Interop;
import io.sluice.peer.interop.NetNamespace;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Headless Chromium (in a network namespace of the test's own) loads the gateway's Kafka page and
 * opens two channels bridged to Kafka: what the page sends arrives byte for byte as records (read
 * by the test's consumer, and shown on the page through the record stream), and records the test
 * writes to the reply topic arrive in the page, text and binary.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sluice.timeouts.drain=1s", "sluice.bridges.kafka.enabled=true", "sluice.bridges.kafka.embedded.port=0",
    "sluice.bridges.kafka.instance-id=page"})
class KafkaPageChromiumIT {

    private static NetNamespace ns;
    private static ChromiumBrowser browser;
    private static KafkaRecords records;

    @LocalServerPort
    int port;

    @Autowired
    KafkaService kafka;

    @DynamicPropertySource
    static void namespace(DynamicPropertyRegistry registry) throws Exception {
        Interop.assumeAvailable();
        ns = NetNamespace.create();
        registry.add("sluice.ice.addresses", () -> ns.hostAddress().getHostAddress());
        // the page in the namespace calls the API without a key: open, on purpose, for this test
        registry.add("server.address", () -> "0.0.0.0");
        registry.add("sluice.security.open", () -> "true");
        String dir = java.nio.file.Files.createTempDirectory("sluice-kafka-page").toString();
        registry.add("sluice.bridges.kafka.embedded.data-dir", () -> dir);
    }

    @AfterAll
    static void stop() {
        try {
            if (records != null) {
                records.close();
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

    @Test
    void thePagesChannelsReachKafkaAndKafkaReachesThePage() throws Exception {
        records = new KafkaRecords(kafka.bootstrapServers());
        browser = ChromiumBrowser.inNamespace(ns).start();
        browser.open("http://" + ns.hostAddress().getHostAddress() + ":" + port + "/kafka.html");
        String peerId = browser.eval(Duration.ofSeconds(40), "return await window.sluiceKafka.connect(['a', 'b']);");
        assertThat(peerId).isNotBlank();

        byte[] bytes = new byte[20_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        browser.eval("const k = window.sluiceKafka;"
                + "k.send('a', 'hello kafka ✓');"
                + "k.send('b', Uint8Array.from({length: 256}, (_, i) => i));"
                + "k.send('a', Uint8Array.from({length: 20000}, (_, i) => (i * 31 + 7) & 255));"
                + "k.send('b', 'second on b');"
                + "return 'sent';");

        List<ConsumerRecord<String, byte[]>> got = records.read("sluice.messages", r -> peerId.equals(r.key()), 4,
                Duration.ofSeconds(30));
        assertThat(got).hasSize(4);
        Map<String, List<ConsumerRecord<String, byte[]>>> byLabel = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : got) {
            byLabel.computeIfAbsent(header(r, SluiceHeaders.LABEL), k -> new java.util.ArrayList<>()).add(r);
        }
        List<ConsumerRecord<String, byte[]>> a = byLabel.get("a");
        List<ConsumerRecord<String, byte[]>> b = byLabel.get("b");
        assertThat(header(a.get(0), SluiceHeaders.TYPE)).isEqualTo("text");
        assertThat(new String(a.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("hello kafka ✓");
        assertThat(header(a.get(1), SluiceHeaders.TYPE)).isEqualTo("binary");
        assertThat(a.get(1).value()).isEqualTo(bytes);
        assertThat(header(b.get(0), SluiceHeaders.TYPE)).isEqualTo("binary");
        assertThat(b.get(0).value()).hasSize(256).satisfies(v -> {
            for (int i = 0; i < 256; i++) {
                assertThat(v[i] & 0xff).isEqualTo(i);
            }
        });
        assertThat(new String(b.get(1).value(), StandardCharsets.UTF_8)).isEqualTo("second on b");
        assertThat(a).extracting(r -> header(r, SluiceHeaders.SEQ)).containsExactly("1", "2");
        assertThat(b).extracting(r -> header(r, SluiceHeaders.SEQ)).containsExactly("1", "2");

        // The page shows the same records, read back from Kafka.
        Interop.waitFor(() -> browser.eval("return String(window.sluiceKafka.state.records.length);").equals("4"),
                Duration.ofSeconds(20), "the page showing the four records");
        JsonNode shown = JsonMapper.builder().build().readTree(browser.eval(
                "return JSON.stringify(window.sluiceKafka.state.records);"));
        assertThat(shown.findValuesAsString("offset")).hasSize(4);
        assertThat(shown.toString()).contains("hello kafka ✓").contains("second on b");

        // Back: a backend writes to the reply topic the records carry.
        String reply = header(got.get(0), SluiceHeaders.REPLY_TOPIC);
        byte[] back = new byte[300];
        for (int i = 0; i < back.length; i++) {
            back[i] = (byte) (255 - i);
        }
        records.write(reply, peerId, "from kafka ✓".getBytes(StandardCharsets.UTF_8), SluiceHeaders.LABEL, "a",
                SluiceHeaders.TYPE, "text");
        records.write(reply, peerId, back, SluiceHeaders.LABEL, "b");
        Interop.waitFor(() -> browser.eval("return String(window.sluiceKafka.state.received.length);").equals("2"),
                Duration.ofSeconds(20), "both records in the page");
        JsonNode received = JsonMapper.builder().build().readTree(browser.eval(
                "return JSON.stringify(window.sluiceKafka.state.received);"));
        for (JsonNode m : received) {
            if (m.get("label").asString().equals("a")) {
                assertThat(m.get("binary").asBoolean()).isFalse();
                assertThat(m.get("value").asString()).isEqualTo("from kafka ✓");
            } else {
                assertThat(m.get("binary").asBoolean()).isTrue();
                assertThat(Base64.getDecoder().decode(m.get("value").asString())).isEqualTo(back);
            }
        }
    }
}
