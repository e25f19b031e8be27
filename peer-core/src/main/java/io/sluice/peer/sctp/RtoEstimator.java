package io.sluice.peer.sctp;

/** RTO calculation of RFC 9260 §6.3.1 (SRTT, RTTVAR, alpha 1/8, beta 1/4), in nanoseconds. */
final class RtoEstimator {

    private final long min;
    private final long max;
    private long srtt;
    private long rttvar;
    private long rto;
    private boolean measured;

    RtoEstimator(long initialNanos, long minNanos, long maxNanos) {
        this.min = minNanos;
        this.max = maxNanos;
        this.rto = initialNanos;
    }

    void measure(long rttNanos) {
        if (rttNanos < 0) {
            return;
        }
        if (!measured) {
            srtt = rttNanos;
            rttvar = rttNanos / 2;
            measured = true;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - rttNanos)) / 4;
            srtt = (7 * srtt + rttNanos) / 8;
        }
        // A clock granularity G of 1 ms (RFC: RTO = SRTT + max(G, 4*RTTVAR)).
        rto = Math.max(min, Math.min(max, srtt + Math.max(1_000_000L, 4 * rttvar)));
    }

    /** §6.3.3 E2: double the RTO on a retransmission timeout. */
    void backoff() {
        rto = Math.min(max, rto * 2);
    }

    long rto() {
        return rto;
    }

    long srtt() {
        return srtt;
    }

    boolean measured() {
        return measured;
    }
}
