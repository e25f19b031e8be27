package io.sluice.gateway.api;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.sluice.peer.api.RTCBundlePolicy;
import io.sluice.peer.api.RTCConfiguration;
import io.sluice.peer.api.RTCIceCandidate;
import io.sluice.peer.api.RTCIceCandidateInit;
import io.sluice.peer.api.RTCIceServer;
import io.sluice.peer.api.RTCIceTransportPolicy;
import io.sluice.peer.api.RTCRtcpMuxPolicy;
import io.sluice.peer.api.RTCSdpType;
import io.sluice.peer.api.RTCSessionDescription;
import io.sluice.peer.api.error.TypeError;
import io.sluice.gateway.peers.ManagedPeer;
import io.sluice.peer.api.RTCPeerConnection;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the REST API: W3C dictionaries, W3C spellings. */
public final class Dtos {

    private Dtos() {
    }

    /** W3C RTCIceServer; {@code urls} may be one string or a list. The credential is never echoed back. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record IceServer(@JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> urls,
            String username, String credential) {
    }

    /**
     * W3C RTCConfiguration; {@code certificates} are ids from generateCertificate (none: a fresh
     * ECDSA certificate).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Configuration(List<IceServer> iceServers, String iceTransportPolicy, String bundlePolicy,
            String rtcpMuxPolicy, Integer iceCandidatePoolSize, List<String> certificates) {

        RTCConfiguration toRtc() {
            return toRtc(id -> {
                throw new TypeError("certificates are not accepted here");
            });
        }

        RTCConfiguration toRtc(java.util.function.Function<String, io.sluice.peer.api.RTCCertificate> lookup) {
            RTCConfiguration.Builder b = RTCConfiguration.builder();
            if (certificates != null && !certificates.isEmpty()) {
                List<io.sluice.peer.api.RTCCertificate> list = new java.util.ArrayList<>();
                for (String id : certificates) {
                    io.sluice.peer.api.RTCCertificate c = lookup.apply(id);
                    if (c == null) {
                        throw new io.sluice.peer.api.error.InvalidAccessError("no certificate " + id);
                    }
                    list.add(c);
                }
                b.certificates(list);
            }
            if (iceServers != null) {
                for (IceServer s : iceServers) {
                    if (s == null || s.urls() == null) {
                        throw new TypeError("iceServers[].urls is required");
                    }
                    for (String url : s.urls()) {
                        if (url == null) {
                            throw new TypeError("iceServers[].urls holds a null");
                        }
                    }
                    b.iceServer(new RTCIceServer(s.urls(), s.username(), s.credential()));
                }
            }
            if (iceTransportPolicy != null) {
                b.iceTransportPolicy(parse(RTCIceTransportPolicy.fromSpec(iceTransportPolicy), "iceTransportPolicy",
                        iceTransportPolicy));
            }
            if (bundlePolicy != null) {
                b.bundlePolicy(parse(RTCBundlePolicy.fromSpec(bundlePolicy), "bundlePolicy", bundlePolicy));
            }
            if (rtcpMuxPolicy != null) {
                b.rtcpMuxPolicy(parse(RTCRtcpMuxPolicy.fromSpec(rtcpMuxPolicy), "rtcpMuxPolicy", rtcpMuxPolicy));
            }
            if (iceCandidatePoolSize != null) {
                b.iceCandidatePoolSize(iceCandidatePoolSize);
            }
            return b.build();
        }

        static Configuration of(RTCConfiguration c) {
            List<IceServer> servers = c.iceServers().stream()
                    .map(s -> new IceServer(s.urls(), s.username(), null)).toList();
            return new Configuration(servers, c.iceTransportPolicy().spec(), c.bundlePolicy().spec(),
                    c.rtcpMuxPolicy().spec(), c.iceCandidatePoolSize(), null);
        }
    }

    static <T> T parse(T value, String field, String text) {
        if (value == null) {
            throw new TypeError(field + ": '" + text + "' is not a valid value");
        }
        return value;
    }

    /** Body of "create a peer": the W3C configuration plus gateway options. */
    public record CreatePeer(Configuration configuration, Map<String, String> metadata, PeerLimits limits,
            List<io.sluice.gateway.bridge.Bridges.Declaration> bridges) {
    }

    /**
     * Per-peer limits, within the gateway's own: data channels open at once, and how long the peer
     * may take to connect before it is closed.
     */
    public record PeerLimits(Integer maxChannels, Integer connectTimeoutSeconds) {
    }

    /** W3C RTCSessionDescriptionInit. */
    public record Description(String type, String sdp) {

        RTCSessionDescription toRtc() {
            if (type == null) {
                throw new TypeError("description.type is required");
            }
            return new RTCSessionDescription(parse(RTCSdpType.fromSpec(type), "type", type), sdp);
        }

        static Description of(RTCSessionDescription d) {
            return d == null ? null : new Description(d.type().spec(), d.sdp());
        }
    }

    /** W3C RTCIceCandidateInit. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Candidate(String candidate, String sdpMid, Integer sdpMLineIndex, String usernameFragment) {

        RTCIceCandidateInit toRtc() {
            return new RTCIceCandidateInit(candidate, sdpMid, sdpMLineIndex, usernameFragment);
        }

        static Candidate of(RTCIceCandidate c) {
            return new Candidate(c.candidate(), c.sdpMid(), c.sdpMLineIndex(), c.usernameFragment());
        }
    }

    /** W3C RTCOfferOptions. */
    public record OfferOptions(Boolean iceRestart) {
    }

    /** The full state of a peer (the W3C attributes of its RTCPeerConnection, plus gateway data). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Peer(String id, Map<String, String> metadata, String createdAt, String signalingState,
            String iceGatheringState, String iceConnectionState, String connectionState,
            Description localDescription, Description remoteDescription, Description currentLocalDescription,
            Description currentRemoteDescription, Description pendingLocalDescription,
            Description pendingRemoteDescription, Boolean canTrickleIceCandidates, Configuration configuration,
            Map<String, Object> sctp) {

        static Peer of(ManagedPeer p) {
            RTCPeerConnection pc = p.pc();
            return new Peer(p.id(), p.metadata(), p.createdAt().toString(), pc.signalingState().spec(),
                    pc.iceGatheringState().spec(), pc.iceConnectionState().spec(), pc.connectionState().spec(),
                    Description.of(pc.localDescription()), Description.of(pc.remoteDescription()),
                    Description.of(pc.currentLocalDescription()), Description.of(pc.currentRemoteDescription()),
                    Description.of(pc.pendingLocalDescription()), Description.of(pc.pendingRemoteDescription()),
                    pc.canTrickleIceCandidates(), Configuration.of(pc.getConfiguration()), sctp(pc));
        }

        /** W3C RTCSctpTransport: state, maxMessageSize, maxChannels; null before it exists. */
        static Map<String, Object> sctp(RTCPeerConnection pc) {
            io.sluice.peer.api.RTCSctpTransport t = pc.sctp();
            if (t == null) {
                return null;
            }
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("state", t.state().spec());
            double max = t.maxMessageSize();
            m.put("maxMessageSize", Double.isInfinite(max) ? null : (long) max);
            m.put("maxChannels", t.maxChannels());
            m.put("transport", Map.of("state", t.transport().state().spec()));
            return m;
        }
    }

    /** A short form for lists. */
    public record PeerSummary(String id, Map<String, String> metadata, String createdAt, String signalingState,
            String connectionState) {

        static PeerSummary of(ManagedPeer p) {
            return new PeerSummary(p.id(), p.metadata(), p.createdAt().toString(),
                    p.pc().signalingState().spec(), p.pc().connectionState().spec());
        }
    }
}
