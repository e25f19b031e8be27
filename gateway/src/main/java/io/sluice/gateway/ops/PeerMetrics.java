package io.sluice.gateway.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.gateway.peers.PeerRegistry;
import io.sluice.peer.api.RTCPeerConnectionState;
import org.springframework.stereotype.Component;

/** Meters ({@code sluice.*}): peers by connectionState. */
@Component
public class PeerMetrics {

    public PeerMetrics(MeterRegistry meters, PeerRegistry registry) {
        for (RTCPeerConnectionState s : RTCPeerConnectionState.values()) {
            Gauge.builder("sluice.peers", registry, r -> r.all().stream()
                    .filter(p -> p.pc().connectionState() == s).count())
                    .tag("state", s.spec())
                    .description("Peers held by this instance, by W3C connectionState")
                    .register(meters);
        }
        Gauge.builder("sluice.channels", registry, r -> r.all().stream().mapToLong(p -> p.channels().values().stream()
                .filter(c -> c.readyState() == io.sluice.peer.api.RTCDataChannelState.OPEN).count()).sum())
                .description("Open data channels").register(meters);
        if (registry.sharedPort() != null) {
            io.micrometer.core.instrument.FunctionCounter.builder("sluice.drops", registry.sharedPort(),
                    p -> p.unrouted()).tag("reason", "unrouted")
                    .description("Datagrams on the shared UDP port that no peer claimed").register(meters);
        }
    }
}
