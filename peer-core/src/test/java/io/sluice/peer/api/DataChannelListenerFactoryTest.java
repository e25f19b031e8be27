package io.sluice.peer.api;

import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** A listener made from the channel gets that very channel, before createDataChannel returns it. */
class DataChannelListenerFactoryTest {

    @Test
    void theFactorySeesTheChannelItListensTo() {
        RTCPeerConnection pc = new RTCPeerConnection(RTCConfiguration.defaults(), PeerConnectionSettings.defaults());
        try {
            RTCDataChannel[] seen = new RTCDataChannel[1];
            RTCDataChannel ch = pc.createDataChannel("x", null, c -> {
                seen[0] = c;
                return new DataChannelListener() {
                };
            });
            assertSame(ch, seen[0]);
        } finally {
            pc.close();
        }
    }
}
