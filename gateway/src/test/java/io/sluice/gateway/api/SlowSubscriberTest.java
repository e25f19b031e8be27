package io.sluice.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.peers.ManagedPeer;
import io.sluice.gateway.peers.PeerRegistry;
import io.sluice.gateway.testing.EventFanout;
import io.sluice.gateway.testing.StalledSubscriber;
import io.sluice.peer.interop.Interop;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * An event subscriber that stops reading (a raw socket whose TCP window closes) is dropped, with its
 * queue bounded, while the events of other peers (one of them on the stalled peer's event loop)
 * keep arriving: a liveness check with a generous bound, not a benchmark (see
 * {@code bench/gateway.sh EventFanoutBenchmark}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1",
            "sluice.limits.requests-per-second=0", "sluice.timeouts.drain=1s"})
@Timeout(120)
class SlowSubscriberTest {

    /** Longest a ping peer's event may take to reach its reader: far above the milliseconds it takes. */
    static final long LATE_MS = 5_000;

    @LocalServerPort
    int port;
    @Autowired
    PeerRegistry registry;
    @Autowired
    PeerSocketHandler sockets;
    @Autowired
    EventStreamController streams;

    @Test
    void aWebSocketThatStopsReadingIsDroppedAndToldWhileOtherPeersEventsFlow() throws Exception {
        stallAndCheck(EventFanout.Kind.WEBSOCKET, stalled -> {
            // What was queued for it is gone; it is told why and closed with 1013 once it reads.
            StalledSubscriber.WebSocketEnd end = stalled.readWebSocket();
            assertThat(end.last()).contains("\"event\":\"overflow\"");
            assertThat(end.closeCode()).isEqualTo(1013);
            assertThat(sockets.queuedHighWater()).isLessThanOrEqualTo(SocketOutbox.MAX_QUEUED_BYTES + 64 * 1024);
        });
    }

    @Test
    void anEventStreamThatStopsReadingIsDroppedAndToldWhileOtherStreamsFlow() throws Exception {
        stallAndCheck(EventFanout.Kind.SSE, stalled -> {
            assertThat(stalled.readEventStreamUntil("overflow")).as("the stream ends with overflow").isTrue();
            assertThat(streams.queuedHighWater())
                    .isLessThanOrEqualTo(EventStreamController.SUBSCRIBER_QUEUE_BYTES + 64 * 1024);
        });
    }

    /** What a test checks of the stalled subscriber once it has been dropped. */
    interface Told {
        void check(StalledSubscriber stalled) throws Exception;
    }

    /**
     * Three ping peers read by a subscriber of {@code kind}; a stalled subscriber of the same kind on
     * the flooding peer; the flood runs until the stalled one is dropped. The ping events must keep
     * coming all along, none late.
     */
    private void stallAndCheck(EventFanout.Kind kind, Told told) throws Exception {
        try (EventFanout fanout = new EventFanout(port, 3)) {
            fanout.subscribe(kind);
            ManagedPeer flooded = registry.find(fanout.flood.peerId);
            try (StalledSubscriber stalled = kind == EventFanout.Kind.WEBSOCKET
                    ? StalledSubscriber.webSocket(port, "{\"id\":\"1\",\"op\":\"subscribe\",\"peerId\":\""
                            + fanout.flood.peerId + "\"}")
                    : StalledSubscriber.eventStream(port, fanout.flood.peerId)) {
                Interop.waitFor(() -> flooded.events().subscriberCount() == 1, Duration.ofSeconds(5),
                        "the stalled subscriber subscribed");
                fanout.start(true);
                long[] silent = {0};
                boolean dropped = within(Duration.ofSeconds(60), () -> {
                    silent[0] = Math.max(silent[0], fanout.silentMillis());
                    return flooded.events().subscriberCount() == 0;
                });
                long[] during = fanout.takeFigures();
                // The other peers' events kept coming while it stalled, and none came late.
                assertThat(silent[0]).as("longest ms without a ping event").isLessThan(LATE_MS);
                assertThat(during[0]).as("ping events").isGreaterThan(0);
                assertThat(during[1]).as("ms the latest ping event took").isLessThan(LATE_MS);
                assertThat(dropped).as("the stalled subscriber was dropped").isTrue();
                told.check(stalled);
            }
            Thread.sleep(2000);
            long[] after = fanout.takeFigures();
            assertThat(after[0]).as("ping events after the drop").isGreaterThan(10);
            assertThat(after[1]).isLessThan(LATE_MS);
            assertThat(fanout.floodSent.get()).as("the flooding peer went on").isGreaterThan(200);
        }
    }

    private static boolean within(Duration timeout, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
