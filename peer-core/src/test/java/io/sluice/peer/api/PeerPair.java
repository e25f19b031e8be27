package io.sluice.peer.api;

import io.sluice.peer.net.AddressFilter;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Two peer-core connections wired to each other by an in-test signaling channel: trickled
 * candidates are held until the receiving side has a remote description, as an application's
 * signaling would.
 */
final class PeerPair implements AutoCloseable {

    final RTCPeerConnection a;
    final RTCPeerConnection b;
    final Recorder ra = new Recorder();
    final Recorder rb = new Recorder();

    PeerPair(InetAddress address) {
        this(address, RTCConfiguration.defaults());
    }

    PeerPair(InetAddress address, RTCConfiguration configuration) {
        this(settings(address), settings(address), configuration);
    }

    PeerPair(PeerConnectionSettings forA, PeerConnectionSettings forB) {
        this(forA, forB, RTCConfiguration.defaults());
    }

    PeerPair(PeerConnectionSettings forA, PeerConnectionSettings forB, RTCConfiguration configuration) {
        a = new RTCPeerConnection(configuration, forA);
        b = new RTCPeerConnection(configuration, forB);
        a.addListener(ra);
        b.addListener(rb);
    }

    static PeerConnectionSettings settings(InetAddress address) {
        return PeerConnectionSettings.defaults().withAddressFilter(AddressFilter.only(List.of(address)));
    }

    /** Negotiates with {@code offerer} offering; trickles candidates or sends complete descriptions. */
    void negotiate(RTCPeerConnection offerer, boolean trickle) throws Exception {
        RTCPeerConnection answerer = offerer == a ? b : a;
        Recorder ro = offerer == a ? ra : rb;
        Recorder rans = offerer == a ? rb : ra;
        if (trickle) {
            ro.forwardTo(answerer);
            rans.forwardTo(offerer);
        }
        offerer.setLocalDescription().get(5, TimeUnit.SECONDS);
        if (!trickle) {
            ro.gatheringComplete.get(10, TimeUnit.SECONDS);
        }
        answerer.setRemoteDescription(offerer.localDescription()).get(5, TimeUnit.SECONDS);
        if (trickle) {
            rans.remoteDescriptionSet();
        }
        answerer.setLocalDescription().get(5, TimeUnit.SECONDS);
        if (!trickle) {
            rans.gatheringComplete.get(10, TimeUnit.SECONDS);
        }
        offerer.setRemoteDescription(answerer.localDescription()).get(5, TimeUnit.SECONDS);
        if (trickle) {
            ro.remoteDescriptionSet();
        }
    }

    void awaitConnected() throws Exception {
        ra.connected.get(20, TimeUnit.SECONDS);
        rb.connected.get(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        a.close();
        b.close();
        a.closeFuture().get(5, TimeUnit.SECONDS);
        b.closeFuture().get(5, TimeUnit.SECONDS);
    }

    /** Records every event in order, and forwards trickled candidates to the other side. */
    static final class Recorder implements PeerConnectionListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<RTCIceCandidate> candidates = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> connected = new CompletableFuture<>();
        final CompletableFuture<Void> gatheringComplete = new CompletableFuture<>();
        final CompletableFuture<RTCPeerConnectionState> failedOrClosed = new CompletableFuture<>();
        private RTCPeerConnection forwardTo;
        private boolean remoteSet;
        private final List<RTCIceCandidateInit> held = new ArrayList<>();

        synchronized void forwardTo(RTCPeerConnection other) {
            forwardTo = other;
        }

        synchronized void remoteDescriptionSet() {
            remoteSet = true;
            for (RTCIceCandidateInit c : held) {
                forwardTo.addIceCandidate(c);
            }
            held.clear();
        }

        @Override
        public void onSignalingStateChange(RTCSignalingState state) {
            events.add("signalingstatechange:" + state.spec());
        }

        @Override
        public void onIceGatheringStateChange(RTCIceGatheringState state) {
            events.add("icegatheringstatechange:" + state.spec());
            if (state == RTCIceGatheringState.COMPLETE) {
                gatheringComplete.complete(null);
            }
        }

        @Override
        public void onIceConnectionStateChange(RTCIceConnectionState state) {
            events.add("iceconnectionstatechange:" + state.spec());
        }

        @Override
        public void onConnectionStateChange(RTCPeerConnectionState state) {
            events.add("connectionstatechange:" + state.spec());
            if (state == RTCPeerConnectionState.CONNECTED) {
                connected.complete(null);
            }
            if (state == RTCPeerConnectionState.FAILED || state == RTCPeerConnectionState.CLOSED
                    || state == RTCPeerConnectionState.DISCONNECTED) {
                failedOrClosed.complete(state);
            }
        }

        @Override
        public void onNegotiationNeeded() {
            events.add("negotiationneeded");
        }

        @Override
        public void onIceCandidate(RTCPeerConnectionIceEvent event) {
            RTCIceCandidate c = event.candidate();
            events.add("icecandidate:" + (c == null ? "null" : c.candidate().isEmpty() ? "end" : "candidate"));
            if (c == null) {
                return;
            }
            candidates.add(c);
            synchronized (this) {
                if (forwardTo == null) {
                    return;
                }
                if (remoteSet) {
                    forwardTo.addIceCandidate(c.toJSON());
                } else {
                    held.add(c.toJSON());
                }
            }
        }
    }
}
