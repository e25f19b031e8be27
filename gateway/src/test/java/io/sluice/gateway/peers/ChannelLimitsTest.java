package io.sluice.gateway.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.testing.RemotePeer;
import io.sluice.gateway.testing.TextSocket;
import io.sluice.peer.api.RTCDataChannel;
import io.sluice.peer.api.RTCDataChannelState;
import io.sluice.peer.interop.Interop;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The open-channel limit holds on every path that makes a channel (REST, WebSocket, channels the
 * remote opens), and closed channels are forgotten (a short history aside) however many come and go.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1",
            "sluice.limits.requests-per-second=0", "sluice.timeouts.drain=1s",
            "sluice.limits.max-channels-per-peer=6"})
@Timeout(120)
class ChannelLimitsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;
    @Autowired
    PeerRegistry registry;

    private JsonNode rest(String method, String path, String body, int status) throws Exception {
        var r = RemotePeer.call(port, method, path, body);
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(status);
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }

    /** One WebSocket request; its reply. */
    private JsonNode ws(String request) throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        WebSocket socket = TextSocket.open(port, text -> {
            if (text.contains("\"id\"")) {
                reply.complete(text);
            }
        });
        try {
            socket.sendText(request, true).get(5, TimeUnit.SECONDS);
            return JSON.readTree(reply.get(10, TimeUnit.SECONDS));
        } finally {
            socket.abort();
        }
    }

    @Test
    void theLimitHoldsForRestAndWebSocketAlike() throws Exception {
        String id = rest("POST", "/v1/peers", "{\"limits\":{\"maxChannels\":3}}", 201).get("id").asString();
        try {
            rest("POST", "/v1/peers/" + id + "/channels", "{\"label\":\"r1\"}", 201);
            JsonNode w1 = ws("{\"id\":\"1\",\"op\":\"createDataChannel\",\"peerId\":\"" + id
                    + "\",\"params\":{\"label\":\"w1\"}}");
            assertThat(w1.has("result")).as(w1.toString()).isTrue();
            rest("POST", "/v1/peers/" + id + "/channels", "{\"label\":\"r2\"}", 201);
            // The fourth, by either path, is over the peer's limit of 3.
            JsonNode w2 = ws("{\"id\":\"2\",\"op\":\"createDataChannel\",\"peerId\":\"" + id
                    + "\",\"params\":{\"label\":\"w2\"}}");
            assertThat(w2.path("error").path("status").asInt()).as(w2.toString()).isEqualTo(429);
            assertThat(w2.path("error").path("name").asString()).isEqualTo("LimitExceeded");
            JsonNode r3 = rest("POST", "/v1/peers/" + id + "/channels", "{\"label\":\"r3\"}", 429);
            assertThat(r3.toString()).contains("limit");
            assertThat(rest("GET", "/v1/peers/" + id + "/channels", null, 200)).hasSize(3);
        } finally {
            rest("DELETE", "/v1/peers/" + id, null, 204);
        }
    }

    @Test
    void theGatewayLimitHoldsOverTheWebSocketWithoutAPeerLimit() throws Exception {
        String id = rest("POST", "/v1/peers", "{}", 201).get("id").asString();
        try {
            for (int i = 0; i < 6; i++) {
                JsonNode r = ws("{\"id\":\"" + i + "\",\"op\":\"createDataChannel\",\"peerId\":\"" + id
                        + "\",\"params\":{\"label\":\"w" + i + "\"}}");
                assertThat(r.has("result")).as(r.toString()).isTrue();
            }
            JsonNode over = ws("{\"id\":\"7\",\"op\":\"createDataChannel\",\"peerId\":\"" + id
                    + "\",\"params\":{\"label\":\"w7\"}}");
            assertThat(over.path("error").path("status").asInt()).as(over.toString()).isEqualTo(429);
        } finally {
            rest("DELETE", "/v1/peers/" + id, null, 204);
        }
    }

    @Test
    void channelsTheRemoteOpensAboveTheLimitAreClosedAndCounted() throws Exception {
        try (RemotePeer remote = RemotePeer.connect(port, "{\"limits\":{\"maxChannels\":2}}", "a", "b")) {
            ManagedPeer peer = registry.find(remote.peerId);
            List<RTCDataChannel> extra = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                extra.add(remote.pc.createDataChannel("extra" + i));
            }
            Interop.waitFor(() -> extra.stream().allMatch(c -> c.readyState() == RTCDataChannelState.CLOSED),
                    Duration.ofSeconds(15), "the channels above the limit were closed");
            assertThat(remote.channel("a").readyState()).isEqualTo(RTCDataChannelState.OPEN);
            assertThat(rest("GET", "/v1/peers/" + remote.peerId + "/channels", null, 200)).hasSize(2);
            Interop.waitFor(() -> peer.events().recent().stream().filter(e -> e.type().equals("channelrefused"))
                    .count() == 3, Duration.ofSeconds(5), "three channelrefused events");
            assertThat(peer.events().recent().stream().filter(e -> e.type().equals("datachannel")).count())
                    .isEqualTo(2);
            // Once one closes, the remote may open another.
            remote.channel("b").close();
            Interop.waitFor(() -> peer.openChannelCount() == 1, Duration.ofSeconds(10), "b closed at the gateway");
            RTCDataChannel again = remote.pc.createDataChannel("again");
            Interop.waitFor(() -> again.readyState() == RTCDataChannelState.OPEN, Duration.ofSeconds(10),
                    "a channel within the limit opened");
            Thread.sleep(300);
            assertThat(again.readyState()).isEqualTo(RTCDataChannelState.OPEN);
        }
    }

    @Test
    void closedChannelsAreForgottenBeyondAShortHistory() throws Exception {
        try (RemotePeer remote = RemotePeer.connect(port, "{}", "keep")) {
            ManagedPeer peer = registry.find(remote.peerId);
            for (int round = 0; round < 40; round++) {
                List<RTCDataChannel> batch = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    batch.add(remote.pc.createDataChannel("churn" + round + "." + i));
                }
                Interop.waitFor(() -> batch.stream().allMatch(c -> c.readyState() == RTCDataChannelState.OPEN),
                        Duration.ofSeconds(10), "a batch opened");
                batch.forEach(RTCDataChannel::close);
                Interop.waitFor(() -> batch.stream().allMatch(c -> c.readyState() == RTCDataChannelState.CLOSED),
                        Duration.ofSeconds(10), "a batch closed");
            }
            // 200 channels came and went; the gateway holds the open one and a bounded history.
            Interop.waitFor(() -> peer.openChannelCount() == 1, Duration.ofSeconds(10), "the churn closed");
            JsonNode list = rest("GET", "/v1/peers/" + remote.peerId + "/channels", null, 200);
            assertThat(list.size()).isLessThanOrEqualTo(1 + ManagedPeer.CLOSED_KEPT);
            assertThat(list.get(0).get("label").asString()).isEqualTo("keep");
            assertThat(list.get(0).get("readyState").asString()).isEqualTo("open");
            assertThat(list.get(1).get("readyState").asString()).isEqualTo("closed");
            // A recently closed channel is still answered; an old one is not known any more.
            String newest = list.get(list.size() - 1).get("channelId").asString();
            rest("GET", "/v1/peers/" + remote.peerId + "/channels/" + newest, null, 200);
            rest("GET", "/v1/peers/" + remote.peerId + "/channels/dc2", null, 404);
            // The peer connection underneath keeps none of them either (its data-channel stats).
            long known = peer.pc().getStats().get(5, java.util.concurrent.TimeUnit.SECONDS).asMap().values().stream()
                    .filter(m -> "data-channel".equals(m.get("type"))).count();
            assertThat(known).isEqualTo(1);
        }
    }
}
