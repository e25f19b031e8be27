package io.sluice.gateway.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.sluice.gateway.peers.PeerEvent;
import io.sluice.gateway.peers.PeerRegistry;
import io.sluice.gateway.testing.RemotePeer;
import io.sluice.peer.interop.Interop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP callback bridge against a callback server inside the test: signatures, the reply on the
 * channel, retries, the dead letter, and the refusal of private targets.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1", "sluice.limits.requests-per-second=0",
    "sluice.bridges.http.secret=s3cret", "sluice.bridges.http.max-attempts=3",
    "sluice.bridges.http.initial-backoff=50ms"})
@Timeout(60)
class HttpCallbackBridgeTest {

    /** What the callback server answers: "ok" echoes "ack:" + body, "flaky" fails twice per message, "down" always 500. */
    static volatile String mode = "ok";
    static final AtomicInteger failures = new AtomicInteger();
    static final List<String> seen = new CopyOnWriteArrayList<>();
    static final AtomicInteger badSignatures = new AtomicInteger();
    static final List<String> events = new CopyOnWriteArrayList<>();
    static final List<String> batches = new CopyOnWriteArrayList<>();
    static final AtomicInteger bigRequests = new AtomicInteger();
    static HttpServer server;
    /** A callback as the target received it. */
    record Captured(java.util.Map<String, List<String>> headers, byte[] body) {
    }
    static final List<Captured> captured = new CopyOnWriteArrayList<>();
    /** This gateway's signing secret for its (ownerless) peers, as the API gives it. */
    static volatile String secret;
    static volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(0);

    @DynamicPropertySource
    static void callbackServer(DynamicPropertyRegistry registry) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (!CallbackRecipe.verify(secret, ex.getRequestHeaders(), body)) {
                badSignatures.incrementAndGet();
            }
            seen.add(ex.getRequestHeaders().getFirst("X-Sluice-Seq") + ":" + new String(body, StandardCharsets.UTF_8));
            if (mode.equals("blocked")) {
                try {
                    gate.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int status = 200;
            if (mode.equals("down") || (mode.equals("flaky") && failures.incrementAndGet() % 3 != 0)) {
                status = 500;
            }
            byte[] reply = status == 200 ? ("ack:" + new String(body, StandardCharsets.UTF_8)).getBytes(
                    StandardCharsets.UTF_8) : new byte[0];
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(status, reply.length == 0 ? -1 : reply.length);
            if (reply.length > 0) {
                ex.getResponseBody().write(reply);
            }
            ex.close();
        });
        server.createContext("/batch", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (!CallbackRecipe.verify(secret, ex.getRequestHeaders(), body)) {
                badSignatures.incrementAndGet();
            }
            batches.add(ex.getRequestHeaders().getFirst("X-Sluice-Seq") + "/"
                    + ex.getRequestHeaders().getFirst("X-Sluice-Count") + " " + new String(body, StandardCharsets.UTF_8));
            try {
                Thread.sleep(100); // slow, so that messages gather
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.createContext("/big", ex -> {
            ex.getRequestBody().readAllBytes();
            bigRequests.incrementAndGet();
            byte[] reply = new byte[300 * 1024];
            ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
            ex.sendResponseHeaders(200, reply.length);
            try {
                ex.getResponseBody().write(reply);
            } catch (java.io.IOException closedEarly) {
                // the gateway stops reading past its limit
            }
            ex.close();
        });
        server.createContext("/events", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            boolean signed = CallbackRecipe.verify(secret, ex.getRequestHeaders(), body);
            events.add((signed ? "signed " : "unsigned ") + ex.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(body, StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.createContext("/capture", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            java.util.Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
            captured.add(new Captured(headers, body));
            byte[] reply = ("ack:" + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, reply.length);
            ex.getResponseBody().write(reply);
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
        registry.add("sluice.bridges.http.allowed-hosts", () -> "127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @LocalServerPort
    int port;

    @Autowired
    PeerRegistry registry;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        return RemotePeer.call(port, method, path, body);
    }

    @org.junit.jupiter.api.BeforeEach
    void signingSecret() throws Exception {
        HttpResponse<String> r = call("GET", "/v1/bridges/http/signing-secret", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        secret = json.readTree(r.body()).get("secret").asString();
    }

    /** A peer-core remote connected to a gateway peer whose channel "cb" is bridged to the callback server. */
    private RemotePeer connect() throws Exception {
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        return RemotePeer.connect(port, "{\"bridges\":[{\"channels\":\"cb\",\"target\":\"http\",\"url\":\""
                + url + "\"}]}", "cb");
    }

    @Test
    void messagesArePostedSignedInOrderAndTheReplyComesBack() throws Exception {
        mode = "ok";
        seen.clear();
        badSignatures.set(0);
        RemotePeer s = connect();
        try {
            for (int i = 0; i < 5; i++) {
                s.channel("cb").send("m" + i);
            }
            for (int i = 0; i < 5; i++) {
                assertThat(s.next("cb", Duration.ofSeconds(10))).isEqualTo("ack:m" + i);
            }
            assertThat(seen).containsExactly("1:m0", "2:m1", "3:m2", "4:m3", "5:m4");
            assertThat(badSignatures.get()).isZero();
        } finally {
            s.close();
        }
    }

    /**
     * The documented recipe verifies a real callback; changing, removing or adding any signed
     * header, or the body, breaks it; so does a timestamp outside the replay window.
     */
    @Test
    void everyHeaderTheReceiverReliesOnIsSigned() throws Exception {
        captured.clear();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/capture";
        try (RemotePeer s = RemotePeer.connect(port, "{\"bridges\":[{\"channels\":\"sig\",\"target\":\"http\",\"url\":\""
                + url + "\"}]}", "sig")) {
            s.channel("sig").send("pay 10 to alice");
            assertThat(s.next("sig", Duration.ofSeconds(10))).isEqualTo("ack:pay 10 to alice");
        }
        Captured c = captured.get(0);
        assertThat(CallbackRecipe.verify(secret, c.headers(), c.body())).isTrue();
        List<String> signed = c.headers().keySet().stream().filter(h -> h.equalsIgnoreCase("Content-Type")
                || h.toLowerCase(java.util.Locale.ROOT).startsWith("x-sluice-")
                && !h.equalsIgnoreCase("X-Sluice-Signature")).toList();
        assertThat(signed.stream().map(h -> h.toLowerCase(java.util.Locale.ROOT))).contains("content-type",
                "x-sluice-peer", "x-sluice-channel", "x-sluice-label", "x-sluice-type", "x-sluice-seq",
                "x-sluice-timestamp", "x-sluice-delivery");
        for (String h : signed) {
            java.util.Map<String, List<String>> changed = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            changed.putAll(c.headers());
            String v = c.headers().get(h).get(0);
            changed.put(h, List.of(v.isEmpty() ? "x" : v.substring(0, v.length() - 1)
                    + (v.charAt(v.length() - 1) == '1' ? '2' : '1')));
            assertThat(CallbackRecipe.verify(secret, changed, c.body())).as("changed " + h).isFalse();
            changed.remove(h);
            assertThat(CallbackRecipe.verify(secret, changed, c.body())).as("without " + h).isFalse();
        }
        java.util.Map<String, List<String>> extra = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        extra.putAll(c.headers());
        extra.put("X-Sluice-Peer-Override", List.of("p-other"));
        assertThat(CallbackRecipe.verify(secret, extra, c.body())).isFalse();
        assertThat(CallbackRecipe.verify(secret, c.headers(), "pay 99 to mallory".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        long ts = Long.parseLong(c.headers().get("X-Sluice-Timestamp").get(0));
        assertThat(CallbackRecipe.verify(secret, c.headers(), c.body(), ts + 6 * 60 * 1000)).isFalse();
        assertThat(CallbackRecipe.verify(secret, c.headers(), c.body(), ts + 4 * 60 * 1000)).isTrue();
    }

    /** A label outside Latin-1 goes percent-encoded in its header, and the channel keeps working. */
    @Test
    void aLabelOfAnyCharactersIsEncodedAndTheChannelKeepsWorking() throws Exception {
        captured.clear();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/capture";
        String label = "\u00fc \u2713/x";
        try (RemotePeer s = RemotePeer.connect(port, "{\"bridges\":[{\"target\":\"http\",\"url\":\"" + url
                + "\"}]}", label)) {
            s.channel(label).send("one");
            assertThat(s.next(label, Duration.ofSeconds(10))).isEqualTo("ack:one");
            s.channel(label).send("two");
            assertThat(s.next(label, Duration.ofSeconds(10))).isEqualTo("ack:two");
        }
        assertThat(captured.get(0).headers().get("X-Sluice-Label")).containsExactly("%C3%BC%20%E2%9C%93%2Fx");
        assertThat(CallbackRecipe.verify(secret, captured.get(0).headers(), captured.get(0).body())).isTrue();
    }

    @Test
    void failuresAreRetriedThenDeadLettered() throws Exception {
        mode = "flaky";
        failures.set(0);
        seen.clear();
        RemotePeer s = connect();
        try {
            s.channel("cb").send("retry-me");
            assertThat(s.next("cb", Duration.ofSeconds(10))).isEqualTo("ack:retry-me");
            assertThat(seen).containsExactly("1:retry-me", "1:retry-me", "1:retry-me");
            assertThat(meters.get("sluice.bridge.http.requests").tag("outcome", "retried").counter().count())
                    .isGreaterThanOrEqualTo(2);

            mode = "down";
            s.channel("cb").send("lost-cause");
            Interop.waitFor(() -> registry.get(s.peerId, null).events().recent().stream()
                    .anyMatch(e -> e.type().equals("deadletter")), Duration.ofSeconds(10), "a deadletter event");
            PeerEvent dead = registry.get(s.peerId, null).events().recent().stream()
                    .filter(e -> e.type().equals("deadletter")).findFirst().orElseThrow();
            assertThat(dead.data()).containsEntry("data", "lost-cause").containsEntry("attempts", 3)
                    .containsEntry("label", "cb");
            assertThat(meters.get("sluice.bridge.http.messages").tag("outcome", "deadletter").counter().count())
                    .isGreaterThanOrEqualTo(1);
            // Order is kept: the next message goes after the dead one.
            mode = "ok";
            s.channel("cb").send("after");
            assertThat(s.next("cb", Duration.ofSeconds(10))).isEqualTo("ack:after");
        } finally {
            s.close();
        }
    }

    @Test
    void aBlockedTargetHoldsTheRemoteSenderBackAndNothingIsLost() throws Exception {
        mode = "blocked";
        gate = new java.util.concurrent.CountDownLatch(1);
        seen.clear();
        RemotePeer s = connect();
        try {
            int count = 200;
            byte[] filler = new byte[16 * 1024];
            java.util.Arrays.fill(filler, (byte) 'x');
            for (int i = 0; i < count; i++) {
                s.channel("cb").send(i + ":" + new String(filler, StandardCharsets.US_ASCII));
            }
            // The target answers nothing: the bridge queues, pauses the channel, SCTP's window shuts,
            // and the remote keeps the rest in its own buffer.
            Interop.waitFor(() -> s.channel("cb").bufferedAmount() > 1024 * 1024, Duration.ofSeconds(10),
                    "the remote's bufferedAmount growing");
            assertThat(seen.size()).isLessThanOrEqualTo(1);
            long before = s.channel("cb").bufferedAmount();
            gate.countDown();
            mode = "ok";
            Interop.waitFor(() -> seen.size() >= count, Duration.ofSeconds(30), "every message delivered");
            for (int i = 0; i < count; i++) {
                assertThat(seen.get(i)).startsWith((i + 1) + ":" + i + ":");
            }
            Interop.waitFor(() -> s.channel("cb").bufferedAmount() == 0, Duration.ofSeconds(10), "the remote drained");
            assertThat(before).isGreaterThan(0);
        } finally {
            gate.countDown();
            mode = "ok";
            s.close();
        }
    }

    @Test
    void batchesCarrySeveralMessagesInOrder() throws Exception {
        batches.clear();
        badSignatures.set(0);
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/batch";
        try (RemotePeer s = RemotePeer.connect(port, "{\"bridges\":[{\"channels\":\"b\",\"target\":\"http\",\"url\":\""
                + url + "\",\"batch\":10}]}", "b")) {
            for (int i = 0; i < 25; i++) {
                if (i % 2 == 0) {
                    s.channel("b").send("t" + i);
                } else {
                    s.channel("b").send(new byte[] {(byte) i});
                }
            }
            List<Long> seqs = new java.util.ArrayList<>();
            Interop.waitFor(() -> batches.stream().mapToInt(b -> Integer.parseInt(b.substring(b.indexOf('/') + 1,
                    b.indexOf(' ')))).sum() >= 25, Duration.ofSeconds(20), "25 messages delivered");
            for (String b : batches) {
                JsonNode body = json.readTree(b.substring(b.indexOf(' ') + 1));
                assertThat(body.get("messages").size()).isBetween(1, 10);
                assertThat(b).startsWith(body.get("messages").get(0).get("seq").asLong() + "/" + body.get("messages").size());
                for (JsonNode m : body.get("messages")) {
                    long n = m.get("seq").asLong();
                    seqs.add(n);
                    int i = (int) n - 1;
                    if (i % 2 == 0) {
                        assertThat(m.get("binary").asBoolean()).isFalse();
                        assertThat(m.get("data").asString()).isEqualTo("t" + i);
                    } else {
                        assertThat(java.util.Base64.getDecoder().decode(m.get("data").asString())).containsExactly(i);
                    }
                }
            }
            assertThat(seqs).isEqualTo(java.util.stream.LongStream.rangeClosed(1, 25).boxed().toList());
            assertThat(batches.size()).isLessThan(25);
            assertThat(badSignatures.get()).isZero();
        }
        HttpResponse<String> bad = call("POST", "/v1/peers", "{\"bridges\":[{\"target\":\"http\",\"url\":\"" + url
                + "\",\"batch\":0}]}");
        assertThat(json.readTree(bad.body()).get("name").asString()).isEqualTo("TypeError");
    }

    @Test
    void anOversizedReplyIsReportedNotHeld() throws Exception {
        bigRequests.set(0);
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/big";
        try (RemotePeer s = RemotePeer.connect(port, "{\"bridges\":[{\"channels\":\"r\",\"target\":\"http\",\"url\":\""
                + url + "\"}]}", "r")) {
            s.channel("r").send("give me a lot");
            Interop.waitFor(() -> registry.get(s.peerId, null).events().recent().stream()
                    .anyMatch(e -> e.type().equals("bridgeerror")), Duration.ofSeconds(10), "a bridgeerror event");
            assertThat(registry.get(s.peerId, null).events().recent().stream()
                    .filter(e -> e.type().equals("bridgeerror")).findFirst().orElseThrow().data().get("reason").toString())
                    .contains("max-reply-bytes");
            assertThat(s.next("r", Duration.ofMillis(500))).isNull();
            // Delivered (2xx): not retried, not dead-lettered.
            assertThat(bigRequests.get()).isEqualTo(1);
            assertThat(registry.get(s.peerId, null).events().recent()).noneMatch(e -> e.type().equals("deadletter"));
        }
    }

    @Test
    void peerEventsArePostedAsSignedCloudEvents() throws Exception {
        events.clear();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        try (RemotePeer s = RemotePeer.connect(port, "{\"bridges\":[{\"target\":\"http\",\"url\":\"" + base
                + "/events\",\"events\":true}]}", "quiet")) {
            Interop.waitFor(() -> events.stream().anyMatch(e -> e.contains("io.sluice.peer.connectionstatechange")
                    && e.contains("\"connected\"")), Duration.ofSeconds(10), "the connected event posted");
            s.channel("quiet").send("not an event");
            // Events are posted in order: once the channel's close event is in, the message came before it.
            s.channel("quiet").close();
            Interop.waitFor(() -> events.stream().anyMatch(e -> e.contains("io.sluice.peer.close\"")),
                    Duration.ofSeconds(10), "the channel's close event posted");
            assertThat(events).allSatisfy(e -> assertThat(e).startsWith("signed application/cloudevents+json")
                    .contains("\"specversion\":\"1.0\"").contains("\"subject\":\"" + s.peerId + "\"")
                    .doesNotContain("not an event"));
            for (String e : events) {
                io.sluice.gateway.testing.ContractSchemas.assertValid("cloudevent", e.substring(e.indexOf('{')));
            }
            // In order: sequence numbers increase.
            List<Long> seqs = events.stream().map(e -> json.readTree(e.substring(e.indexOf('{'))).get("sequence")
                    .asLong()).toList();
            assertThat(seqs).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void privateAndLoopbackTargetsAreRefused() throws Exception {
        for (String url : new String[] {"http://127.0.0.1:1/hook", "http://10.1.2.3/hook", "http://[::1]:8080/",
            "http://169.254.169.254/latest"}) {
            HttpResponse<String> r = call("POST", "/v1/peers",
                    "{\"bridges\":[{\"target\":\"http\",\"url\":\"" + url + "\"}]}");
            assertThat(r.statusCode()).as(url).isEqualTo(400);
            assertThat(json.readTree(r.body()).get("name").asString()).isEqualTo("InvalidAccessError");
        }
        HttpResponse<String> notHttp = call("POST", "/v1/peers", "{\"bridges\":[{\"target\":\"http\",\"url\":\"ftp://x/\"}]}");
        assertThat(json.readTree(notHttp.body()).get("name").asString()).isEqualTo("SyntaxError");
    }
}
