package io.sluice.gateway.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.SluiceGatewayApplication;
import io.sluice.peer.interop.Interop;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * An instance being stopped refuses new peers (503) and reports not ready, tells the owners of its
 * peers (a {@code draining} event) and gives them the configured grace period before closing them.
 */
@Timeout(60)
class GracefulDrainTest {

    @Test
    void stoppingDrainsPeers() throws Exception {
        ConfigurableApplicationContext app = SpringApplication.run(SluiceGatewayApplication.class, "--server.port=0",
                "--sluice.ice.loopback=true", "--sluice.ice.addresses=127.0.0.1", "--sluice.timeouts.drain=2s",
                "--spring.main.banner-mode=off");
        int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        String id = JsonMapper.builder().build().readTree(http.send(HttpRequest.newBuilder(URI.create(base
                + "/v1/peers")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString())
                .body()).get("id").asString();
        // The owner is subscribed to its peer's events before the gateway is stopped.
        List<String> lines = new CopyOnWriteArrayList<>();
        http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/v1/peers/" + id + "/events")).build(),
                HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> r.body().forEach(lines::add));
        ManagedPeer peer = app.getBean(PeerRegistry.class).find(id);
        Interop.waitFor(() -> peer.events().subscriberCount() == 1, Duration.ofSeconds(10),
                "the owner's event stream subscribed");

        long t0 = System.nanoTime();
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(app::close);
        Interop.waitFor(() -> lines.stream().anyMatch(l -> l.contains("event:draining")), Duration.ofSeconds(10),
                "the draining event");
        HttpClient fresh = HttpClient.newHttpClient();
        HttpResponse<String> refused = fresh.send(HttpRequest.newBuilder(URI.create(base + "/v1/peers"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(503);
        HttpResponse<String> readiness = fresh.send(HttpRequest.newBuilder(URI.create(base
                + "/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).isEqualTo(503);
        // The owner can still use its peer during the grace period.
        assertThat(fresh.send(HttpRequest.newBuilder(URI.create(base + "/v1/peers/" + id)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        stopped.get(30, TimeUnit.SECONDS);
        assertThat((System.nanoTime() - t0) / 1e9).as("the grace period was given").isGreaterThan(1.5);
        Interop.waitFor(() -> lines.stream().anyMatch(l -> l.contains("drain period over")), Duration.ofSeconds(5),
                "the closed event with its reason");
    }
}
