package io.sluice.peer.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.net.NetworkRuntime;
import io.sluice.peer.net.SharedUdpPort;
import io.sluice.peer.net.UdpSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many peers on one shared UDP port: each connects to its own remote (a peer-core peer with a
 * socket of its own), routed by ICE ufrag, then by 5-tuple.
 */
@Timeout(60)
class SharedPortLoopbackTest {

    @Test
    void severalPeersShareOnePortAndEachConnects() throws Exception {
        InetAddress shared = InetAddress.getByName("127.0.0.1");
        InetAddress remotes = InetAddress.getByName("127.0.0.1"); // sockets of their own, other ports
        try (SharedUdpPort port = SharedUdpPort.bind(NetworkRuntime.shared(), List.of(shared), 0,
                UdpSocket.DEFAULT_BUFFER_BYTES).get(5, TimeUnit.SECONDS)) {
            PeerConnectionSettings onShared = PeerPair.settings(shared).withSharedPort(port);
            PeerConnectionSettings own = PeerPair.settings(remotes);
            List<PeerPair> pairs = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    PeerPair p = new PeerPair(onShared, own);
                    pairs.add(p);
                    RTCPeerConnection offerer = i % 2 == 0 ? p.a : p.b;
                    offerer.createDataChannel("x");
                    p.negotiate(offerer, true);
                }
                for (PeerPair p : pairs) {
                    p.awaitConnected();
                    assertThat(p.a.localSocketAddresses()).containsExactly(port.sockets().get(0).localAddress());
                    assertThat(p.a.dtlsTransportState()).isEqualTo(RTCDtlsTransportState.CONNECTED);
                    assertThat(p.b.dtlsTransportState()).isEqualTo(RTCDtlsTransportState.CONNECTED);
                }
                assertThat(port.registrations()).isEqualTo(5);
            } finally {
                for (PeerPair p : pairs) {
                    p.close();
                }
            }
            assertThat(port.registrations()).isZero();
            assertThat(port.sockets().get(0).isOpen()).isTrue();
        }
    }
}
