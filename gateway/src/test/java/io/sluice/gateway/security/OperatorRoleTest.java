package io.sluice.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.testing.RawHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

/**
 * Tenants see their own peers; all-tenant views (every peer in {@code /actuator/peers}, metrics,
 * Prometheus, the health details) need an operator key. Health probes need no key at all.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1", "sluice.timeouts.drain=1s",
    "sluice.security.api-keys.alice=key-of-alice", "sluice.security.api-keys.bob=key-of-bob",
    "sluice.security.operator-keys.ops=key-of-ops", "sluice.limits.requests-per-second=0"})
@Timeout(60)
class OperatorRoleTest extends RunningGateway {

    private String create(String key) throws Exception {
        RawHttp.Response r = RawHttp.send(port, "POST", "/v1/peers", "{\"metadata\":{\"tenant\":\"" + key + "\"}}",
                "Content-Type", "application/json", "X-API-Key", key);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return JSON.readTree(r.body()).get("id").asString();
    }

    private JsonNode get(String path, String key, int status) throws Exception {
        RawHttp.Response r = key == null ? RawHttp.send(port, "GET", path, null)
                : RawHttp.send(port, "GET", path, null, "Authorization", "Bearer " + key);
        assertThat(r.status()).as("GET " + path + " as " + key + " -> " + r).isEqualTo(status);
        return r.body().isEmpty() || !r.header("Content-Type").contains("json") ? null : JSON.readTree(r.body());
    }

    @Test
    void aTenantSeesItsOwnPeersAndAnOperatorEveryPeer() throws Exception {
        String alices = create("key-of-alice");
        String bobs = create("key-of-bob");

        JsonNode asBob = get("/actuator/peers", "key-of-bob", 200);
        assertThat(asBob.get("count").asInt()).isEqualTo(1);
        assertThat(asBob.findValuesAsString("id")).containsExactly(bobs);
        assertThat(asBob.toString()).doesNotContain(alices, "alice");
        get("/actuator/peers/" + alices, "key-of-bob", 404);
        assertThat(get("/actuator/peers/" + bobs, "key-of-bob", 200).get("owner").asString()).isEqualTo("bob");

        JsonNode asOps = get("/actuator/peers", "key-of-ops", 200);
        assertThat(asOps.findValuesAsString("id")).containsExactlyInAnyOrder(alices, bobs);
        assertThat(get("/actuator/peers/" + alices, "key-of-ops", 200).get("owner").asString()).isEqualTo("alice");
        get("/actuator/peers", null, 401);

        // an operator is not a tenant's owner on the API: its own peers only there
        assertThat(get("/v1/peers", "key-of-ops", 200).size()).isZero();
        get("/v1/peers/" + alices, "key-of-ops", 404);
    }

    @Test
    void operatorEndpointsNeedAnOperatorKey() throws Exception {
        for (String path : List.of("/actuator/metrics", "/actuator/metrics/sluice.peers", "/actuator/prometheus",
                "/actuator", "/actuator/info")) {
            get(path, null, 401);
            RawHttp.Response tenant = RawHttp.send(port, "GET", path, null, "X-API-Key", "key-of-alice");
            assertThat(tenant.status()).as(path).isEqualTo(403);
            assertThat(tenant.header("Content-Type")).startsWith("application/problem+json");
            assertThat(tenant.body()).contains("urn:sluice:error:Forbidden", "operator key");
            get(path, "key-of-ops", 200);
        }
        assertThat(get("/actuator/health", "key-of-alice", 200).has("components")).isFalse();
        assertThat(get("/actuator/health", "key-of-ops", 200).at("/components/peers/status").asString())
                .isEqualTo("UP");
        get("/actuator/health/liveness", null, 200);
        get("/actuator/health/readiness", null, 200);
    }

    @Test
    void aWebSocketKeepsTheOwnerOfItsUpgradeKey() throws Exception {
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        StringBuilder text = new StringBuilder();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().header("X-API-Key", "key-of-bob")
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            JsonNode m = JSON.readTree(text.toString());
                            text.setLength(0);
                            if (m.has("result") || m.has("error")) {
                                reply.complete(m);
                            }
                        }
                        socket.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        try {
            ws.sendText("{\"id\":\"1\",\"op\":\"createPeer\",\"params\":{}}", true).get(5, TimeUnit.SECONDS);
            String id = reply.get(10, TimeUnit.SECONDS).at("/result/id").asString();
            assertThat(registry.find(id).owner()).isEqualTo("bob");
            get("/v1/peers/" + id, "key-of-alice", 404);
            get("/v1/peers/" + id, "key-of-bob", 200);
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
    }
}
