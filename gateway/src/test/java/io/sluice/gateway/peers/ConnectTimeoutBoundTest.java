package io.sluice.gateway.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.testing.RemotePeer;
import io.sluice.peer.interop.Interop;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/** A peer's own connect timeout is bounded by the gateway's: it cannot hold a slot for longer without connecting. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1",
            "sluice.limits.requests-per-second=0", "sluice.timeouts.drain=1s", "sluice.timeouts.connect=2s"})
@Timeout(60)
class ConnectTimeoutBoundTest {

    @LocalServerPort
    int port;
    @Autowired
    PeerRegistry registry;

    @Test
    void aLongerPeerTimeoutIsCutToTheGatewaysAndAShorterOneKept() throws Exception {
        String longer = JsonMapper.builder().build().readTree(RemotePeer.call(port, "POST", "/v1/peers",
                "{\"limits\":{\"connectTimeoutSeconds\":86400}}").body()).get("id").asString();
        String shorter = JsonMapper.builder().build().readTree(RemotePeer.call(port, "POST", "/v1/peers",
                "{\"limits\":{\"connectTimeoutSeconds\":1}}").body()).get("id").asString();
        ManagedPeer l = registry.find(longer);
        ManagedPeer s = registry.find(shorter);
        assertThat(registry.connectTimeout(l)).isEqualTo(Duration.ofSeconds(2));
        assertThat(registry.connectTimeout(s)).isEqualTo(Duration.ofSeconds(1));
        Interop.waitFor(() -> registry.find(longer) == null, Duration.ofSeconds(15),
                "the peer asking for a day was closed after the gateway's 2 s");
        assertThat(l.events().recent().stream().filter(e -> e.type().equals("closed")).findFirst().orElseThrow()
                .data().get("reason").toString()).contains("PT2S");
        assertThat(registry.find(shorter)).isNull();
    }
}
