package io.sluice.gateway.ops;

import io.sluice.gateway.peers.ManagedPeer;
import io.sluice.gateway.peers.PeerRegistry;
import io.sluice.gateway.security.Caller;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.ice.CandidatePair;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/peers}: the peers this instance holds with their states and selected candidate
 * pair, for dashboards. An operator (or anyone, when the gateway runs without keys) sees every
 * tenant's peers; a tenant key sees only its own. Immutable snapshots, no web types.
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
            String dtlsState, SelectedPair selectedCandidatePair, Counters counters, List<BridgeView> bridges) {
    }

    /** A bridge declaration of the peer (a callback URL without its query, which may carry a token). */
    public record BridgeView(String target, String channels, String topic, String url, boolean events) {
    }

    /** Transport and data-channel counters (from the peer's getStats). */
    public record Counters(long bytesSent, long bytesReceived, long packetsSent, long packetsReceived,
            long channelsOpened, long channelsClosed, long messagesSent, long messagesReceived) {
    }

    /** The pair media and data go over: local and remote candidate, in SDP candidate form. */
    public record SelectedPair(String local, String remote, String state, boolean nominated) {
    }

    public record Peers(int count, List<PeerSnapshot> peers) {
    }

    @ReadOperation
    public Peers peers(SecurityContext security) {
        List<PeerSnapshot> list = visible(security).sorted(Comparator.comparing(ManagedPeer::createdAt))
                .map(PeersEndpoint::snapshot).toList();
        return new Peers(list.size(), list);
    }

    @ReadOperation
    public PeerSnapshot peer(SecurityContext security, @Selector String id) {
        return visible(security).filter(p -> p.id().equals(id)).findFirst().map(PeersEndpoint::snapshot)
                .orElse(null);
    }

    /** Every peer for an operator, a tenant's own for a tenant, none for nobody. */
    private Stream<ManagedPeer> visible(SecurityContext security) {
        Caller caller = Caller.of(security.getPrincipal());
        if (caller == null) {
            return Stream.empty();
        }
        return caller.operator() ? registry.all().stream() : registry.list(caller.owner()).stream();
    }

    static PeerSnapshot snapshot(ManagedPeer p) {
        RTCPeerConnection pc = p.pc();
        CandidatePair pair = pc.selectedCandidatePair();
        SelectedPair selected = pair == null ? null : new SelectedPair(pair.local().toSdpValue(),
                pair.remote().toSdpValue(), pair.state().spec(), pair.nominated());
        return new PeerSnapshot(p.id(), p.owner(), p.metadata(), p.createdAt().toString(), pc.signalingState().spec(),
                pc.iceGatheringState().spec(), pc.iceConnectionState().spec(), pc.connectionState().spec(),
                pc.dtlsTransportState().spec(), selected, counters(pc), bridges(p));
    }

    private static List<BridgeView> bridges(ManagedPeer p) {
        return p.bindings().stream().map(b -> {
            String url = b.options().get("url");
            if (url != null && url.indexOf('?') >= 0) {
                url = url.substring(0, url.indexOf('?')) + "?…";
            }
            return new BridgeView(b.bridge().name(), b.channels() == null ? null
                    : b.channels().pattern(), b.options().get("topic"), url, b.events());
        }).toList();
    }

    private static Counters counters(RTCPeerConnection pc) {
        io.sluice.peer.api.RTCStatsReport r;
        try {
            r = pc.getStats().get(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
        Map<String, Object> t = r.ofType("transport").get(0);
        Map<String, Object> pcs = r.ofType("peer-connection").get(0);
        long sent = 0;
        long received = 0;
        for (Map<String, Object> dc : r.ofType("data-channel")) {
            sent += ((Number) dc.getOrDefault("messagesSent", 0L)).longValue();
            received += ((Number) dc.getOrDefault("messagesReceived", 0L)).longValue();
        }
        return new Counters(((Number) t.get("bytesSent")).longValue(), ((Number) t.get("bytesReceived")).longValue(),
                ((Number) t.get("packetsSent")).longValue(), ((Number) t.get("packetsReceived")).longValue(),
                ((Number) pcs.get("dataChannelsOpened")).longValue(), ((Number) pcs.get("dataChannelsClosed")).longValue(),
                sent, received);
    }
}
