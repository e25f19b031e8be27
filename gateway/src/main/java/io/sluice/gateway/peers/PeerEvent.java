package io.sluice.gateway.peers;

import java.util.Map;

/**
 * One event of a peer or of one of its channels, as the API publishes it: a page-wide sequence
 * number (SSE ids, for resuming), the W3C event type and its fields.
 */
public record PeerEvent(long seq, String peerId, String type, long timestamp, Map<String, Object> data) {
}
