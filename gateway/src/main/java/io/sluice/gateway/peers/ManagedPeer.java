package io.sluice.gateway.peers;

import io.sluice.peer.api.PeerConnectionListener;
import io.sluice.peer.api.RTCIceCandidate;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.api.RTCPeerConnectionIceEvent;
import java.time.Instant;
import java.util.ArrayList;
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

    ManagedPeer(String id, String owner, Map<String, String> metadata, RTCPeerConnection pc) {
        this.id = id;
        this.owner = owner;
        this.metadata = Map.copyOf(metadata);
        this.createdAt = Instant.now();
        this.pc = pc;
        pc.addListener(new PeerConnectionListener() {
            @Override
            public void onIceCandidate(RTCPeerConnectionIceEvent event) {
                if (event.candidate() == null) {
                    gatheringComplete.complete(null);
                } else if (!event.candidate().candidate().isEmpty()) {
                    synchronized (localCandidates) {
                        localCandidates.add(event.candidate());
                    }
                }
            }
        });
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
