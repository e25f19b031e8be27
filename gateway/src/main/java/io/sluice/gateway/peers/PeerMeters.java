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

    public PeerMeters(MeterRegistry registry) {
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
