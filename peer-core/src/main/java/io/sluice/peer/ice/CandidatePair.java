package io.sluice.peer.ice;

import java.util.Objects;

/**
 * An immutable snapshot of a candidate pair. {@code local} is the local candidate the pair is
 * valid for: the host candidate it was formed with, or, after a check succeeded through a NAT, the
 * (server- or peer-)reflexive candidate matching the mapped address; its {@code base()} is where
 * to send from. {@code remote().address()} is where to send to.
 */
public record CandidatePair(Candidate local, Candidate remote, long priority, PairState state,
        boolean nominated) {

    /** The largest candidate priority RFC 8445 §5.1.2.1 allows. */
    public static final long MAX_CANDIDATE_PRIORITY = 0x7fffffffL;

    public CandidatePair {
        Objects.requireNonNull(local);
        Objects.requireNonNull(remote);
        Objects.requireNonNull(state);
    }

    /**
     * Pair priority (RFC 8445 §6.1.2.3), with G the controlling agent's candidate priority and D
     * the controlled agent's: {@code 2^32 * min(G, D) + 2 * max(G, D) + (G > D ? 1 : 0)}. Candidate
     * priorities are at most 2^31 - 1 (RFC 8445 §5.1.2.1); larger values a peer may signal are
     * clamped to it, so the result always fits in a non-negative long.
     */
    public static long priority(long controllingPriority, long controlledPriority) {
        long g = Math.max(0, Math.min(controllingPriority, MAX_CANDIDATE_PRIORITY));
        long d = Math.max(0, Math.min(controlledPriority, MAX_CANDIDATE_PRIORITY));
        return (Math.min(g, d) << 32) + 2 * Math.max(g, d) + (g > d ? 1 : 0);
    }
}
