package io.sluice.gateway.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.sluice.gateway.peers.PeerEvent;
import io.sluice.gateway.peers.PeerRegistry;
import io.sluice.peer.interop.Interop;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Callbacks on a gateway with two tenants: each owner's callbacks are signed with a secret of its
 * own that only it can obtain; a callback host that resolves to a public address when declared
 * and to loopback when posted is refused at the post (the connection goes to the address checked);
 * ambiguous address spellings and the newly refused ranges are refused when declared; an answer
 * that trickles its body is cut at the deadline; oversized request bodies are refused before they
 * are read. Every packet goes to loopback: the "public" address a test resolver answers is never
 * connected to (it is answered only to the declaration's check, which does not connect).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1", "sluice.limits.requests-per-second=0",
    "sluice.security.api-keys.alice=key-of-alice", "sluice.security.api-keys.bob=key-of-bob",
    "sluice.bridges.http.secret=gateway-secret", "sluice.bridges.http.max-attempts=2",
    "sluice.bridges.http.initial-backoff=50ms", "sluice.bridges.http.timeout=1s"})
@Timeout(90)
class HttpCallbackTenancyTest {

    /** A callback as the target received it. */
    record Captured(Map<String, List<String>> headers, byte[] body) {
    }

    static final List<Captured> hooks = new CopyOnWriteArrayList<>();
    static final AtomicInteger trickles = new AtomicInteger();
    static final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
    static HttpServer server;

    /** Not contacted: answered to the declaration's check only (see the class comment). */
    static final String PUBLIC_ADDRESS = "93.184.215.14";

    @DynamicPropertySource
    static void callbackServer(DynamicPropertyRegistry registry) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
            hooks.add(new Captured(headers, body));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.createContext("/trickle", ex -> {
            ex.getRequestBody().readAllBytes();
            trickles.incrementAndGet();
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, 0); // chunked: headers now, the body never ends
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            try {
                while (System.nanoTime() < end) {
                    ex.getResponseBody().write('.');
                    ex.getResponseBody().flush();
                    Thread.sleep(100);
                }
            } catch (java.io.IOException | InterruptedException gone) {
                // the gateway hung up
            }
            ex.close();
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        int p = server.getAddress().getPort();
        registry.add("sluice.bridges.http.allowed-hosts", () -> "127.0.0.1:" + p + ",pinned.test:" + p);
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    /**
     * Names only this test knows: {@code rebind.test} answers a public address the first time and
     * loopback after; {@code pinned.test} is loopback (and allowed). Anything else: the system's.
     */
    @TestConfiguration
    static class Names {
        @Bean
        CallbackResolver callbackResolver() {
            return host -> {
                int n = lookups.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
                switch (host) {
                    case "rebind.test":
                        return new InetAddress[] {InetAddress.getByName(n == 1 ? PUBLIC_ADDRESS : "127.0.0.1")};
                    case "pinned.test":
                        return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
                    default:
                        if (host.endsWith(".test")) {
                            throw new UnknownHostException(host);
                        }
                        return CallbackResolver.SYSTEM.resolve(host);
                }
            };
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    PeerRegistry registry;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    private HttpResponse<String> call(String key, String method, String path, String type,
            HttpRequest.BodyPublisher body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body)
                .header("Content-Type", type);
        if (key != null) {
            b.header("X-API-Key", key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> call(String key, String method, String path, String body) throws Exception {
        return call(key, method, path, "application/json",
                body == null ? null : HttpRequest.BodyPublishers.ofString(body));
    }

    private String secretOf(String key) throws Exception {
        HttpResponse<String> r = call(key, "GET", "/v1/bridges/http/signing-secret", null);
        assertThat(r.statusCode()).isEqualTo(200);
        return json.readTree(r.body()).get("secret").asString();
    }

    /** A peer of {@code key}'s owner whose events go to {@code url}, with an event set off. */
    private String peerPostingEventsTo(String key, String url) throws Exception {
        HttpResponse<String> created = call(key, "POST", "/v1/peers", "{\"bridges\":[{\"target\":\"http\",\"url\":\""
                + url + "\",\"events\":true}]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = json.readTree(created.body()).get("id").asString();
        HttpResponse<String> ch = call(key, "POST", "/v1/peers/" + id + "/channels", "{\"label\":\"x\"}");
        assertThat(ch.statusCode()).as(ch.body()).isEqualTo(201);
        return id;
    }

    private Captured hookOf(String peerId) {
        Interop.waitFor(() -> hooks.stream().anyMatch(h -> peerId.equals(first(h, "X-Sluice-Peer"))),
                Duration.ofSeconds(10), "a callback of " + peerId);
        return hooks.stream().filter(h -> peerId.equals(first(h, "X-Sluice-Peer"))).findFirst().orElseThrow();
    }

    private static String first(Captured c, String header) {
        List<String> v = c.headers().get(header);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private PeerEvent deadLetterOf(String peerId, String owner) {
        Interop.waitFor(() -> registry.get(peerId, owner).events().recent().stream()
                .anyMatch(e -> e.type().equals("deadletter")), Duration.ofSeconds(15), "a deadletter event");
        return registry.get(peerId, owner).events().recent().stream().filter(e -> e.type().equals("deadletter"))
                .findFirst().orElseThrow();
    }

    @Test
    void eachOwnerSignsWithItsOwnSecretThatOnlyItObtains() throws Exception {
        String alice = secretOf("key-of-alice");
        String bob = secretOf("key-of-bob");
        assertThat(alice).isNotEqualTo(bob).hasSizeGreaterThanOrEqualTo(43);
        assertThat(secretOf("key-of-alice")).isEqualTo(alice);
        assertThat(json.readTree(call("key-of-bob", "GET", "/v1/bridges/http/signing-secret", null).body())
                .get("owner").asString()).isEqualTo("bob");
        assertThat(call(null, "GET", "/v1/bridges/http/signing-secret", null).statusCode()).isEqualTo(401);
        assertThat(call("not-a-key", "GET", "/v1/bridges/http/signing-secret", null).statusCode()).isEqualTo(401);

        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        Captured fromAlice = hookOf(peerPostingEventsTo("key-of-alice", url));
        Captured fromBob = hookOf(peerPostingEventsTo("key-of-bob", url));
        assertThat(CallbackRecipe.verify(alice, fromAlice.headers(), fromAlice.body())).isTrue();
        assertThat(CallbackRecipe.verify(bob, fromBob.headers(), fromBob.body())).isTrue();
        // Alice's callback, replayed to Bob's endpoint, does not verify there, and the other way round.
        assertThat(CallbackRecipe.verify(bob, fromAlice.headers(), fromAlice.body())).isFalse();
        assertThat(CallbackRecipe.verify(alice, fromBob.headers(), fromBob.body())).isFalse();
        // Nor with the gateway-wide secret, nor with the secret of a gateway without keys.
        assertThat(CallbackRecipe.verify("gateway-secret", fromAlice.headers(), fromAlice.body())).isFalse();
        assertThat(first(fromAlice, "X-Sluice-Delivery")).isNotEqualTo(first(fromBob, "X-Sluice-Delivery"));
    }

    @Test
    void aHostThatRebindsToLoopbackIsRefusedWhenPostedAndNothingReachesIt() throws Exception {
        lookups.remove("rebind.test");
        int before = hooks.size();
        String url = "http://rebind.test:" + server.getAddress().getPort() + "/hook";
        // Declared: the check resolves rebind.test to a public address and accepts it (no connection).
        String id = peerPostingEventsTo("key-of-alice", url);
        PeerEvent dead = deadLetterOf(id, "alice");
        assertThat(dead.data().get("reason").toString()).contains("refused address").contains("127.0.0.1");
        assertThat(lookups.get("rebind.test").get()).isGreaterThanOrEqualTo(3); // declaration + each try
        assertThat(hooks.subList(before, hooks.size())).noneMatch(h -> id.equals(first(h, "X-Sluice-Peer")));
    }

    @Test
    void theConnectionGoesToTheAddressTheCheckResolvedWithTheOriginalHost() throws Exception {
        lookups.remove("pinned.test");
        // pinned.test exists only in the test's resolver: the request arrives only if the client
        // connected to the address that resolver answered, not to one it looked up itself.
        String url = "http://pinned.test:" + server.getAddress().getPort() + "/hook";
        Captured c = hookOf(peerPostingEventsTo("key-of-alice", url));
        assertThat(first(c, "Host")).isEqualTo("pinned.test:" + server.getAddress().getPort());
        assertThat(lookups.get("pinned.test").get()).isGreaterThanOrEqualTo(2);
        assertThat(CallbackRecipe.verify(secretOf("key-of-alice"), c.headers(), c.body())).isTrue();
    }

    @Test
    void addressesInEverySpellingAndTheNewRangesAreRefusedWhenDeclared() throws Exception {
        int p = server.getAddress().getPort();
        int before = registry.list("alice").size();
        for (String url : new String[] {"http://127.1:" + p + "/", "http://2130706433:" + p + "/",
            "http://0x7f.1:" + p + "/", "http://0x7f000001:" + p + "/", "http://0177.0.0.1:" + p + "/",
            "http://127.0.0.1.:" + p + "/", "http://0/", "http://0.0.0.0/", "http://0.1.2.3/",
            "http://[::]/", "http://[::1]/", "http://[::ffff:127.0.0.1]:" + p + "/", "http://[::ffff:8.8.8.8]/",
            "http://[0:0:0:0:0:ffff:7f00:1]/", "http://[::127.0.0.1]/", "http://[64:ff9b::808:808]/",
            "http://[64:ff9b::7f00:1]/", "http://100.64.0.1/", "http://100.127.255.254/", "http://198.18.0.1/",
            "http://198.19.255.1/", "http://[fe80::1]/", "http://[fc00::1]/", "http://[2002:7f00:1::1]/",
            "http://192.168.1.1/", "http://172.16.0.1/", "http://224.0.0.1/", "http://255.255.255.255/"}) {
            HttpResponse<String> r = call("key-of-alice", "POST", "/v1/peers",
                    "{\"bridges\":[{\"target\":\"http\",\"url\":\"" + url + "\"}]}");
            assertThat(r.statusCode()).as(url + " " + r.body()).isEqualTo(400);
            // InvalidAccessError from the check; SyntaxError where java.net.URI finds no host at all
            // (127.1, 2130706433, 0x7f.1): either way refused (CallbackTargetsTest checks the spellings alone).
            assertThat(json.readTree(r.body()).get("name").asString()).as(url)
                    .isIn("InvalidAccessError", "SyntaxError");
        }
        // A zone id: refused whether the URL parser takes it or not.
        HttpResponse<String> zone = call("key-of-alice", "POST", "/v1/peers",
                "{\"bridges\":[{\"target\":\"http\",\"url\":\"http://[fe80::1%25lo]:" + p + "/\"}]}");
        assertThat(zone.statusCode()).isEqualTo(400);
        assertThat(registry.list("alice")).hasSize(before);
    }

    @Test
    void anAnswerThatTricklesItsBodyIsCutAtTheDeadline() throws Exception {
        trickles.set(0);
        String id = peerPostingEventsTo("key-of-alice", "http://127.0.0.1:" + server.getAddress().getPort()
                + "/trickle");
        // Two tries of a 1 s deadline and a short backoff; the target would trickle for 30 s.
        PeerEvent dead = deadLetterOf(id, "alice");
        assertThat(dead.data().get("reason").toString()).contains("whole exchange");
        assertThat(dead.data()).containsEntry("attempts", 2);
        assertThat(trickles.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void anOversizedRequestBodyIs413AndChangesNothing() throws Exception {
        int before = registry.list("alice").size();
        String json2mb = "{\"metadata\":{\"a\":\"b\"}}" + " ".repeat(2 * 1024 * 1024);
        // With a Content-Length: refused before a byte is read.
        HttpResponse<String> sized = call("key-of-alice", "POST", "/v1/peers", json2mb);
        assertThat(sized.statusCode()).isEqualTo(413);
        JsonNode problem = json.readTree(sized.body());
        assertThat(problem.get("type").asString()).isEqualTo("urn:sluice:error:LimitExceeded");
        assertThat(problem.get("detail").asString()).contains("sluice.requests.max-body-bytes");
        // Chunked (no length): refused once past the cap.
        HttpResponse<String> chunked = call("key-of-alice", "POST", "/v1/peers", "application/json",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                        json2mb.getBytes(StandardCharsets.UTF_8))));
        assertThat(chunked.statusCode()).isEqualTo(413);
        // The one-call form too.
        HttpResponse<String> whip = call("key-of-alice", "POST", "/v1/whip", "application/sdp",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                        ("v=0\r\n" + "a=x\r\n".repeat(400_000)).getBytes(StandardCharsets.US_ASCII))));
        assertThat(whip.statusCode()).isEqualTo(413);
        assertThat(registry.list("alice")).hasSize(before);
        // A chunked body within the cap goes through whole.
        HttpResponse<String> small = call("key-of-alice", "POST", "/v1/peers", "application/json",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                        "{\"metadata\":{\"a\":\"b\"}}".getBytes(StandardCharsets.UTF_8))));
        assertThat(small.statusCode()).as(small.body()).isEqualTo(201);
        assertThat(json.readTree(small.body()).get("metadata").get("a").asString()).isEqualTo("b");
        call("key-of-alice", "DELETE", "/v1/peers/" + json.readTree(small.body()).get("id").asString(), null);
    }
}
