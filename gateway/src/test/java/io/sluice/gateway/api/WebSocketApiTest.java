package io.sluice.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.testing.LoopbackRemote;
import io.sluice.peer.api.DataChannelListener;
import io.sluice.peer.api.RTCDataChannel;
import io.sluice.peer.api.RTCIceCandidateInit;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.api.RTCSessionDescription;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The WebSocket protocol: requests by id, results and errors, events pushed; one socket, one peer here. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1",
            "sluice.limits.requests-per-second=0", "sluice.timeouts.drain=1s"})
@Timeout(60)
class WebSocketApiTest {

    @LocalServerPort
    int port;

    private final ObjectMapper json = JsonMapper.builder().build();

    /** A client socket: results by request id, events in order. */
    /** Messages that broke the published WebSocket schema (the listener runs on another thread). */
    final List<String> violations = new CopyOnWriteArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void everyMessageMatchedThePublishedSchema() {
        org.assertj.core.api.Assertions.assertThat(violations).isEmpty();
    }

    final class Client implements WebSocket.Listener {
        final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        final List<JsonNode> events = new CopyOnWriteArrayList<>();
        final AtomicInteger ids = new AtomicInteger();
        private final StringBuilder partial = new StringBuilder();
        WebSocket ws;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    io.sluice.gateway.testing.ContractSchemas.assertValid("websocket", partial.toString());
                } catch (AssertionError e) {
                    violations.add(e.getMessage());
                }
                JsonNode m = json.readTree(partial.toString());
                partial.setLength(0);
                if (m.has("event")) {
                    events.add(m);
                } else {
                    pending.remove(m.get("id").asString()).complete(m);
                }
            }
            webSocket.request(1);
            return null;
        }

        JsonNode call(String op, String peerId, Object params) throws Exception {
            String id = Integer.toString(ids.incrementAndGet());
            CompletableFuture<JsonNode> f = new CompletableFuture<>();
            pending.put(id, f);
            ObjectNode req = json.createObjectNode();
            req.put("id", id);
            req.put("op", op);
            if (peerId != null) {
                req.put("peerId", peerId);
            }
            req.set("params", json.valueToTree(params == null ? Map.of() : params));
            ws.sendText(json.writeValueAsString(req), true).get(5, TimeUnit.SECONDS);
            return f.get(15, TimeUnit.SECONDS);
        }
    }

    /** A request whose id (or op, or peerId) is an object or array is a 400 on the socket, which stays open. */
    @Test
    void aRequestWithAnIdThatIsNotTextIsA400AndTheSocketStaysOpen() throws Exception {
        LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/ws"), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            replies.add(partial.toString());
                            partial.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        for (String bad : List.of("{\"id\":{},\"op\":\"getPeer\"}", "{\"id\":\"1\",\"op\":[\"getPeer\"]}",
                "{\"id\":\"2\",\"op\":\"getPeer\",\"peerId\":{\"a\":1}}")) {
            ws.sendText(bad, true).get(5, TimeUnit.SECONDS);
            String reply = replies.poll(10, TimeUnit.SECONDS);
            assertThat(reply).as("reply to %s (socket closed: %s)", bad, closed.getNow(null)).isNotNull();
            io.sluice.gateway.testing.ContractSchemas.assertValid("websocket", reply);
            JsonNode error = json.readTree(reply).get("error");
            assertThat(error.get("status").asInt()).isEqualTo(400);
            assertThat(error.get("name").asString()).isEqualTo("TypeError");
        }
        ws.sendText("{\"id\":\"3\",\"op\":\"getPeer\",\"peerId\":\"nope\"}", true).get(5, TimeUnit.SECONDS);
        assertThat(json.readTree(replies.poll(10, TimeUnit.SECONDS)).get("error").get("status").asInt()).isEqualTo(404);
        assertThat(closed).isNotDone();
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    }

    @Test
    void driveAPeerOverOneSocket() throws Exception {
        Client c = new Client();
        c.ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/ws"), c).get(5, TimeUnit.SECONDS);
        JsonNode created = c.call("createPeer", null, Map.of("metadata", Map.of("k", "v")));
        String peerId = created.get("result").get("id").asString();
        // The same socket drives a second peer: its events come tagged with its id.
        String second = c.call("createPeer", null, Map.of()).get("result").get("id").asString();
        c.call("createDataChannel", second, Map.of("label", "s"));
        c.call("setLocalDescription", second, null);
        long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (c.events.stream().noneMatch(e -> second.equals(e.get("peerId").asString())
                && "icegatheringstatechange".equals(e.get("event").asString())) && System.nanoTime() < wait) {
            Thread.onSpinWait();
        }
        assertThat(c.events.stream().filter(e -> second.equals(e.get("peerId").asString())).map(e -> e.get("event")
                .asString()).toList()).contains("signalingstatechange", "icegatheringstatechange");
        assertThat(c.call("close", second, null).get("result").get("closed").asString()).isEqualTo(second);

        JsonNode wrong = c.call("createAnswer", peerId, null);
        assertThat(wrong.get("error").get("status").asInt()).isEqualTo(409);
        assertThat(wrong.get("error").get("name").asString()).isEqualTo("InvalidStateError");
        assertThat(c.call("nonsense", peerId, null).get("error").get("name").asString()).isEqualTo("TypeError");
        assertThat(c.call("getPeer", "nope", null).get("error").get("status").asInt()).isEqualTo(404);

        LoopbackRemote lr = new LoopbackRemote();
        RTCPeerConnection remote = lr.pc;
        try {
            CompletableFuture<Void> gathered = lr.gathered;
            CompletableFuture<Void> connected = lr.connected;
            LinkedBlockingQueue<String> atRemote = new LinkedBlockingQueue<>();
            RTCDataChannel ch = remote.createDataChannel("ws", null, new DataChannelListener() {
                @Override
                public void onMessage(String text) {
                    atRemote.add(text);
                }
            });
            remote.setLocalDescription().get(5, TimeUnit.SECONDS);
            gathered.get(10, TimeUnit.SECONDS);
            c.call("setRemoteDescription", peerId, Map.of("description",
                    Map.of("type", "offer", "sdp", remote.localDescription().sdp())));
            JsonNode answer = c.call("setLocalDescription", peerId, null).get("result");
            remote.setRemoteDescription(RTCSessionDescription.answer(answer.get("sdp").asString()))
                    .get(5, TimeUnit.SECONDS);
            // Candidates arrive as pushed events.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            int used = 0;
            while (!connected.isDone() && System.nanoTime() < deadline) {
                for (; used < c.events.size(); used++) {
                    JsonNode e = c.events.get(used);
                    JsonNode cand = e.get("candidate");
                    if ("icecandidate".equals(e.get("event").asString()) && cand != null && !cand.isNull()
                            && !cand.get("candidate").asString().isEmpty()) {
                        remote.addIceCandidate(new RTCIceCandidateInit(cand.get("candidate").asString(),
                                cand.get("sdpMid").asString(), null, null));
                    }
                }
                Thread.onSpinWait();
            }
            connected.get(1, TimeUnit.SECONDS);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (c.events.stream().noneMatch(e -> "open".equals(e.get("event").asString()))
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            String cid = c.events.stream().filter(e -> "datachannel".equals(e.get("event").asString())).findFirst()
                    .orElseThrow().get("channelId").asString();
            assertThat(c.call("send", peerId, Map.of("channelId", cid, "text", "over the socket"))
                    .get("result").has("bufferedAmount")).isTrue();
            assertThat(atRemote.poll(10, TimeUnit.SECONDS)).isEqualTo("over the socket");
            ch.send("back to the socket");
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (c.events.stream().noneMatch(e -> "message".equals(e.get("event").asString()))
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(c.events.stream().filter(e -> "message".equals(e.get("event").asString())).findFirst()
                    .orElseThrow().get("data").asString()).isEqualTo("back to the socket");
            // Sequence numbers are per peer: in order within each peer's events.
            Map<String, Long> last = new java.util.HashMap<>();
            for (JsonNode e : c.events) {
                long seq = e.get("seq").asLong();
                Long before = last.put(e.get("peerId").asString(), seq);
                if (before != null) {
                    assertThat(seq).isGreaterThan(before);
                }
            }
        } finally {
            remote.close();
            assertThat(c.call("close", peerId, null).get("result").get("closed").asString()).isEqualTo(peerId);
            c.ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }
}
