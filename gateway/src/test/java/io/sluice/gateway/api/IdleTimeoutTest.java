package io.sluice.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.peers.PeerRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/** A peer that never connects is closed after sluice.timeouts.connect, and its event stream says why. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1", "sluice.timeouts.connect=1s"})
class IdleTimeoutTest {

    @LocalServerPort
    int port;

    @Autowired
    PeerRegistry registry;

    @Test
    void aPeerThatNeverConnectsIsClosedAndItsOwnerTold() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v1/peers")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        String id = JsonMapper.builder().build().readTree(created.body()).get("id").asString();
        HttpResponse<String> events = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v1/peers/" + id + "/events")).build(), HttpResponse.BodyHandlers.ofString());
        // The stream ends with the peer: its last event is "closed", with the reason.
        assertThat(events.body()).contains("event:closed").contains("did not connect within PT1S");
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/peers/" + id))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(registry.size()).isZero();
    }
}
