package io.sluice.peer.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.api.error.WebRtcException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Untrusted SDP through the public API: mutated browser offers either apply or fail with a W3C
 * error, and a failed call leaves the connection as it was.
 */
@Timeout(120)
class RemoteDescriptionMutationTest {

    private static String vector(String name) throws IOException {
        try (InputStream in = RemoteDescriptionMutationTest.class.getResourceAsStream("/vectors/sdp/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String mutate(String sdp, Random r) {
        StringBuilder b = new StringBuilder(sdp);
        int edits = 1 + r.nextInt(4);
        for (int i = 0; i < edits && b.length() > 0; i++) {
            int at = r.nextInt(b.length());
            switch (r.nextInt(5)) {
                case 0 -> b.setLength(at);
                case 1 -> b.setCharAt(at, (char) r.nextInt(128));
                case 2 -> b.deleteCharAt(at);
                case 3 -> b.insert(at, "\r\na=candidate:1 1 udp 1 127.0.0.1 " + r.nextInt(70000) + " typ host");
                default -> {
                    int end = b.indexOf("\n", at);
                    if (end > 0) {
                        b.delete(at, end + 1);
                    }
                }
            }
        }
        return b.toString();
    }

    @ParameterizedTest(name = "seed 20261124, {0}")
    @ValueSource(strings = {"chromium-datachannel-offer.sdp", "chromium-av-dc-offer.sdp",
        "firefox-58-datachannel-offer.sdp", "chromium-simulcast-offer.sdp"})
    void mutatedOffersApplyOrFailCleanly(String name) throws Exception {
        String offer = vector(name);
        Random r = new Random(20261124L ^ name.hashCode());
        int applied = 0;
        int rejected = 0;
        for (int i = 0; i < 150; i++) {
            RTCPeerConnection pc = new RTCPeerConnection(RTCConfiguration.defaults(),
                    PeerPair.settings(InetAddress.getLoopbackAddress()));
            try {
                String sdp = mutate(offer, r);
                try {
                    pc.setRemoteDescription(RTCSessionDescription.offer(sdp)).get(5, TimeUnit.SECONDS);
                    applied++;
                    assertThat(pc.signalingState()).isEqualTo(RTCSignalingState.HAVE_REMOTE_OFFER);
                    pc.createAnswer().get(5, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).as("seed case %d: %s", i, sdp).isInstanceOf(WebRtcException.class);
                    rejected++;
                    assertThat(pc.signalingState()).isEqualTo(RTCSignalingState.STABLE);
                    assertThat(pc.remoteDescription()).isNull();
                }
            } finally {
                pc.close();
                pc.closeFuture().get(5, TimeUnit.SECONDS);
            }
        }
        assertThat(applied + rejected).isEqualTo(150);
        assertThat(rejected).isPositive();
    }
}
