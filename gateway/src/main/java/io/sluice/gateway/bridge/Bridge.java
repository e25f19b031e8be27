package io.sluice.gateway.bridge;

import io.sluice.gateway.peers.ManagedPeer;
import io.sluice.peer.api.RTCDataChannel;

/**
 * Connects an open data channel to something outside WebRTC: what the remote sends goes to the
 * bridge's target, and what the target answers comes back on the channel. Bridges are chosen when
 * a peer is created ({@code bridges: [{channels, target}]}) or per endpoint of the one-call form
 * ({@code ?bridge=}).
 */
public interface Bridge {

    /** The name a bridge declaration uses ({@code target}). */
    String name();

    /** Checks a declaration's options (e.g. a callback URL) before any peer uses them; throws a W3C-named error. */
    default void validate(java.util.Map<String, String> options) {
    }

    /** Called on the peer's event loop when a matching channel opens; must not block. */
    void attach(ManagedPeer peer, String channelId, RTCDataChannel channel, java.util.Map<String, String> options);
}
