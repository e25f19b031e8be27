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

    /**
     * RFC 7675 §5.1: once consent expires nothing more is sent to that address. B's only event loop
     * is held, so B answers nothing; A's consent expires, and from then on A sends no datagram,
     * though its SCTP association still has data to retransmit and heartbeats to send.
     */
    @org.junit.jupiter.api.Test
    void nothingIsSentOnceConsentIsLost() throws Exception {
        io.sluice.peer.ice.IceConfig ice = io.sluice.peer.ice.IceConfig.builder()
                .consentInterval(java.time.Duration.ofMillis(200)).disconnectedAfter(java.time.Duration.ofMillis(500))
                .consentTimeout(java.time.Duration.ofSeconds(2)).build();
        InetAddress ip = InetAddress.getLoopbackAddress();
        io.sluice.peer.net.NetworkRuntime runtimeB = io.sluice.peer.net.NetworkRuntime.create(1, 1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (PeerPair p = new PeerPair(PeerPair.settings(ip).withIce(ice),
                PeerPair.settings(ip).withIce(ice).withRuntime(runtimeB))) {
            RTCDataChannel channel = p.a.createDataChannel("x");
            p.negotiate(p.a, true);
            p.awaitConnected();
            io.sluice.peer.interop.Interop.waitFor(() -> channel.readyState() == RTCDataChannelState.OPEN,
                    java.time.Duration.ofSeconds(10), "channel open");
            runtimeB.nextLoop().execute(() -> {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            // Unacknowledged data: SCTP would retransmit it for as long as the association lives.
            channel.send(new byte[1000]);
            io.sluice.peer.interop.Interop.waitFor(() -> p.a.iceConnectionState() == RTCIceConnectionState.FAILED,
                    java.time.Duration.ofSeconds(10), "consent expired");
            long sentAtLoss = packetsSent(p.a);
            Thread.sleep(3000); // covers SCTP's retransmission timeouts and heartbeat interval
            assertThat(packetsSent(p.a)).as("datagrams sent after consent expired").isEqualTo(sentAtLoss);
            assertThat(p.a.dropCounts().get(5, TimeUnit.SECONDS)).containsKey("udp:unsent-without-consent");
            release.countDown(); // B's loop must run to close
        } finally {
            release.countDown();
            runtimeB.close();
        }
    }

    private static long packetsSent(RTCPeerConnection pc) throws Exception {
        return ((Number) pc.getStats().get(5, TimeUnit.SECONDS).ofType("transport").get(0).get("packetsSent"))
                .longValue();
    }
}
