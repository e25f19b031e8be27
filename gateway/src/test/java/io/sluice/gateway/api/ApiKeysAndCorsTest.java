package io.sluice.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1",
    "sluice.security.api-keys.alice=key-of-alice", "sluice.security.api-keys.bob=key-of-bob",
    "sluice.security.allowed-origins=http://app.example.test",
    "sluice.limits.requests-per-second=5", "sluice.limits.request-burst=20"})
class ApiKeysAndCorsTest {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> call(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void keysAreRequiredAndPeersBelongToTheirOwner() throws Exception {
        assertThat(call("GET", "/v1/peers").statusCode()).isEqualTo(401);
        assertThat(call("GET", "/v1/peers", "X-API-Key", "wrong").statusCode()).isEqualTo(401);
        assertThat(call("GET", "/actuator/health").statusCode()).isEqualTo(200);
        assertThat(call("GET", "/actuator/metrics").statusCode()).isEqualTo(401);

        HttpResponse<String> created = call("POST", "/v1/peers", "Authorization", "Bearer key-of-alice");
        assertThat(created.statusCode()).isEqualTo(201);
        String id = JsonMapper.builder().build().readTree(created.body()).get("id").asString();
        assertThat(call("GET", "/v1/peers/" + id, "X-API-Key", "key-of-alice").statusCode()).isEqualTo(200);
        assertThat(call("GET", "/v1/peers/" + id, "X-API-Key", "key-of-bob").statusCode()).isEqualTo(404);
        assertThat(call("DELETE", "/v1/peers/" + id, "X-API-Key", "key-of-bob").statusCode()).isEqualTo(404);
        assertThat(call("GET", "/v1/peers", "X-API-Key", "key-of-bob").body()).isEqualTo("[]");
        assertThat(call("GET", "/v1/peers", "X-API-Key", "key-of-alice").body()).contains(id);
        assertThat(call("DELETE", "/v1/peers/" + id, "X-API-Key", "key-of-alice").statusCode()).isEqualTo(204);
    }

    @Test
    void browserPagesOnAllowedOriginsMayCallAndSeeLocation() throws Exception {
        HttpResponse<String> preflight = call("OPTIONS", "/v1/peers", "Origin", "http://app.example.test",
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type");
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://app.example.test");

        HttpResponse<String> created = call("POST", "/v1/peers", "Origin", "http://app.example.test",
                "X-API-Key", "key-of-alice");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Access-Control-Expose-Headers").orElse("")).contains("Location");
        String id = JsonMapper.builder().build().readTree(created.body()).get("id").asString();
        call("DELETE", "/v1/peers/" + id, "X-API-Key", "key-of-alice");

        HttpResponse<String> other = call("OPTIONS", "/v1/peers", "Origin", "http://evil.example.test",
                "Access-Control-Request-Method", "POST");
        assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void requestsBeyondTheRateAnswer429WithRetryAfter() throws Exception {
        int limited = 0;
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> r = call("GET", "/v1/peers", "X-API-Key", "key-of-bob");
            if (r.statusCode() == 429) {
                limited++;
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
            } else {
                assertThat(r.statusCode()).isEqualTo(200);
            }
        }
        assertThat(limited).isGreaterThan(10);
        // Another owner has a bucket of its own.
        assertThat(call("GET", "/v1/peers", "X-API-Key", "key-of-alice").statusCode()).isEqualTo(200);
    }
}
