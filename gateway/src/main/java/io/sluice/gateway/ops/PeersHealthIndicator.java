package io.sluice.gateway.ops;

import io.sluice.gateway.peers.PeerRegistry;
import io.sluice.peer.net.NetworkRuntime;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Health of the peer side: the network runtime's event loops run, and how many peers are held. */
@Component("peers")
public class PeersHealthIndicator implements HealthIndicator {

    private final PeerRegistry registry;

    public PeersHealthIndicator(PeerRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Health health() {
        NetworkRuntime runtime = NetworkRuntime.shared();
        boolean running = !runtime.group().isShuttingDown();
        var shared = registry.sharedPort();
        boolean bound = shared == null || shared.sockets().stream().allMatch(s -> s.isOpen());
        Health.Builder b = running && bound ? Health.up() : Health.down();
        b.withDetail("peers", registry.size()).withDetail("transport", runtime.isEpoll() ? "epoll" : "nio");
        if (shared != null) {
            b.withDetail("udp", shared.sockets().stream().map(s -> s.localAddress().getAddress().getHostAddress()
                    + ":" + s.localAddress().getPort() + (s.isOpen() ? "" : " (closed)")).toList());
            b.withDetail("udpUnrouted", shared.unrouted());
        } else {
            b.withDetail("udp", "a socket per peer");
        }
        return b.build();
    }
}
