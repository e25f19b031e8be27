package io.sluice.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.peers.PeerRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
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
 * Topics named by bridge declarations, against the embedded broker with two tenants: only valid
 * names the owner may use ({@code {owner}.*} and {@code shared.*} here), never the gateway's own
 * topics, and topics created within a per-owner and a gateway-wide cap. Every refusal is a 4xx that
 * names the reason and changes nothing: no peer, no topic, nothing counted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1", "sluice.limits.requests-per-second=0",
    "sluice.timeouts.drain=1s", "sluice.bridges.kafka.enabled=true", "sluice.bridges.kafka.embedded.port=0",
    "sluice.bridges.kafka.instance-id=decl", "sluice.security.api-keys.acme=key-acme",
    "sluice.security.api-keys.globex=key-globex", "sluice.bridges.kafka.topics.allowed={owner}.*,shared.*",
    "sluice.bridges.kafka.topics.create-declared=true", "sluice.bridges.kafka.topics.max-created-per-owner=2",
    "sluice.bridges.kafka.topics.max-created=3", "sluice.bridges.kafka.topics.partitions=1"})
@Timeout(120)
class KafkaTopicDeclarationTest {

    @DynamicPropertySource
    static void kafkaDir(DynamicPropertyRegistry registry) throws Exception {
        KafkaScenarios.embeddedDataDir(registry, "sluice-kafka-decl");
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Admin admin;

    @LocalServerPort
    int port;

    @Autowired
    KafkaService kafka;

    @Autowired
    PeerRegistry registry;

    private final JsonMapper json = JsonMapper.builder().build();

    @AfterAll
    static void closeAdmin() {
        if (admin != null) {
            admin.close();
        }
    }

    private Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
        }
        return admin;
    }

    private Set<String> topics() throws Exception {
        return admin().listTopics().names().get(10, TimeUnit.SECONDS);
    }

    /** A topic the operator made, once the cluster lists it. */
    private void provision(String topic) throws Exception {
        admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
        listed(topic);
    }

    /** Waits until the cluster lists the topics (metadata spreads after a creation returned). */
    private void listed(String... names) {
        io.sluice.peer.interop.Interop.waitFor(() -> {
            try {
                return topics().containsAll(List.of(names));
            } catch (Exception e) {
                return false;
            }
        }, java.time.Duration.ofSeconds(10), "topics " + List.of(names) + " listed");
    }

    private HttpResponse<String> call(String key, String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").header("X-API-Key", key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String declaring(String... topics) {
        StringBuilder b = new StringBuilder("{\"bridges\":[");
        for (int i = 0; i < topics.length; i++) {
            b.append(i == 0 ? "" : ",").append("{\"channels\":\"t").append(i).append("\",\"target\":\"kafka\",\"topic\":")
                    .append(json.writeValueAsString(topics[i])).append('}');
        }
        return b.append("]}").toString();
    }

    /** A declaration the gateway takes: the peer is made (and closed again). */
    private void accepted(String key, String... topics) throws Exception {
        HttpResponse<String> r = call(key, "POST", "/v1/peers", declaring(topics));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        listed(topics);
        assertThat(call(key, "DELETE", "/v1/peers/" + json.readTree(r.body()).get("id").asString(), null)
                .statusCode()).isEqualTo(204);
    }

    /** A declaration refused with this status, error name and detail; nothing changed. */
    private JsonNode refused(int status, String name, String detail, String key, String... topics) throws Exception {
        Set<String> before = topics();
        int peers = registry.size();
        HttpResponse<String> r = call(key, "POST", "/v1/peers", declaring(topics));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode problem = json.readTree(r.body());
        if (name != null) {
            assertThat(problem.get("name").asString()).as(r.body()).isEqualTo(name);
        }
        assertThat(problem.get("detail").asString()).contains(detail);
        assertThat(topics()).as("topics after a refused declaration").isEqualTo(before);
        assertThat(registry.size()).as("peers after a refused declaration").isEqualTo(peers);
        return problem;
    }

    @Test
    void declaredTopicsAreCheckedCappedAndRefusedWithoutChangingAnything() throws Exception {
        provision("acme.existing");

        // Not the owner's, not the gateway's own, not Kafka's internal ones.
        refused(400, "InvalidAccessError", "not allowed for owner acme", "key-acme", "globex.orders");
        refused(400, "InvalidAccessError", "not allowed for owner acme", "key-acme", "acmeish.orders");
        refused(400, "InvalidAccessError", "events topic", "key-acme", "sluice.events");
        refused(400, "InvalidAccessError", "dead-letter topic", "key-acme", "sluice.deadletter");
        refused(400, "InvalidAccessError", "inbound topic", "key-acme", "sluice.inbound.decl");
        refused(400, "InvalidAccessError", "inbound topic", "key-acme", "sluice.inbound.another-instance");
        refused(400, "InvalidAccessError", "internal topics", "key-acme", "__consumer_offsets");
        // Names Kafka refuses.
        for (String bad : List.of(".", "..", "", "acme.a b", "acme.ä", "acme." + "x".repeat(245))) {
            refused(400, "SyntaxError", "not a Kafka topic name", "key-acme", bad);
        }
        // All declarations of a request are checked before any topic is made.
        refused(400, "InvalidAccessError", "events topic", "key-acme", "acme.later", "sluice.events");

        // Within the caps: two topics made for acme; a third is refused, naming the quota.
        accepted("key-acme", "acme.one");
        accepted("key-acme", "acme.two");
        assertThat(topics()).contains("acme.one", "acme.two").doesNotContain("acme.later");
        JsonNode cap = refused(429, null, "at most 2", "key-acme", "acme.three");
        assertThat(cap.get("quota").asString()).isEqualTo("sluice.bridges.kafka.topics.max-created-per-owner");
        // Topics that exist are used, not created, and not counted.
        accepted("key-acme", "acme.existing");
        accepted("key-acme", "acme.one");
        // The gateway-wide cap: globex makes the third; the fourth is refused whoever asks.
        accepted("key-globex", "globex.one");
        refused(429, null, "sluice.bridges.kafka.topics.max-created", "key-globex", "globex.two");
        refused(429, null, "sluice.bridges.kafka.topics.max-created", "key-globex", "shared.new");
        // An allowed topic that exists still works for anyone the list allows.
        provision("shared.existing");
        accepted("key-globex", "shared.existing");
        accepted("key-acme", "shared.existing");
        // One tenant cannot use another's topic, even an existing one.
        refused(400, "InvalidAccessError", "not allowed for owner globex", "key-globex", "acme.one");
    }

    @Test
    void theWebSocketApiChecksTopicsForTheOwnerOfItsKey() throws Exception {
        provision("globex.ws");
        java.util.concurrent.LinkedBlockingQueue<JsonNode> replies = new java.util.concurrent.LinkedBlockingQueue<>();
        StringBuilder text = new StringBuilder();
        java.net.http.WebSocket ws = HTTP.newWebSocketBuilder().header("X-API-Key", "key-globex")
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/ws"), new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket socket,
                            CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            JsonNode m = json.readTree(text.toString());
                            text.setLength(0);
                            if (m.has("result") || m.has("error")) {
                                replies.add(m);
                            }
                        }
                        socket.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        try {
            int peers = registry.size();
            ws.sendText("{\"id\":\"1\",\"op\":\"createPeer\",\"params\":" + declaring("acme.one") + "}", true)
                    .get(5, TimeUnit.SECONDS);
            JsonNode refusal = replies.poll(10, TimeUnit.SECONDS);
            assertThat(refusal.at("/error/status").asInt()).as(refusal.toString()).isEqualTo(400);
            assertThat(refusal.at("/error/name").asString()).isEqualTo("InvalidAccessError");
            assertThat(refusal.at("/error/detail").asString()).contains("not allowed for owner globex");
            assertThat(registry.size()).isEqualTo(peers);
            ws.sendText("{\"id\":\"2\",\"op\":\"createPeer\",\"params\":" + declaring("globex.ws") + "}", true)
                    .get(5, TimeUnit.SECONDS);
            JsonNode created = replies.poll(10, TimeUnit.SECONDS);
            String id = created.at("/result/id").asString();
            assertThat(id).as(created.toString()).isNotEmpty();
            assertThat(registry.find(id).owner()).isEqualTo("globex");
        } finally {
            ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
    }
}
