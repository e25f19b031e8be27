package io.sluice.gateway.security;

import io.sluice.gateway.peers.ManagedPeer;
import io.sluice.gateway.peers.PeerRegistry;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/** A gateway on a random port that the test calls over loopback; every peer is closed after each test. */
abstract class RunningGateway {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    PeerRegistry registry;

    @AfterEach
    void closeEveryPeer() {
        for (ManagedPeer p : List.copyOf(registry.all())) {
            registry.close(p.id(), p.owner());
        }
    }
}
