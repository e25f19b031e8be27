package io.sluice.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.testing.RawHttp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

/**
 * One key cannot take every slot: peers and certificates count against the owner's quota on every
 * path that makes them, a 429 names the quota, and certificates can be deleted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1", "sluice.timeouts.drain=1s",
    "sluice.security.api-keys.alice=key-of-alice", "sluice.security.api-keys.bob=key-of-bob",
    "sluice.limits.requests-per-second=0", "sluice.quotas.peers=2", "sluice.quotas.certificates=2"})
@Timeout(60)
class OwnerQuotasTest extends RunningGateway {

    private RawHttp.Response post(String path, String key) throws Exception {
        return RawHttp.send(port, "POST", path, "{}", "Content-Type", "application/json", "X-API-Key", key);
    }

    private static void quotaExceeded(RawHttp.Response r, String quota) throws Exception {
        assertThat(r.status()).as(r.toString()).isEqualTo(429);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.get("quota").asString()).isEqualTo(quota);
        assertThat(problem.get("detail").asString()).contains("owner alice", quota);
    }

    @Test
    void peersCountAgainstTheOwnersQuotaOnEveryPath() throws Exception {
        List<String> alices = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            RawHttp.Response r = post("/v1/peers", "key-of-alice");
            assertThat(r.status()).isEqualTo(201);
            alices.add(JSON.readTree(r.body()).get("id").asString());
        }
        quotaExceeded(post("/v1/peers", "key-of-alice"), "sluice.quotas.peers");
        quotaExceeded(RawHttp.send(port, "POST", "/v1/whip", "v=0\r\n", "Content-Type", "application/sdp",
                "X-API-Key", "key-of-alice"), "sluice.quotas.peers");
        // another owner has a quota of its own
        assertThat(post("/v1/peers", "key-of-bob").status()).isEqualTo(201);
        // a peer that goes gives its slot back
        assertThat(RawHttp.send(port, "DELETE", "/v1/peers/" + alices.get(0), null, "X-API-Key", "key-of-alice")
                .status()).isEqualTo(204);
        assertThat(post("/v1/peers", "key-of-alice").status()).isEqualTo(201);
        assertThat(registry.list("alice")).hasSize(2);
    }

    @Test
    void certificatesCountAgainstTheQuotaAndTheirOwnerDeletesThem() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            RawHttp.Response r = post("/v1/certificates", "key-of-alice");
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            ids.add(JSON.readTree(r.body()).get("id").asString());
        }
        quotaExceeded(post("/v1/certificates", "key-of-alice"), "sluice.quotas.certificates");
        assertThat(post("/v1/certificates", "key-of-bob").status()).isEqualTo(201);

        RawHttp.Response notBobs = RawHttp.send(port, "DELETE", "/v1/certificates/" + ids.get(0), null,
                "X-API-Key", "key-of-bob");
        assertThat(notBobs.status()).isEqualTo(404);
        assertThat(notBobs.body()).contains("urn:sluice:error:CertificateNotFound");
        assertThat(RawHttp.send(port, "DELETE", "/v1/certificates/" + ids.get(0), null, "X-API-Key", "key-of-alice")
                .status()).isEqualTo(204);
        assertThat(RawHttp.send(port, "DELETE", "/v1/certificates/" + ids.get(0), null, "X-API-Key", "key-of-alice")
                .status()).isEqualTo(404);
        // the deleted one is gone for peers too, and its slot is free again
        RawHttp.Response withDeleted = RawHttp.send(port, "POST", "/v1/peers", "{\"configuration\":{\"certificates\":[\""
                + ids.get(0) + "\"]}}", "Content-Type", "application/json", "X-API-Key", "key-of-alice");
        assertThat(withDeleted.status()).as(withDeleted.toString()).isBetween(400, 499).isNotEqualTo(429);
        assertThat(post("/v1/certificates", "key-of-alice").status()).isEqualTo(201);
    }
}
