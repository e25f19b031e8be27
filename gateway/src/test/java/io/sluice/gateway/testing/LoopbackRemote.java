package io.sluice.gateway.testing;

import io.sluice.peer.api.PeerConnectionListener;
import io.sluice.peer.api.PeerConnectionSettings;
import io.sluice.peer.api.RTCConfiguration;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.api.RTCPeerConnectionIceEvent;
import io.sluice.peer.api.RTCPeerConnectionState;
import io.sluice.peer.net.AddressFilter;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A peer-core peer on loopback playing the remote (browser, device) side of a gateway peer, with
 * futures for the end of its gathering and for connected; tests drive the signaling themselves.
 */
public final class LoopbackRemote implements AutoCloseable {

    public final RTCPeerConnection pc;
    public final CompletableFuture<Void> gathered = new CompletableFuture<>();
    public final CompletableFuture<Void> connected = new CompletableFuture<>();

    public LoopbackRemote() {
        this(PeerConnectionSettings.defaults());
    }

    /** With {@code settings} (its own runtime, ...), addresses limited to loopback. */
    public LoopbackRemote(PeerConnectionSettings settings) {
        pc = new RTCPeerConnection(RTCConfiguration.defaults(),
                settings.withAddressFilter(AddressFilter.only(List.of(InetAddress.getLoopbackAddress()))));
        pc.addListener(new PeerConnectionListener() {
            @Override
            public void onIceCandidate(RTCPeerConnectionIceEvent event) {
                if (event.candidate() == null) {
                    gathered.complete(null);
                }
            }

            @Override
            public void onConnectionStateChange(RTCPeerConnectionState state) {
                if (state == RTCPeerConnectionState.CONNECTED) {
                    connected.complete(null);
                }
            }
        });
    }

    /** A complete offer (gathering done) with one data channel, "data". */
    public String completeOffer() throws Exception {
        return completeOffer(true);
    }

    public String completeOffer(boolean withChannel) throws Exception {
        if (withChannel) {
            pc.createDataChannel("data");
        }
        pc.setLocalDescription().get(5, TimeUnit.SECONDS);
        gathered.get(10, TimeUnit.SECONDS);
        return pc.localDescription().sdp();
    }

    @Override
    public void close() {
        pc.close();
    }
}
