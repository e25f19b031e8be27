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

    @org.junit.jupiter.api.Test
    void iceRestartKeepsTheConnection() throws Exception {
        try (PeerPair p = new PeerPair(InetAddress.getLoopbackAddress())) {
            p.a.createDataChannel("x");
            p.negotiate(p.a, true);
            p.awaitConnected();
            io.sluice.peer.sdp.SessionDescription before =
                    io.sluice.peer.sdp.SessionDescription.parse(p.a.currentLocalDescription().sdp());
            int pairsBefore = p.rb.candidates.size();

            p.a.restartIce();
            io.sluice.peer.interop.Interop.waitFor(() -> p.ra.events.stream()
                    .filter("negotiationneeded"::equals).count() == 2, java.time.Duration.ofSeconds(5));
            p.a.setLocalDescription().get(5, TimeUnit.SECONDS);
            p.b.setRemoteDescription(p.a.localDescription()).get(5, TimeUnit.SECONDS);
            p.b.setLocalDescription().get(5, TimeUnit.SECONDS);
            p.a.setRemoteDescription(p.b.localDescription()).get(5, TimeUnit.SECONDS);

            io.sluice.peer.sdp.SessionDescription after =
                    io.sluice.peer.sdp.SessionDescription.parse(p.a.currentLocalDescription().sdp());
            io.sluice.peer.sdp.SessionDescription answer =
                    io.sluice.peer.sdp.SessionDescription.parse(p.b.currentLocalDescription().sdp());
            assertThat(after.iceUfrag(after.media().get(0))).isNotEqualTo(before.iceUfrag(before.media().get(0)));
            // The answerer restarts too (JSEP 5.3.1) and gathers a new generation of candidates.
            assertThat(answer.iceUfrag(answer.media().get(0))).isNotEqualTo(
                    io.sluice.peer.sdp.SessionDescription.parse(p.a.currentRemoteDescription().sdp()) == null ? ""
                            : before.iceUfrag(before.media().get(0)));
            io.sluice.peer.interop.Interop.waitFor(() -> p.rb.candidates.size() > pairsBefore,
                    java.time.Duration.ofSeconds(5), "candidates of the new generation");
            // New checks with the new credentials succeed: the pair is selected again and states stay connected.
            io.sluice.peer.interop.Interop.waitFor(() -> p.a.selectedCandidatePair() != null
                    && p.b.selectedCandidatePair() != null, java.time.Duration.ofSeconds(10), "selected pairs");
            assertThat(p.a.connectionState()).isEqualTo(RTCPeerConnectionState.CONNECTED);
            assertThat(p.b.connectionState()).isEqualTo(RTCPeerConnectionState.CONNECTED);
            assertThat(p.ra.events).doesNotContain("connectionstatechange:failed", "connectionstatechange:disconnected");
        }
    }
}
