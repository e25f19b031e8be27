package io.sluice.peer.api;

/**
 * W3C RTCPeerConnectionIceEvent: a local candidate to signal, or {@code candidate == null} once
 * gathering is complete.
 */
public record RTCPeerConnectionIceEvent(RTCIceCandidate candidate, String url) {
}
