package io.sluice.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * An offer with no m-section Sluice can answer (here Chromium's audio+video offer) is refused with
 * a 4xx problem naming the W3C error and the m-lines, on every path, and leaves nothing behind: no
 * peer from the one-call form (also when an API key owns the call), no remote description on an
 * existing peer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1", "sluice.limits.requests-per-second=0",
    "sluice.security.api-keys.alice=key-of-alice", "sluice.timeouts.drain=1s"})
@Timeout(60)
class UnanswerableOfferTest {

    private static final String KEY = "key-of-alice";

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = JsonMapper.builder().build();

    private static String mediaOnlyOffer() throws IOException {
        try (InputStream in = UnanswerableOfferTest.class.getResourceAsStream("/vectors/sdp/chromium-gum-offer.sdp")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private HttpResponse<String> call(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).header("X-API-Key", KEY);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void assertRefusal(JsonNode problem) {
        assertThat(problem.get("name").asString()).isEqualTo("NotSupportedError");
        assertThat(problem.get("detail").asString()).contains("m=audio 54297 UDP/TLS/RTP/SAVPF 111").contains("m=video");
    }

    @Test
    void theOneCallFormRefusesAndLeavesNoPeer() throws Exception {
        HttpResponse<String> r = call("POST", "/v1/whip?bridge=loopback", "application/sdp", mediaOnlyOffer());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(r.headers().firstValue("Location")).isEmpty();
        assertRefusal(json.readTree(r.body()));
        JsonNode peers = json.readTree(call("GET", "/v1/peers", null, null).body());
        assertThat(peers.size()).as(peers.toString()).isZero();
    }

    @Test
    void restAndWebSocketRefuseAndChangeNothing() throws Exception {
        String id = json.readTree(call("POST", "/v1/peers", "application/json", "{}").body()).get("id").asString();
        String description = json.writeValueAsString(java.util.Map.of("type", "offer", "sdp", mediaOnlyOffer()));
        HttpResponse<String> r = call("PUT", "/v1/peers/" + id + "/remote-description", "application/json",
                description);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertRefusal(json.readTree(r.body()));
        JsonNode state = json.readTree(call("GET", "/v1/peers/" + id, null, null).body());
        assertThat(state.get("signalingState").asString()).isEqualTo("stable");
        assertThat(state.get("remoteDescription").isNull()).isTrue();

        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        WebSocket ws = http.newWebSocketBuilder().header("X-API-Key", KEY).buildAsync(
                URI.create("ws://127.0.0.1:" + port + "/v1/ws"), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            JsonNode m = json.readTree(partial.toString());
                            partial.setLength(0);
                            if (m.has("id")) {
                                reply.complete(m);
                            }
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        ws.sendText(json.writeValueAsString(java.util.Map.of("id", "1", "op", "setRemoteDescription", "peerId", id,
                "params", java.util.Map.of("description", json.readTree(description)))), true).get(5, TimeUnit.SECONDS);
        JsonNode error = reply.get(10, TimeUnit.SECONDS).get("error");
        assertThat(error.get("status").asInt()).isEqualTo(422);
        assertRefusal(error);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        state = json.readTree(call("GET", "/v1/peers/" + id, null, null).body());
        assertThat(state.get("signalingState").asString()).isEqualTo("stable");
        assertThat(call("DELETE", "/v1/peers/" + id, null, null).statusCode()).isEqualTo(204);
    }
}
