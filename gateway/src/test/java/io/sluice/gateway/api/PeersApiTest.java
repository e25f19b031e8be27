package io.sluice.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.testing.LoopbackRemote;
import io.sluice.peer.api.PeerConnectionListener;
import io.sluice.peer.api.RTCIceCandidateInit;
import io.sluice.peer.api.RTCSessionDescription;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** The REST API over real HTTP, with a peer-core peer as the remote end over loopback. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1",
            "sluice.limits.requests-per-second=0", "sluice.timeouts.drain=1s"})
@Timeout(60)
class PeersApiTest {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = JsonMapper.builder().build();

    private HttpResponse<String> call(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return r.body().isEmpty() ? null : json.readTree(r.body());
    }

    private static String jsonString(String s) {
        return JsonMapper.builder().build().writeValueAsString(s);
    }

    @Test
    void negotiateThroughTheJsonApi() throws Exception {
        JsonNode created = ok(call("POST", "/v1/peers", "application/json",
                "{\"metadata\":{\"device\":\"d1\"}}"), 201);
        String id = created.get("id").asString();
        assertThat(created.get("signalingState").asString()).isEqualTo("stable");
        assertThat(created.get("connectionState").asString()).isEqualTo("new");
        assertThat(created.get("metadata").get("device").asString()).isEqualTo("d1");
        try (LoopbackRemote remote = new LoopbackRemote()) {
            String offer = remote.completeOffer();
            JsonNode applied = ok(call("PUT", "/v1/peers/" + id + "/remote-description", "application/json",
                    "{\"type\":\"offer\",\"sdp\":" + jsonString(offer) + "}"), 200);
            assertThat(applied.get("type").asString()).isEqualTo("offer");
            JsonNode answer = ok(call("PUT", "/v1/peers/" + id + "/local-description", null, null), 200);
            assertThat(answer.get("type").asString()).isEqualTo("answer");
            remote.pc.setRemoteDescription(RTCSessionDescription.answer(answer.get("sdp").asString()))
                    .get(5, TimeUnit.SECONDS);
            // Trickle the server's candidates to the remote as a client would, by polling.
            JsonNode cands;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            do {
                cands = ok(call("GET", "/v1/peers/" + id + "/candidates", null, null), 200);
            } while (!cands.get("iceGatheringState").asString().equals("complete") && System.nanoTime() < deadline);
            assertThat(cands.get("candidates").size()).isPositive();
            for (JsonNode c : cands.get("candidates")) {
                remote.pc.addIceCandidate(new RTCIceCandidateInit(c.get("candidate").asString(),
                        c.get("sdpMid").asString(), null, null)).get(5, TimeUnit.SECONDS);
            }
            remote.connected.get(20, TimeUnit.SECONDS);
            JsonNode state;
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            do {
                state = ok(call("GET", "/v1/peers/" + id, null, null), 200);
            } while (!state.get("connectionState").asString().equals("connected") && System.nanoTime() < deadline);
            assertThat(state.get("connectionState").asString()).isEqualTo("connected");
            assertThat(state.get("signalingState").asString()).isEqualTo("stable");
            assertThat(state.get("currentLocalDescription").get("sdp").asString()).contains("a=setup:active");
            assertThat(state.get("canTrickleIceCandidates").asBoolean()).isTrue();
            assertThat(state.get("sctp").get("state").asString()).isIn("connecting", "connected");
            assertThat(state.get("sctp").get("maxMessageSize").asLong()).isEqualTo(262144);
            // The remote's channel opens just after the connection does: poll until its stats exist.
            JsonNode stats;
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            do {
                stats = ok(call("GET", "/v1/peers/" + id + "/stats", null, null), 200);
            } while (!stats.findValuesAsString("type").contains("data-channel") && System.nanoTime() < deadline);
            assertThat(stats.findValuesAsString("type")).contains("peer-connection", "transport", "candidate-pair",
                    "local-candidate", "remote-candidate", "certificate", "data-channel");
            JsonNode list = ok(call("GET", "/v1/peers", null, null), 200);
            assertThat(list.findValuesAsString("id")).contains(id);
        } finally {
            ok(call("DELETE", "/v1/peers/" + id, null, null), 204);
        }
        assertThat(call("GET", "/v1/peers/" + id, null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void oneCallFormWithAClientThatNeverTrickles() throws Exception {
        try (LoopbackRemote remote = new LoopbackRemote()) {
            HttpResponse<String> r = call("POST", "/v1/whip", "application/sdp", remote.completeOffer());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("application/sdp"));
            String location = r.headers().firstValue("Location").orElseThrow();
            assertThat(location).startsWith("/v1/whip/");
            assertThat(r.body()).contains("a=candidate:").contains("a=end-of-candidates");
            remote.pc.setRemoteDescription(RTCSessionDescription.answer(r.body())).get(5, TimeUnit.SECONDS);
            remote.connected.get(20, TimeUnit.SECONDS);
            String id = location.substring("/v1/whip/".length());
            assertThat(ok(call("GET", "/v1/peers/" + id, null, null), 200).get("signalingState").asString())
                    .isEqualTo("stable");
            ok(call("DELETE", location, null, null), 200);
            assertThat(call("GET", "/v1/peers/" + id, null, null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void errorsAreProblemDetailsWithW3cNamesAndChangeNothing() throws Exception {
        HttpResponse<String> missing = call("GET", "/v1/peers/nope", null, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        String id = ok(call("POST", "/v1/peers", "application/json", "{}"), 201).get("id").asString();
        try {
            JsonNode wrongState = ok(call("POST", "/v1/peers/" + id + "/answer", null, null), 409);
            assertThat(wrongState.get("name").asString()).isEqualTo("InvalidStateError");

            String bad = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=application x UDP/DTLS/SCTP y\r\n";
            JsonNode syntax = ok(call("PUT", "/v1/peers/" + id + "/remote-description", "application/json",
                    "{\"type\":\"offer\",\"sdp\":" + jsonString(bad) + "}"), 400);
            assertThat(syntax.get("name").asString()).isEqualTo("OperationError");
            assertThat(syntax.get("errorDetail").asString()).isEqualTo("sdp-syntax-error");
            assertThat(syntax.get("sdpLineNumber").asInt()).isEqualTo(5);
            assertThat(syntax.get("detail").asString()).contains("line 5");

            JsonNode type = ok(call("PUT", "/v1/peers/" + id + "/remote-description", "application/json",
                    "{\"type\":\"bogus\",\"sdp\":\"\"}"), 400);
            assertThat(type.get("name").asString()).isEqualTo("TypeError");

            JsonNode noRemote = ok(call("POST", "/v1/peers/" + id + "/candidates", "application/json",
                    "{\"candidate\":\"candidate:1 1 udp 1 127.0.0.1 9 typ host\",\"sdpMid\":\"0\"}"), 409);
            assertThat(noRemote.get("name").asString()).isEqualTo("InvalidStateError");

            JsonNode turn = ok(call("POST", "/v1/peers", "application/json",
                    "{\"configuration\":{\"iceServers\":[{\"urls\":\"turn:127.0.0.1\"}]}}"), 400);
            assertThat(turn.get("name").asString()).isEqualTo("InvalidAccessError");

            JsonNode state = ok(call("GET", "/v1/peers/" + id, null, null), 200);
            assertThat(state.get("signalingState").asString()).isEqualTo("stable");
            assertThat(state.get("remoteDescription").isNull()).isTrue();

            HttpResponse<String> notSdp = call("POST", "/v1/whip", "application/json", "{}");
            assertThat(notSdp.statusCode()).isEqualTo(415);
        } finally {
            ok(call("DELETE", "/v1/peers/" + id, null, null), 204);
        }
    }

    /** Reads an SSE stream in the background: the data lines, parsed. */
    private java.util.concurrent.CopyOnWriteArrayList<JsonNode> stream(String path, String lastEventId) {
        java.util.concurrent.CopyOnWriteArrayList<JsonNode> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> r.body().forEach(line -> {
            if (line.startsWith("data:")) {
                try {
                    io.sluice.gateway.testing.ContractSchemas.assertValid("events", line.substring(5));
                } catch (AssertionError e) {
                    violations.add(e.getMessage());
                }
                events.add(json.readTree(line.substring(5)));
            }
        }));
        return events;
    }

    /** Events that broke the published events schema (the SSE reader runs on another thread). */
    private final List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void everyEventMatchedThePublishedSchema() {
        assertThat(violations).isEmpty();
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.get("type").asString() + (e.has("state") ? ":" + e.get("state").asString()
                : "")).toList();
    }

    @Test
    void eventsStreamAsServerSentEventsAndReplayAfterLastEventId() throws Exception {
        String id = ok(call("POST", "/v1/peers", "application/json", "{}"), 201).get("id").asString();
        List<JsonNode> events = stream("/v1/peers/" + id + "/events", null);
        try (LoopbackRemote remote = new LoopbackRemote(); AutoCloseable cleanup = () -> call("DELETE", "/v1/peers/" + id, null, null)) {
            ok(call("PUT", "/v1/peers/" + id + "/remote-description", "application/json",
                    "{\"type\":\"offer\",\"sdp\":" + jsonString(remote.completeOffer()) + "}"), 200);
            JsonNode answer = ok(call("PUT", "/v1/peers/" + id + "/local-description", null, null), 200);
            remote.pc.setRemoteDescription(RTCSessionDescription.answer(answer.get("sdp").asString()))
                    .get(5, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!types(events).contains("connectionstatechange:connected") && System.nanoTime() < deadline) {
                forwardCandidates(events, remote);
            }
            List<String> t = types(events);
            assertThat(t).containsSubsequence("signalingstatechange:have-remote-offer", "signalingstatechange:stable",
                    "icegatheringstatechange:gathering", "icecandidate", "icegatheringstatechange:complete");
            assertThat(t).containsSubsequence("signalingstatechange:stable", "iceconnectionstatechange:checking",
                    "connectionstatechange:connecting", "connectionstatechange:connected");
            for (int i = 1; i < events.size(); i++) {
                assertThat(events.get(i).get("seq").asLong()).isGreaterThan(events.get(i - 1).get("seq").asLong());
            }
            // A subscriber resuming after the third event gets everything after it again, in order.
            long third = events.get(2).get("seq").asLong();
            List<JsonNode> resumed = stream("/v1/peers/" + id + "/events", Long.toString(third));
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (resumed.size() < events.size() - 3 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(resumed.get(0).get("seq").asLong()).isEqualTo(third + 1);
            ok(call("DELETE", "/v1/peers/" + id, null, null), 204);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!types(events).contains("closed") && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(types(events)).endsWith("closed");
        }
    }

    @Test
    void operatorsSeePeersHealthAndMetrics() throws Exception {
        String id = ok(call("POST", "/v1/peers", "application/json", "{}"), 201).get("id").asString();
        try {
            JsonNode peers = ok(call("GET", "/actuator/peers", null, null), 200);
            assertThat(peers.get("count").asInt()).isPositive();
            assertThat(peers.get("peers").findValuesAsString("id")).contains(id);
            JsonNode one = ok(call("GET", "/actuator/peers/" + id, null, null), 200);
            assertThat(one.get("connectionState").asString()).isEqualTo("new");
            assertThat(one.get("dtlsState").asString()).isEqualTo("new");
            assertThat(one.get("counters").get("bytesSent").asLong()).isZero();
            JsonNode health = ok(call("GET", "/actuator/health", null, null), 200);
            assertThat(health.get("status").asString()).isEqualTo("UP");
            HttpResponse<String> prometheus = call("GET", "/actuator/prometheus", null, null);
            assertThat(prometheus.statusCode()).isEqualTo(200);
            assertThat(prometheus.body()).contains("sluice_peers{", "sluice_messages_total{", "sluice_peer_setup_seconds",
                    "sluice_drops_total{reason=\"unrouted\"");
            JsonNode gauge = ok(call("GET", "/actuator/metrics/sluice.peers?tag=state:new", null, null), 200);
            assertThat(gauge.get("measurements").get(0).get("value").asDouble()).isGreaterThanOrEqualTo(1.0);
        } finally {
            ok(call("DELETE", "/v1/peers/" + id, null, null), 204);
        }
    }

    @Test
    void dataChannelsThroughRestAndEvents() throws Exception {
        String id = ok(call("POST", "/v1/peers", "application/json", "{}"), 201).get("id").asString();
        List<JsonNode> events = stream("/v1/peers/" + id + "/events", null);
        try (LoopbackRemote remote = new LoopbackRemote(); AutoCloseable cleanup = () -> call("DELETE", "/v1/peers/" + id, null, null)) {
            java.util.concurrent.LinkedBlockingQueue<Object> atRemote = new java.util.concurrent.LinkedBlockingQueue<>();
            java.util.concurrent.CompletableFuture<io.sluice.peer.api.RTCDataChannel> remoteOpened =
                    new java.util.concurrent.CompletableFuture<>();
            io.sluice.peer.api.DataChannelListener collect = new io.sluice.peer.api.DataChannelListener() {
                @Override
                public void onMessage(String text) {
                    atRemote.add(text);
                }

                @Override
                public void onMessage(byte[] data) {
                    atRemote.add(data);
                }

                @Override
                public void onClose() {
                    atRemote.add("<closed>");
                }
            };
            io.sluice.peer.api.RTCDataChannel data = remote.pc.createDataChannel("data", null, collect);
            remote.pc.addListener(new PeerConnectionListener() {
                @Override
                public void onDataChannel(io.sluice.peer.api.RTCDataChannel channel) {
                    channel.addListener(collect);
                    remoteOpened.complete(channel);
                }
            });
            String offer = remote.completeOffer(false);
            ok(call("PUT", "/v1/peers/" + id + "/remote-description", "application/json",
                    "{\"type\":\"offer\",\"sdp\":" + jsonString(offer) + "}"), 200);
            JsonNode answer = ok(call("PUT", "/v1/peers/" + id + "/local-description", null, null), 200);
            remote.pc.setRemoteDescription(RTCSessionDescription.answer(answer.get("sdp").asString()))
                    .get(5, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!types(events).contains("open") && System.nanoTime() < deadline) {
                forwardCandidates(events, remote);
            }
            JsonNode opened = events.stream().filter(e -> e.get("type").asString().equals("datachannel")).findFirst()
                    .orElseThrow();
            String cid = opened.get("channelId").asString();
            assertThat(opened.get("label").asString()).isEqualTo("data");
            JsonNode state = ok(call("GET", "/v1/peers/" + id + "/channels/" + cid, null, null), 200);
            assertThat(state.get("readyState").asString()).isEqualTo("open");

            // REST → remote, text and binary
            ok(call("POST", "/v1/peers/" + id + "/channels/" + cid + "/messages", "text/plain", "hello from REST"), 202);
            assertThat(atRemote.poll(10, TimeUnit.SECONDS)).isEqualTo("hello from REST");
            HttpResponse<String> bin = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/v1/peers/" + id + "/channels/" + cid + "/messages")).header("Content-Type",
                    "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {0, 1, (byte) 255}))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bin.statusCode()).isEqualTo(202);
            assertThat((byte[]) atRemote.poll(10, TimeUnit.SECONDS)).containsExactly(0, 1, 255);

            // remote → events, text as text and binary as base64
            data.send("to the backend");
            data.send(new byte[] {9, 8, 7});
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (events.stream().filter(e -> e.get("type").asString().equals("message")).count() < 2
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            List<JsonNode> messages = events.stream().filter(e -> e.get("type").asString().equals("message")).toList();
            assertThat(messages.get(0).get("data").asString()).isEqualTo("to the backend");
            assertThat(messages.get(0).get("binary").asBoolean()).isFalse();
            assertThat(messages.get(1).get("data").asString()).isEqualTo("CQgH");
            assertThat(messages.get(1).get("binary").asBoolean()).isTrue();

            // a channel the backend opens on the established association
            JsonNode created = ok(call("POST", "/v1/peers/" + id + "/channels", "application/json",
                    "{\"label\":\"from-backend\",\"ordered\":false,\"maxRetransmits\":0}"), 201);
            io.sluice.peer.api.RTCDataChannel fromBackend = remoteOpened.get(10, TimeUnit.SECONDS);
            assertThat(fromBackend.label()).isEqualTo("from-backend");
            assertThat(fromBackend.ordered()).isFalse();
            assertThat(ok(call("GET", "/v1/peers/" + id + "/channels", null, null), 200).size()).isEqualTo(2);

            // errors: too large (413), unknown channel (404), closed channel (409)
            String big = "x".repeat(262145);
            assertThat(call("POST", "/v1/peers/" + id + "/channels/" + cid + "/messages", "text/plain", big)
                    .statusCode()).isEqualTo(413);
            assertThat(call("POST", "/v1/peers/" + id + "/channels/nope/messages", "text/plain", "x").statusCode())
                    .isEqualTo(404);
            ok(call("DELETE", "/v1/peers/" + id + "/channels/" + cid, null, null), 204);
            assertThat(atRemote.poll(10, TimeUnit.SECONDS)).isEqualTo("<closed>");
            JsonNode closedSend = ok(call("POST", "/v1/peers/" + id + "/channels/" + cid + "/messages", "text/plain",
                    "late"), 409);
            assertThat(closedSend.get("name").asString()).isEqualTo("InvalidStateError");
            assertThat(created.get("channelId").asString()).isNotEqualTo(cid);
            JsonNode in = ok(call("GET", "/actuator/metrics/sluice.messages?tag=direction:in", null, null), 200);
            assertThat(in.get("measurements").get(0).get("value").asDouble()).isGreaterThanOrEqualTo(2.0);
            JsonNode setup = ok(call("GET", "/actuator/metrics/sluice.peer.setup", null, null), 200);
            assertThat(setup.get("measurements").get(0).get("value").asDouble()).isGreaterThanOrEqualTo(1.0);
        }
    }

    private void forwardCandidates(List<JsonNode> events, LoopbackRemote remote) {
        for (JsonNode e : events) {
            JsonNode c = e.get("candidate");
            if (e.get("type").asString().equals("icecandidate") && c != null && !c.isNull()
                    && !c.get("candidate").asString().isEmpty() && !e.has("forwarded")) {
                ((tools.jackson.databind.node.ObjectNode) e).put("forwarded", true);
                remote.pc.addIceCandidate(new RTCIceCandidateInit(c.get("candidate").asString(),
                        c.get("sdpMid").asString(), null, null));
            }
        }
        Thread.onSpinWait();
    }

    @Test
    void perPeerLimitsApply() throws Exception {
        String id = ok(call("POST", "/v1/peers", "application/json",
                "{\"limits\":{\"maxChannels\":1}}"), 201).get("id").asString();
        try {
            ok(call("POST", "/v1/peers/" + id + "/channels", "application/json", "{\"label\":\"one\"}"), 201);
            ok(call("POST", "/v1/peers/" + id + "/channels", "application/json", "{\"label\":\"two\"}"), 429);
            JsonNode bad = ok(call("POST", "/v1/peers", "application/json", "{\"limits\":{\"maxChannels\":0}}"), 400);
            assertThat(bad.get("name").asString()).isEqualTo("TypeError");
        } finally {
            ok(call("DELETE", "/v1/peers/" + id, null, null), 204);
        }
    }

    @Test
    void generateCertificateAndCreateAPeerWithIt() throws Exception {
        JsonNode cert = ok(call("POST", "/v1/certificates", "application/json", "{}"), 201);
        String fingerprint = cert.get("fingerprints").get(0).get("value").asString();
        assertThat(cert.get("fingerprints").get(0).get("algorithm").asString()).isEqualTo("sha-256");
        assertThat(cert.get("expires").asLong()).isGreaterThan(System.currentTimeMillis());
        JsonNode rsa = ok(call("POST", "/v1/certificates", "application/json",
                "{\"name\":\"RSASSA-PKCS1-v1_5\",\"modulusLength\":2048,\"hash\":\"SHA-256\"}"), 201);
        assertThat(rsa.get("id").asString()).isNotEqualTo(cert.get("id").asString());
        JsonNode p384 = ok(call("POST", "/v1/certificates", "application/json",
                "{\"name\":\"ECDSA\",\"namedCurve\":\"P-384\"}"), 422);
        assertThat(p384.get("name").asString()).isEqualTo("NotSupportedError");

        String id = ok(call("POST", "/v1/peers", "application/json", "{\"configuration\":{\"certificates\":[\""
                + cert.get("id").asString() + "\"]}}"), 201).get("id").asString();
        try {
            ok(call("POST", "/v1/peers/" + id + "/channels", "application/json", "{\"label\":\"x\"}"), 201);
            JsonNode offer = ok(call("POST", "/v1/peers/" + id + "/offer", null, null), 200);
            assertThat(offer.get("sdp").asString()).contains("a=fingerprint:sha-256 " + fingerprint);
            JsonNode change = ok(call("PUT", "/v1/peers/" + id + "/configuration", "application/json",
                    "{\"certificates\":[\"" + rsa.get("id").asString() + "\"]}"), 409);
            assertThat(change.get("name").asString()).isEqualTo("InvalidModificationError");
        } finally {
            ok(call("DELETE", "/v1/peers/" + id, null, null), 204);
        }
        JsonNode unknown = ok(call("POST", "/v1/peers", "application/json",
                "{\"configuration\":{\"certificates\":[\"nope\"]}}"), 400);
        assertThat(unknown.get("name").asString()).isEqualTo("InvalidAccessError");
    }

    @Test
    void oneCallFormWithTheLoopbackBridgeEchoes() throws Exception {
        try (LoopbackRemote remote = new LoopbackRemote()) {
            java.util.concurrent.LinkedBlockingQueue<Object> echoes = new java.util.concurrent.LinkedBlockingQueue<>();
            java.util.concurrent.CompletableFuture<Void> open = new java.util.concurrent.CompletableFuture<>();
            io.sluice.peer.api.RTCDataChannel ch = remote.pc.createDataChannel("telemetry", null,
                    new io.sluice.peer.api.DataChannelListener() {
                        @Override
                        public void onOpen() {
                            open.complete(null);
                        }

                        @Override
                        public void onMessage(String text) {
                            echoes.add(text);
                        }

                        @Override
                        public void onMessage(byte[] data) {
                            echoes.add(data);
                        }
                    });
            HttpResponse<String> r = call("POST", "/v1/whip?bridge=loopback", "application/sdp",
                    remote.completeOffer(false));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            remote.pc.setRemoteDescription(RTCSessionDescription.answer(r.body())).get(5, TimeUnit.SECONDS);
            open.get(20, TimeUnit.SECONDS);
            ch.send("ping");
            assertThat(echoes.poll(10, TimeUnit.SECONDS)).isEqualTo("ping");
            ch.send(new byte[] {1, 2, 3});
            assertThat((byte[]) echoes.poll(10, TimeUnit.SECONDS)).containsExactly(1, 2, 3);
            ok(call("DELETE", r.headers().firstValue("Location").orElseThrow(), null, null), 200);
        }
        JsonNode unknown = ok(call("POST", "/v1/whip?bridge=nowhere", "application/sdp", "v=0\r\n"), 422);
        assertThat(unknown.get("name").asString()).isEqualTo("NotSupportedError");
        JsonNode badPattern = ok(call("POST", "/v1/peers", "application/json",
                "{\"bridges\":[{\"channels\":\"(\",\"target\":\"loopback\"}]}"), 400);
        assertThat(badPattern.get("name").asString()).isEqualTo("SyntaxError");
        assertThat(ok(call("GET", "/v1/peers", null, null), 200).size()).isZero();
    }
}
