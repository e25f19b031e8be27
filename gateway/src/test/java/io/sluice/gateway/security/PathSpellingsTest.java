package io.sluice.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.peers.ManagedPeer;
import io.sluice.gateway.testing.LoopbackRemote;
import io.sluice.gateway.testing.RawHttp;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Every spelling of a protected path is either refused as ambiguous (400) or authorized as the
 * router reads it: {@code ;} parameters, percent-encoding, {@code //}, {@code /./}, {@code ..}
 * and case, over REST, the WebSocket upgrade, the event stream, the actuator and the one-call form.
 * Requests are written byte for byte so no client normalises the path first.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1",
    "sluice.security.api-keys.alice=key-of-alice", "sluice.security.api-keys.bob=key-of-bob",
    "sluice.limits.requests-per-second=0", "sluice.timeouts.drain=1s"})
@Timeout(120)
class PathSpellingsTest extends RunningGateway {

    /** Spellings of {@code /v1} that a naive prefix test on the raw URI does not see as {@code /v1}. */
    static final List<String> V1 = List.of("/v1;x", "/%76%31", "/%761", "//v1", "/./v1", "/x/../v1", "/%2e/v1",
            "/V1", "/v1;jsessionid=1");

    /** Spellings of what follows {@code /v1}, for a resource {@code name}. */
    static List<String> tails(String name) {
        String encoded = "%" + Integer.toHexString(name.charAt(0)) + name.substring(1);
        return List.of("/" + name + ";x", "/" + encoded, "//" + name, "/./" + name, "/x/../" + name,
                "/x/%2e%2e/" + name, "%2f" + name, "/" + name.toUpperCase(java.util.Locale.ROOT), "/" + name + "/");
    }

    static List<String> spellings(String name) {
        List<String> all = new ArrayList<>();
        for (String v1 : V1) {
            all.add(v1 + "/" + name);
        }
        for (String tail : tails(name)) {
            all.add("/v1" + tail);
        }
        return all;
    }

    static final List<String> ACTUATOR_PEERS = List.of("/%61ctuator/peers", "/actuator;x/peers", "/actuator/peers;x",
            "//actuator/peers", "/./actuator/peers", "/actuator/health/../peers", "/actuator/health/..;/peers",
            "/actuator/health/%2e%2e/peers", "/actuator/health;/../peers", "/ACTUATOR/peers", "/actuator/%70eers",
            "/actuator/peers/", "/%61ctuator/metrics", "/actuator/health/../metrics", "/actuator/health/../prometheus");

    static final String[] UPGRADE = {"Upgrade", "websocket", "Connection", "Upgrade",
        "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version", "13"};

    String offer;
    LoopbackRemote remote;
    String alicesPeer;

    @BeforeEach
    void setUp() throws Exception {
        remote = new LoopbackRemote();
        offer = remote.completeOffer();
        RawHttp.Response created = RawHttp.send(port, "POST", "/v1/peers", "{}", "Content-Type", "application/json",
                "X-API-Key", "key-of-alice");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        alicesPeer = created.header("Location").substring(created.header("Location").lastIndexOf('/') + 1);
    }

    @AfterEach
    void closeRemote() {
        remote.close();
    }

    /** Who may have gone through: a request without a key gets 400 (ambiguous) or 401, nothing else. */
    private void refused(SoftAssertions soft, String what, RawHttp.Response r) {
        soft.assertThat(r.status()).as(what + " -> " + r).isIn(400, 401);
    }

    @Test
    void noSpellingOfAProtectedPathGoesThroughWithoutAKey() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        for (String p : spellings("peers")) {
            refused(soft, "POST " + p, RawHttp.send(port, "POST", p, "{}", "Content-Type", "application/json"));
            refused(soft, "GET " + p, RawHttp.send(port, "GET", p, null));
        }
        for (String p : spellings("ws")) {
            refused(soft, "upgrade " + p, RawHttp.send(port, "GET", p, null, UPGRADE));
        }
        for (String p : spellings("peers/" + alicesPeer + "/events")) {
            refused(soft, "SSE " + p, RawHttp.send(port, "GET", p, null, "Accept", "text/event-stream"));
        }
        for (String p : spellings("whip")) {
            refused(soft, "POST " + p, RawHttp.send(port, "POST", p, offer, "Content-Type", "application/sdp"));
        }
        for (String p : spellings("whip/" + alicesPeer)) {
            refused(soft, "DELETE " + p, RawHttp.send(port, "DELETE", p, null));
        }
        for (String p : ACTUATOR_PEERS) {
            refused(soft, "GET " + p, RawHttp.send(port, "GET", p, null));
        }
        soft.assertThat(registry.all()).as("peers after the attempts").extracting(ManagedPeer::owner)
                .containsExactly("alice");
        soft.assertAll();
    }

    @Test
    void ambiguousSpellingsAreRefusedAs400ProblemsEvenWithAKey() throws Exception {
        List<String> ambiguous = List.of("/v1;x/peers", "/v1/peers;x", "//v1/peers", "/v1//peers", "/./v1/peers",
                "/v1/./peers", "/x/../v1/peers", "/v1/x/../peers", "/%2e/v1/peers", "/v1/x/%2e%2e/peers",
                "/v1;jsessionid=1/peers", "/v1%2fpeers", "/v1%2Fpeers", "/v1%5cpeers", "/v1/%252e/peers");
        SoftAssertions soft = new SoftAssertions();
        for (String p : ambiguous) {
            RawHttp.Response r = RawHttp.send(port, "POST", p, "{}", "Content-Type", "application/json",
                    "X-API-Key", "key-of-alice");
            soft.assertThat(r.status()).as("POST " + p + " -> " + r).isEqualTo(400);
            soft.assertThat(r.header("Content-Type")).as("POST " + p).startsWith("application/problem+json");
            soft.assertThat(r.body()).as("POST " + p).contains("\"status\":400", "urn:sluice:error:");
        }
        // what HTTP itself does not allow in a path the server refuses before any routing, with a bare 400
        for (String p : List.of("/v1/peers%00", "/v1\\peers")) {
            RawHttp.Response r = RawHttp.send(port, "POST", p, "{}", "Content-Type", "application/json",
                    "X-API-Key", "key-of-alice");
            soft.assertThat(r.status()).as("POST " + p + " -> " + r).isEqualTo(400);
        }
        soft.assertThat(registry.all()).as("peers after the attempts").hasSize(1);
        soft.assertAll();
    }

    @Test
    void encodedSpellingsAreAuthorizedAsTheRouterReadsThem() throws Exception {
        RawHttp.Response created = RawHttp.send(port, "POST", "/%76%31/%70eers", "{}", "Content-Type",
                "application/json", "Authorization", "Bearer key-of-bob");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.header("Location").substring(created.header("Location").lastIndexOf('/') + 1);
        assertThat(registry.find(id).owner()).isEqualTo("bob");
        // bob does not see alice's peer however he spells it
        for (String p : List.of("/%76%31/peers/" + alicesPeer, "/v1/peers/%" + Integer.toHexString(alicesPeer.charAt(0))
                + alicesPeer.substring(1))) {
            assertThat(RawHttp.send(port, "GET", p, null, "X-API-Key", "key-of-bob").status()).as(p).isEqualTo(404);
        }
        // the router is case-sensitive: /V1 is no route, with or without a key
        assertThat(RawHttp.send(port, "POST", "/V1/peers", "{}", "Content-Type", "application/json", "X-API-Key",
                "key-of-alice").status()).isEqualTo(404);
        assertThat(registry.all()).extracting(ManagedPeer::owner).containsExactlyInAnyOrder("alice", "bob");
    }

    @Test
    void theWebSocketUpgradeAndTheOneCallFormNeedAKeyAndCarryItsOwner() throws Exception {
        assertThat(RawHttp.send(port, "GET", "/v1/ws", null, UPGRADE).status()).isEqualTo(401);
        assertThat(RawHttp.send(port, "GET", "/v1/ws", null, concat(UPGRADE, "X-API-Key", "wrong")).status())
                .isEqualTo(401);
        assertThat(RawHttp.send(port, "GET", "/v1/ws", null, concat(UPGRADE, "X-API-Key", "key-of-bob")).status())
                .isEqualTo(101);
        RawHttp.Response whip = RawHttp.send(port, "POST", "/%76%31/whip", offer, "Content-Type", "application/sdp",
                "X-API-Key", "key-of-bob");
        assertThat(whip.status()).as(whip.toString()).isEqualTo(201);
        String id = whip.header("Location").substring("/v1/whip/".length());
        assertThat(registry.find(id).owner()).isEqualTo("bob");
        assertThat(RawHttp.send(port, "DELETE", "/v1/whip/" + id, null, "X-API-Key", "key-of-alice").status())
                .isEqualTo(404);
        // the one-call peer has events already, so its stream answers at once
        RawHttp.Response events = RawHttp.send(port, "GET", "/%76%31/peers/" + id + "/events", null, "Accept",
                "text/event-stream", "X-API-Key", "key-of-bob");
        assertThat(events.status()).isEqualTo(200);
        assertThat(events.header("Content-Type")).startsWith("text/event-stream");
        assertThat(RawHttp.send(port, "GET", "/v1/peers/" + id + "/events", null, "Accept",
                "text/event-stream", "X-API-Key", "key-of-alice").status()).isEqualTo(404);
    }

    static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
