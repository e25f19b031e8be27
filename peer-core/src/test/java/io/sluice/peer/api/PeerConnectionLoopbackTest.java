package io.sluice.peer.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Two peer-core peers over real loopback sockets. */
@Timeout(60)
class PeerConnectionLoopbackTest {

    @ParameterizedTest(name = "{0}, offerer {1}, trickle {2}")
    @CsvSource({
        "127.0.0.1, a, true", "127.0.0.1, b, true", "127.0.0.1, a, false", "127.0.0.1, b, false",
        "::1, a, true", "::1, b, true", "::1, a, false", "::1, b, false"})
    void connects(String address, String offerer, boolean trickle) throws Exception {
        InetAddress ip = InetAddress.getByName(address);
        try (PeerPair p = new PeerPair(ip)) {
            RTCPeerConnection off = offerer.equals("a") ? p.a : p.b;
            off.createDataChannel("x");
            p.negotiate(off, trickle);
            p.awaitConnected();
            for (RTCPeerConnection pc : new RTCPeerConnection[] {p.a, p.b}) {
                assertThat(pc.connectionState()).isEqualTo(RTCPeerConnectionState.CONNECTED);
                assertThat(pc.iceConnectionState()).isIn(RTCIceConnectionState.CONNECTED,
                        RTCIceConnectionState.COMPLETED);
                assertThat(pc.dtlsTransportState()).isEqualTo(RTCDtlsTransportState.CONNECTED);
                assertThat(pc.signalingState()).isEqualTo(RTCSignalingState.STABLE);
                assertThat(pc.selectedCandidatePair().local().address().getAddress()).isEqualTo(ip);
                assertThat(pc.currentLocalDescription()).isNotNull();
                assertThat(pc.currentRemoteDescription()).isNotNull();
                assertThat(pc.pendingLocalDescription()).isNull();
                assertThat(pc.canTrickleIceCandidates()).isTrue();
            }
            if (!trickle) {
                // A complete description carries the candidates and end-of-candidates.
                assertThat(off.currentLocalDescription().sdp()).contains("a=candidate:").contains("a=end-of-candidates");
            }
        }
    }
}
