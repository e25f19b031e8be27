package io.sluice.peer.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.dtls.ClientHelloFlood;
import io.sluice.peer.interop.Interop;
import io.sluice.peer.net.NetworkRuntime;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Item: DTLS may start only from a source ICE has validated (RFC 8445 §12, RFC 7675). Two Sluice
 * peers connect over loopback while ClientHellos flood their sockets from 127.0.0.2..9, sources
 * that took no part in ICE: the peers still connect, the flood is dropped and counted, and it
 * takes no handshake thread (the pool ran exactly one handshake per peer).
 */
@Timeout(120)
class DtlsFloodTest {

    @Test
    void peersConnectWhileClientHellosFloodFromSourcesIceNeverValidated() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (NetworkRuntime runtime = NetworkRuntime.create(1, 4);
                ClientHelloFlood flood = new ClientHelloFlood(8, 1)) {
            ThreadPoolExecutor handshakePool = (ThreadPoolExecutor) runtime.blockingPool();
            PeerConnectionSettings settings = PeerPair.settings(lo).withRuntime(runtime);
            int pairs = 4;
            for (int i = 0; i < pairs; i++) {
                try (PeerPair p = new PeerPair(settings, settings)) {
                    Thread aim = aimAt(flood, p);
                    try {
                        RTCPeerConnection offerer = i % 2 == 0 ? p.a : p.b;
                        offerer.createDataChannel("x");
                        p.negotiate(offerer, true);
                        p.awaitConnected();
                        for (RTCPeerConnection pc : List.of(p.a, p.b)) {
                            Interop.waitFor(() -> pc.dropCounts().join()
                                    .getOrDefault("dtls:unvalidated-source", 0L) > 10, Duration.ofSeconds(10),
                                    "flood datagrams dropped and counted");
                            assertThat(pc.connectionState()).isEqualTo(RTCPeerConnectionState.CONNECTED);
                            assertThat(pc.dtlsTransportState()).isEqualTo(RTCDtlsTransportState.CONNECTED);
                            assertThat(pc.getStats().get(5, TimeUnit.SECONDS).get("T01"))
                                    .containsKey("dtlsPacketsDroppedUnvalidatedSource");
                        }
                    } finally {
                        aim.interrupt();
                        aim.join();
                        flood.target(List.of());
                    }
                }
                assertThat(handshakePool.getTaskCount()).as("handshakes run: one per peer, none for the flood")
                        .isEqualTo(2L * (i + 1));
            }
            // Each of the 8 peers counted more than 10 flood datagrams dropped (above); how many the
            // flood sends in all depends on how fast the connections come up.
            assertThat(flood.sent()).isGreaterThan(80);
        }
    }

    /** Points the flood at both peers' sockets as soon as they are bound. */
    private static Thread aimAt(ClientHelloFlood flood, PeerPair p) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                List<InetSocketAddress> to = new ArrayList<>(p.a.localSocketAddresses());
                to.addAll(p.b.localSocketAddresses());
                flood.target(to);
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "aim-flood");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
