package io.sluice.gateway.peers;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** The meters every peer feeds ({@code sluice.*}). */
public final class PeerMeters {

    final Counter messagesIn;
    final Counter messagesOut;
    final Counter bytesIn;
    final Counter bytesOut;
    final Timer setup;
    final Counter closedByTimeout;
    final Counter listenerFailures;
    final Counter channelsRefused;

    private final MeterRegistry registry;
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.Map<String, Long>> seenDrops =
            new java.util.concurrent.ConcurrentHashMap<>();

    public PeerMeters(MeterRegistry registry) {
        this.registry = registry;
        messagesIn = Counter.builder("sluice.messages").tag("direction", "in")
                .description("Data-channel messages received from remote peers").register(registry);
        messagesOut = Counter.builder("sluice.messages").tag("direction", "out")
                .description("Data-channel messages sent to remote peers").register(registry);
        bytesIn = Counter.builder("sluice.bytes").tag("direction", "in").baseUnit("bytes")
                .description("Data-channel payload bytes received").register(registry);
        bytesOut = Counter.builder("sluice.bytes").tag("direction", "out").baseUnit("bytes")
                .description("Data-channel payload bytes sent").register(registry);
        setup = Timer.builder("sluice.peer.setup").description("From peer creation to connectionState connected")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
        closedByTimeout = Counter.builder("sluice.peers.closed").tag("reason", "timeout")
                .description("Peers closed because they never connected or stayed disconnected").register(registry);
        listenerFailures = Counter.builder("sluice.listener.failures")
                .description("Exceptions thrown by the gateway's own peer and channel listeners (bugs)")
                .register(registry);
        channelsRefused = Counter.builder("sluice.channels.refused")
                .description("Data channels the remote opened above the peer's limit, closed at once")
                .register(registry);
    }

    /**
     * Adds what a peer's protocol layers dropped since the last look to {@code sluice.drops{reason}}
     * ({@code reason} is "layer:reason").
     */
    void collectDrops(ManagedPeer peer, boolean last) {
        java.util.Map<String, Long> now;
        try {
            now = peer.pc().dropCounts().get(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            return;
        }
        java.util.Map<String, Long> before = last ? seenDrops.remove(peer.id()) : seenDrops.put(peer.id(), now);
        for (java.util.Map.Entry<String, Long> e : now.entrySet()) {
            long delta = e.getValue() - (before == null ? 0 : before.getOrDefault(e.getKey(), 0L));
            if (delta > 0) {
                Counter.builder("sluice.drops").tag("reason", e.getKey())
                        .description("Input dropped by the protocol layers, by layer and reason")
                        .register(registry).increment(delta);
            }
        }
    }

    public void received(int bytes) {
        messagesIn.increment();
        bytesIn.increment(bytes);
    }

    public void sent(int bytes) {
        messagesOut.increment();
        bytesOut.increment(bytes);
    }
}
