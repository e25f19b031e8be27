package io.sluice.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.peers.PeerRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/** sluice.ice.advertised-addresses: the shared port's host candidate is signalled with the public address. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1",
    "sluice.ice.advertised-addresses=127.0.0.1=198.51.100.20"})
class AdvertisedAddressTest {

    @LocalServerPort
    int port;

    @Autowired
    PeerRegistry registry;

    @Test
    void hostCandidatesCarryThePublicAddress() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        var json = JsonMapper.builder().build();
        String id = json.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/peers"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body())
                .get("id").asString();
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/peers/" + id + "/channels"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"label\":\"x\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/peers/" + id
                + "/local-description")).PUT(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        registry.get(id, null).gatheringComplete().get(5, TimeUnit.SECONDS);
        int udp = registry.sharedPort().sockets().get(0).localAddress().getPort();
        String sdp = registry.get(id, null).pc().localDescription().sdp();
        assertThat(sdp).contains(" 198.51.100.20 " + udp + " typ host").doesNotContain(" 127.0.0.1 " + udp + " typ");
        registry.close(id, null);
    }
}
