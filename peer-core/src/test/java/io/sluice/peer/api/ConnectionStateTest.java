package io.sluice.peer.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The W3C connectionState aggregate (webrtc-pc §4.3.3), row by row. */
class ConnectionStateTest {

    @ParameterizedTest(name = "ice {0} + dtls {1} = {2}")
    @CsvSource({
        "new, new, new",
        "closed, closed, new",
        "new, closed, new",
        "checking, new, connecting",
        "new, connecting, connecting",
        "connected, new, connecting",
        "connected, connecting, connecting",
        "completed, connecting, connecting",
        "connected, connected, connected",
        "completed, connected, connected",
        "connected, closed, connected",
        "disconnected, connected, disconnected",
        "disconnected, connecting, disconnected",
        "failed, connected, failed",
        "connected, failed, failed",
        "disconnected, failed, failed",
        "checking, failed, failed"})
    void aggregates(String ice, String dtls, String expected) {
        assertThat(RTCPeerConnection.aggregate(RTCIceConnectionState.fromSpec(ice), RTCDtlsTransportState.fromSpec(dtls)))
                .isEqualTo(RTCPeerConnectionState.fromSpec(expected));
    }
}
