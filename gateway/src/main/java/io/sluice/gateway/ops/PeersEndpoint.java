package io.sluice.gateway.ops;

import io.sluice.gateway.peers.ManagedPeer;
import io.sluice.gateway.peers.PeerRegistry;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.ice.CandidatePair;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/peers}: every peer this instance holds with its states and selected candidate
 * pair, for operators' dashboards. Immutable snapshots, no web types.
 */
@Component
@Endpoint(id = "peers")
public class PeersEndpoint {

    private final PeerRegistry registry;

    public PeersEndpoint(PeerRegistry registry) {
        this.registry = registry;
    }

    /** One peer as operators see it. */
    public record PeerSnapshot(String id, String owner, Map<String, String> metadata, String createdAt,
            String signalingState, String iceGatheringState, String iceConnectionState, String connectionState,
            String dtlsState, SelectedPair selectedCandidatePair) {
    }

    /** The pair media and data go over: local and remote candidate, in SDP candidate form. */
    public record SelectedPair(String local, String remote, String state, boolean nominated) {
    }

    public record Peers(int count, List<PeerSnapshot> peers) {
    }

    @ReadOperation
    public Peers peers() {
        List<PeerSnapshot> list = registry.all().stream().sorted(Comparator.comparing(ManagedPeer::createdAt))
                .map(PeersEndpoint::snapshot).toList();
        return new Peers(list.size(), list);
    }

    @ReadOperation
    public PeerSnapshot peer(@Selector String id) {
        return registry.all().stream().filter(p -> p.id().equals(id)).findFirst().map(PeersEndpoint::snapshot)
                .orElse(null);
    }

    static PeerSnapshot snapshot(ManagedPeer p) {
        RTCPeerConnection pc = p.pc();
        CandidatePair pair = pc.selectedCandidatePair();
        SelectedPair selected = pair == null ? null : new SelectedPair(pair.local().toSdpValue(),
                pair.remote().toSdpValue(), pair.state().spec(), pair.nominated());
        return new PeerSnapshot(p.id(), p.owner(), p.metadata(), p.createdAt().toString(), pc.signalingState().spec(),
                pc.iceGatheringState().spec(), pc.iceConnectionState().spec(), pc.connectionState().spec(),
                pc.dtlsTransportState().spec(), selected);
    }
}
