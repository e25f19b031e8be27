package io.sluice.gateway.api;

import io.sluice.gateway.peers.ManagedPeer;
import io.sluice.gateway.peers.PeerRegistry;
import io.sluice.peer.api.RTCConfiguration;
import io.sluice.peer.api.RTCIceCandidateInit;
import io.sluice.peer.api.RTCOfferOptions;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.api.RTCSessionDescription;
import io.sluice.peer.api.error.TypeError;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Server-side peer connections over REST: each operation is the W3C method of the same name,
 * run on the peer's RTCPeerConnection.
 */
@RestController
@RequestMapping("/v1/peers")
public class PeersController {

    private final PeerRegistry registry;
    private final ObjectMapper json;

    private final io.sluice.gateway.peers.CertificateStore certificates;
    private final io.sluice.gateway.bridge.Bridges bridges;

    public PeersController(PeerRegistry registry, ObjectMapper json,
            io.sluice.gateway.peers.CertificateStore certificates, io.sluice.gateway.bridge.Bridges bridges) {
        this.registry = registry;
        this.json = json;
        this.certificates = certificates;
        this.bridges = bridges;
    }

    private ManagedPeer peer(String id) {
        return registry.get(id, Owner.current());
    }

    @PostMapping
    public ResponseEntity<Dtos.Peer> createPeer(@RequestBody(required = false) Dtos.CreatePeer body) {
        RTCConfiguration configuration = body == null || body.configuration() == null ? RTCConfiguration.defaults()
                : body.configuration().toRtc(id -> certificates.get(id, Owner.current()));
        Dtos.PeerLimits limits = body == null ? null : body.limits();
        checkLimits(limits);
        var bindings = bridges.resolve(body == null ? null : body.bridges());
        ManagedPeer p = registry.create(configuration, body == null ? null : body.metadata(), Owner.current());
        applyLimits(p, limits);
        p.bridges(bindings);
        return ResponseEntity.created(URI.create("/v1/peers/" + p.id())).body(Dtos.Peer.of(p));
    }

    static void checkLimits(Dtos.PeerLimits limits) {
        if (limits == null) {
            return;
        }
        if (limits.maxChannels() != null && (limits.maxChannels() < 1 || limits.maxChannels() > 65534)) {
            throw new TypeError("limits.maxChannels must be 1..65534");
        }
        if (limits.connectTimeoutSeconds() != null && limits.connectTimeoutSeconds() < 1) {
            throw new TypeError("limits.connectTimeoutSeconds must be positive");
        }
    }

    static void applyLimits(ManagedPeer p, Dtos.PeerLimits limits) {
        if (limits != null) {
            p.limits(limits.maxChannels(), limits.connectTimeoutSeconds() == null ? null
                    : java.time.Duration.ofSeconds(limits.connectTimeoutSeconds()));
        }
    }

    @GetMapping
    public List<Dtos.PeerSummary> listPeers() {
        return registry.list(Owner.current()).stream().map(Dtos.PeerSummary::of).toList();
    }

    @GetMapping("/{id}")
    public Dtos.Peer getPeer(@PathVariable String id) {
        return Dtos.Peer.of(peer(id));
    }

    @DeleteMapping("/{id}")
    public ResponseEntity<Void> close(@PathVariable String id) {
        registry.close(id, Owner.current());
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/offer")
    public CompletableFuture<Dtos.Description> createOffer(@PathVariable String id,
            @RequestBody(required = false) Dtos.OfferOptions options) {
        boolean restart = options != null && Boolean.TRUE.equals(options.iceRestart());
        return peer(id).pc().createOffer(new RTCOfferOptions(restart)).thenApply(Dtos.Description::of);
    }

    @PostMapping("/{id}/answer")
    public CompletableFuture<Dtos.Description> createAnswer(@PathVariable String id) {
        return peer(id).pc().createAnswer().thenApply(Dtos.Description::of);
    }

    /** With no body (or no sdp), the implicit form: the offer or answer the state calls for. */
    @PutMapping("/{id}/local-description")
    public CompletableFuture<Dtos.Description> setLocalDescription(@PathVariable String id,
            @RequestBody(required = false) Dtos.Description body) {
        RTCPeerConnection pc = peer(id).pc();
        RTCSessionDescription d = body == null || body.type() == null ? null : body.toRtc();
        return pc.setLocalDescription(d).thenApply(v -> Dtos.Description.of(pc.localDescription()));
    }

    @PutMapping("/{id}/remote-description")
    public CompletableFuture<Dtos.Description> setRemoteDescription(@PathVariable String id,
            @RequestBody Dtos.Description body) {
        RTCPeerConnection pc = peer(id).pc();
        return pc.setRemoteDescription(body.toRtc()).thenApply(v -> Dtos.Description.of(pc.remoteDescription()));
    }

    /**
     * One candidate, an array of them (applied in order; the first failure stops and is reported),
     * or {@code {"candidate": ""}} for end-of-candidates.
     */
    @PostMapping("/{id}/candidates")
    public CompletableFuture<ResponseEntity<Void>> addIceCandidate(@PathVariable String id,
            @RequestBody JsonNode body) {
        RTCPeerConnection pc = peer(id).pc();
        List<RTCIceCandidateInit> list = new ArrayList<>();
        if (body.isArray()) {
            if (body.size() > 500) {
                throw new TypeError("at most 500 candidates per call");
            }
            for (JsonNode n : body) {
                list.add(candidate(n));
            }
        } else {
            list.add(candidate(body));
        }
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (RTCIceCandidateInit c : list) {
            chain = chain.thenCompose(v -> pc.addIceCandidate(c));
        }
        return chain.thenApply(v -> ResponseEntity.noContent().build());
    }

    private RTCIceCandidateInit candidate(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new TypeError("a candidate is an RTCIceCandidateInit object");
        }
        return json.treeToValue(n, Dtos.Candidate.class).toRtc();
    }

    /** The local candidates gathered so far, and whether gathering is complete. */
    @GetMapping("/{id}/candidates")
    public LocalCandidates localCandidates(@PathVariable String id) {
        ManagedPeer p = peer(id);
        return new LocalCandidates(p.localCandidates().stream().map(Dtos.Candidate::of).toList(),
                p.pc().iceGatheringState().spec());
    }

    public record LocalCandidates(List<Dtos.Candidate> candidates, String iceGatheringState) {
    }

    /** W3C getStats: the webrtc-stats objects of the peer, as a JSON array. */
    @GetMapping("/{id}/stats")
    public CompletableFuture<java.util.Collection<java.util.Map<String, Object>>> getStats(@PathVariable String id) {
        return peer(id).pc().getStats().thenApply(r -> r.asMap().values());
    }

    @PostMapping("/{id}/restart-ice")
    public ResponseEntity<Void> restartIce(@PathVariable String id) {
        peer(id).pc().restartIce();
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{id}/configuration")
    public Dtos.Configuration getConfiguration(@PathVariable String id) {
        return Dtos.Configuration.of(peer(id).pc().getConfiguration());
    }

    @PutMapping("/{id}/configuration")
    public Dtos.Configuration setConfiguration(@PathVariable String id, @RequestBody Dtos.Configuration body) {
        RTCPeerConnection pc = peer(id).pc();
        RTCConfiguration next = body.certificates() == null
                ? body.toRtc().toBuilder().certificates(pc.getConfiguration().certificates()).build()
                : body.toRtc(cid -> certificates.get(cid, Owner.current()));
        pc.setConfiguration(next);
        return Dtos.Configuration.of(pc.getConfiguration());
    }
}
