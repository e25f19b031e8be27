package io.sluice.peer.sctp;

import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot of one association's counters and congestion state ({@link SctpAssociation#stats()}).
 * Drops are counted by reason (metric tag friendly).
 */
public record SctpStats(long packetsSent, long packetsReceived, Map<String, Long> drops, long dataChunksSent,
        long retransmissions, long fastRetransmits, long t3Expiries, long messagesSent, long messagesReceived,
        long messagesAbandoned, long heartbeatsSent, long forwardTsnsSent, long cwnd, long ssthresh,
        long flightSize, long peerRwnd, long advertisedRwnd, long srttNanos, long rtoNanos, long bufferedTotal,
        boolean interleaving) {

    public long dropped() {
        long n = 0;
        for (long v : drops.values()) {
            n += v;
        }
        return n;
    }

    /** Mutable counters behind the snapshot; package-private. */
    static final class Counters {
        long packetsSent;
        long packetsReceived;
        final TreeMap<String, Long> drops = new TreeMap<>();
        long dataChunksSent;
        long retransmissions;
        long fastRetransmits;
        long t3Expiries;
        long messagesSent;
        long messagesReceived;
        long messagesAbandoned;
        long heartbeatsSent;
        long heartbeatsUnanswered;
        long forwardTsnsSent;
        long errorsReceived;

        void drop(String reason) {
            drops.merge(reason, 1L, Long::sum);
        }

        SctpStats snapshot(long cwnd, long ssthresh, long flight, long peerRwnd, long rwnd, long srtt, long rto,
                long buffered, boolean interleaving) {
            return new SctpStats(packetsSent, packetsReceived, Map.copyOf(drops), dataChunksSent, retransmissions,
                    fastRetransmits, t3Expiries, messagesSent, messagesReceived, messagesAbandoned, heartbeatsSent,
                    forwardTsnsSent, cwnd, ssthresh, flight, peerRwnd, rwnd, srtt, rto, buffered, interleaving);
        }
    }
}
