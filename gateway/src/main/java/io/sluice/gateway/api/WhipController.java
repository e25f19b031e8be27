package io.sluice.gateway.api;

import io.sluice.gateway.config.SluiceProperties;
import io.sluice.gateway.peers.LimitExceededException;
import io.sluice.gateway.peers.ManagedPeer;
import io.sluice.gateway.peers.PeerRegistry;
import io.sluice.peer.api.RTCConfiguration;
import io.sluice.peer.api.RTCIceCandidateInit;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.api.RTCSessionDescription;
import io.sluice.peer.api.error.NotSupportedError;
import io.sluice.peer.api.error.SyntaxError;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The one-call form, WHIP-compatible (RFC 9725): POST a complete offer as {@code application/sdp},
 * get {@code 201 Created} with the complete answer (gathering finished) and the peer's
 * {@code Location}; DELETE there closes it; PATCH with {@code application/trickle-ice-sdpfrag}
 * adds candidates. For devices and clients that know nothing of the JSON API and may not trickle.
 */
@RestController
@RequestMapping("/v1/whip")
public class WhipController {

    static final String SDP = "application/sdp";
    static final String SDPFRAG = "application/trickle-ice-sdpfrag";

    private final PeerRegistry registry;
    private final SluiceProperties properties;
    private final io.sluice.gateway.bridge.Bridges bridges;

    public WhipController(PeerRegistry registry, SluiceProperties properties, io.sluice.gateway.bridge.Bridges bridges) {
        this.registry = registry;
        this.properties = properties;
        this.bridges = bridges;
    }

    /**
     * {@code ?bridge=<name>} attaches every data channel of the new peer to that bridge, so a device
     * that knows nothing but an HTTP POST can publish into it.
     */
    @PostMapping(consumes = SDP, produces = SDP)
    public CompletableFuture<ResponseEntity<String>> publish(@RequestBody byte[] body,
            @org.springframework.web.bind.annotation.RequestParam(name = "bridge", required = false) String bridge) {
        var bindings = bridge == null ? java.util.List.<io.sluice.gateway.bridge.BridgeBinding>of()
                : bridges.resolve(java.util.List.of(new io.sluice.gateway.bridge.Bridges.Declaration(null, bridge)));
        if (body.length > properties.limits().maxSdpBytes()) {
            throw new LimitExceededException("SDP of " + body.length + " bytes exceeds the limit of "
                    + properties.limits().maxSdpBytes(), 413);
        }
        String offer = new String(body, StandardCharsets.UTF_8);
        // The owner is read here, on the request's thread: the chain below completes on the peer's loop.
        String owner = Owner.current();
        ManagedPeer peer = registry.create(RTCConfiguration.defaults(), bridge == null
                ? java.util.Map.of("via", "whip") : java.util.Map.of("via", "whip", "bridge", bridge), owner);
        peer.bridges(bindings);
        RTCPeerConnection pc = peer.pc();
        long timeoutMs = properties.ice().gatheringTimeout().toMillis();
        return pc.setRemoteDescription(RTCSessionDescription.offer(offer))
                .thenCompose(v -> pc.setLocalDescription())
                .thenCompose(v -> peer.gatheringComplete().completeOnTimeout(null, timeoutMs, TimeUnit.MILLISECONDS))
                .handle((v, e) -> {
                    if (e != null) {
                        // An offer that cannot be answered (or any failure) leaves no peer behind.
                        registry.close(peer.id(), owner);
                        throw e instanceof java.util.concurrent.CompletionException ce ? ce
                                : new java.util.concurrent.CompletionException(e);
                    }
                    String location = "/v1/whip/" + peer.id();
                    return ResponseEntity.created(URI.create(location))
                            .header(HttpHeaders.CONTENT_TYPE, SDP)
                            .header(HttpHeaders.ETAG, "\"" + pc.localDescription().sdp().hashCode() + "\"")
                            .body(pc.localDescription().sdp());
                });
    }

    @DeleteMapping("/{id}")
    public ResponseEntity<Void> stop(@PathVariable String id) {
        registry.close(id, Owner.current());
        return ResponseEntity.ok().build();
    }

    /** Trickled candidates (RFC 8840 sdpfrag); an ICE restart through PATCH is not supported. */
    @PatchMapping(path = "/{id}", consumes = SDPFRAG)
    public CompletableFuture<ResponseEntity<Void>> trickle(@PathVariable String id, @RequestBody String fragment) {
        ManagedPeer peer = registry.get(id, Owner.current());
        RTCPeerConnection pc = peer.pc();
        SdpFrag frag = SdpFrag.parse(fragment);
        String remoteUfrag = currentRemoteUfrag(pc);
        if (frag.ufrag() != null && remoteUfrag != null && !frag.ufrag().equals(remoteUfrag)) {
            throw new NotSupportedError("ICE restart through PATCH is not supported; start a new session");
        }
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (RTCIceCandidateInit c : frag.candidates()) {
            chain = chain.thenCompose(v -> pc.addIceCandidate(c));
        }
        if (frag.end()) {
            chain = chain.thenCompose(v -> pc.addIceCandidate(new RTCIceCandidateInit("", null, null, frag.ufrag())));
        }
        return chain.thenApply(v -> ResponseEntity.noContent().build());
    }

    /** A trickle-ice-sdpfrag body: the ufrag it names, its candidates (with their mid), end-of-candidates. */
    record SdpFrag(String ufrag, List<RTCIceCandidateInit> candidates, boolean end) {

        static SdpFrag parse(String fragment) {
            String ufrag = null;
            String mid = null;
            List<RTCIceCandidateInit> candidates = new ArrayList<>();
            boolean end = false;
            for (String raw : fragment.split("\r?\n")) {
                String line = raw.strip();
                if (line.startsWith("a=ice-ufrag:")) {
                    ufrag = line.substring("a=ice-ufrag:".length());
                } else if (line.startsWith("a=ice-pwd:")) {
                    continue;
                } else if (line.startsWith("a=mid:")) {
                    mid = line.substring("a=mid:".length());
                } else if (line.startsWith("a=candidate:")) {
                    candidates.add(new RTCIceCandidateInit(line.substring(2), mid, mid == null ? 0 : null, ufrag));
                } else if (line.equals("a=end-of-candidates")) {
                    end = true;
                } else if (!line.isEmpty() && !line.startsWith("a=group:") && !line.startsWith("m=")
                        && !line.startsWith("a=ice-options:")) {
                    throw new SyntaxError("unexpected line in trickle-ice-sdpfrag: " + line);
                }
            }
            return new SdpFrag(ufrag, candidates, end);
        }
    }

    private static String currentRemoteUfrag(RTCPeerConnection pc) {
        RTCSessionDescription d = pc.remoteDescription();
        if (d == null) {
            return null;
        }
        for (String line : d.sdp().split("\r\n")) {
            if (line.startsWith("a=ice-ufrag:")) {
                return line.substring("a=ice-ufrag:".length());
            }
        }
        return null;
    }
}
