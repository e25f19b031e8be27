package io.sluice.peer.ice;

import java.util.Map;

/**
 * A snapshot of an agent's counters. {@code dropped} maps a stable reason ("malformed",
 * "not-stun", "bad-fingerprint", "bad-integrity", "unknown-username", "unknown-transaction",
 * "bad-request", "unknown-attribute", "role-conflict", ...) to a count of inbound datagrams
 * discarded or refused for it.
 */
public record IceStats(long checksSent, long checkRetransmissions, long checksReceived, long responsesSent,
        long successResponsesReceived, long errorResponsesReceived, long consentRequestsSent,
        long stunServerRequestsSent, long roleConflicts, Map<String, Long> dropped) {

    public IceStats {
        dropped = Map.copyOf(dropped);
    }

    public long dropped(String reason) {
        return dropped.getOrDefault(reason, 0L);
    }

    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }
}
