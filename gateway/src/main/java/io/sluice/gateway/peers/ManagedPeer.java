package io.sluice.gateway.peers;

import io.sluice.peer.api.PeerConnectionListener;
import io.sluice.peer.api.RTCIceCandidate;
import io.sluice.peer.api.RTCIceConnectionState;
import io.sluice.peer.api.RTCIceGatheringState;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.api.RTCPeerConnectionIceErrorEvent;
import io.sluice.peer.api.RTCPeerConnectionIceEvent;
import io.sluice.peer.api.RTCPeerConnectionState;
import io.sluice.peer.api.RTCSignalingState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One server-side peer connection held by the gateway: its id, owner, metadata and the local
 * candidates gathered so far (so clients that poll instead of streaming events can fetch them).
 */
public final class ManagedPeer {

    private final String id;
    private final String owner;
    private final Map<String, String> metadata;
    private final Instant createdAt;
    private final RTCPeerConnection pc;
    private final List<RTCIceCandidate> localCandidates = new ArrayList<>();
    private final CompletableFuture<Void> gatheringComplete = new CompletableFuture<>();
    private final PeerEvents events;

    ManagedPeer(String id, String owner, Map<String, String> metadata, RTCPeerConnection pc) {
        this.id = id;
        this.owner = owner;
        this.metadata = Map.copyOf(metadata);
        this.createdAt = Instant.now();
        this.pc = pc;
        this.events = new PeerEvents(id);
        pc.addListener(new PeerConnectionListener() {
            @Override
            public void onIceCandidate(RTCPeerConnectionIceEvent event) {
                RTCIceCandidate c = event.candidate();
                if (c == null) {
                    gatheringComplete.complete(null);
                } else if (!c.candidate().isEmpty()) {
                    synchronized (localCandidates) {
                        localCandidates.add(c);
                    }
                }
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("candidate", c == null ? null : candidate(c));
                events.publish("icecandidate", data);
            }

            @Override
            public void onIceCandidateError(RTCPeerConnectionIceErrorEvent e) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("address", e.address());
                data.put("port", e.port());
                data.put("url", e.url());
                data.put("errorCode", e.errorCode());
                data.put("errorText", e.errorText());
                events.publish("icecandidateerror", data);
            }

            @Override
            public void onSignalingStateChange(RTCSignalingState state) {
                events.publish("signalingstatechange", Map.of("state", state.spec()));
            }

            @Override
            public void onIceGatheringStateChange(RTCIceGatheringState state) {
                events.publish("icegatheringstatechange", Map.of("state", state.spec()));
            }

            @Override
            public void onIceConnectionStateChange(RTCIceConnectionState state) {
                events.publish("iceconnectionstatechange", Map.of("state", state.spec()));
            }

            @Override
            public void onConnectionStateChange(RTCPeerConnectionState state) {
                events.publish("connectionstatechange", Map.of("state", state.spec()));
            }

            @Override
            public void onNegotiationNeeded() {
                events.publish("negotiationneeded", Map.of());
            }
        });
    }

    private static Map<String, Object> candidate(RTCIceCandidate c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("candidate", c.candidate());
        m.put("sdpMid", c.sdpMid());
        m.put("sdpMLineIndex", c.sdpMLineIndex());
        m.put("usernameFragment", c.usernameFragment());
        return m;
    }

    /** The peer's event log and subscribers. */
    public PeerEvents events() {
        return events;
    }

    public String id() {
        return id;
    }

    public String owner() {
        return owner;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public RTCPeerConnection pc() {
        return pc;
    }

    public List<RTCIceCandidate> localCandidates() {
        synchronized (localCandidates) {
            return List.copyOf(localCandidates);
        }
    }

    /** Completes when ICE gathering finished (the null candidate was seen). */
    public CompletableFuture<Void> gatheringComplete() {
        return gatheringComplete;
    }
}
