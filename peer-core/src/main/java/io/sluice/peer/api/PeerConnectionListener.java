package io.sluice.peer.api;

/**
 * The events of an {@link RTCPeerConnection}, one method per W3C event, Java-cased
 * ({@code icecandidate} is {@link #onIceCandidate}). Called on the peer's event loop, in the order
 * the W3C specification fires them; a listener must not block. A listener may call the peer's API:
 * the call is queued behind the current one, never re-entered.
 */
public interface PeerConnectionListener {

    default void onSignalingStateChange(RTCSignalingState state) {
    }

    default void onIceGatheringStateChange(RTCIceGatheringState state) {
    }

    default void onIceConnectionStateChange(RTCIceConnectionState state) {
    }

    default void onConnectionStateChange(RTCPeerConnectionState state) {
    }

    /** A local candidate to signal; {@code event.candidate()} is null once gathering is complete. */
    default void onIceCandidate(RTCPeerConnectionIceEvent event) {
    }

    default void onIceCandidateError(RTCPeerConnectionIceErrorEvent event) {
    }

    default void onNegotiationNeeded() {
    }

    /** The remote opened a data channel (W3C {@code datachannel}); its {@code open} event follows. */
    default void onDataChannel(RTCDataChannel channel) {
    }

    /**
     * A listener of this connection ({@code channel} null) or of one of its data channels threw (a
     * Sluice extension). That is a bug of the application: it is counted ({@code listenerFailures}
     * in the {@code peer-connection} stats) and reported here, so that it is never only a log line.
     */
    default void onListenerFailure(RTCDataChannel channel, RuntimeException failure) {
    }
}
