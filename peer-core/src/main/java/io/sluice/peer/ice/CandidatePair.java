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

    public CandidatePair {
        Objects.requireNonNull(local);
        Objects.requireNonNull(remote);
        Objects.requireNonNull(state);
    }

    /**
     * Pair priority (RFC 8445 §6.1.2.3), with G the controlling agent's candidate priority and D
     * the controlled agent's: {@code 2^32 * min(G, D) + 2 * max(G, D) + (G > D ? 1 : 0)}.
     */
    public static long priority(long controllingPriority, long controlledPriority) {
        long g = controllingPriority;
        long d = controlledPriority;
        return (Math.min(g, d) << 32) + 2 * Math.max(g, d) + (g > d ? 1 : 0);
    }
}
