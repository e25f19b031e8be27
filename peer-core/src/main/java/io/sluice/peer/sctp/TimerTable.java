package io.sluice.peer.sctp;

import java.util.Arrays;

/** Deadlines indexed by {@link SctpTimer}: {@code Long.MAX_VALUE} when stopped. */
final class TimerTable {

    private static final SctpTimer[] ALL = SctpTimer.values();
    private final long[] deadlines = new long[ALL.length];
    /** Expirations since the timer was last started fresh (for backoff and give-up counts). */
    private final int[] expirations = new int[ALL.length];

    TimerTable() {
        Arrays.fill(deadlines, Long.MAX_VALUE);
    }

    void start(SctpTimer t, long at) {
        deadlines[t.ordinal()] = at;
    }

    void stop(SctpTimer t) {
        deadlines[t.ordinal()] = Long.MAX_VALUE;
        expirations[t.ordinal()] = 0;
    }

    void stopAll() {
        Arrays.fill(deadlines, Long.MAX_VALUE);
        Arrays.fill(expirations, 0);
    }

    boolean running(SctpTimer t) {
        return deadlines[t.ordinal()] != Long.MAX_VALUE;
    }

    long deadline(SctpTimer t) {
        return deadlines[t.ordinal()];
    }

    /** Counts an expiry and returns how many there have been since the last {@link #stop}. */
    int expired(SctpTimer t) {
        deadlines[t.ordinal()] = Long.MAX_VALUE;
        return ++expirations[t.ordinal()];
    }

    int expirations(SctpTimer t) {
        return expirations[t.ordinal()];
    }

    /** The earliest deadline, or {@code Long.MAX_VALUE}. */
    long next() {
        long m = Long.MAX_VALUE;
        for (long d : deadlines) {
            m = Math.min(m, d);
        }
        return m;
    }

    /** The timer due soonest at or before {@code now}, or null. */
    SctpTimer due(long now) {
        SctpTimer best = null;
        long bestAt = Long.MAX_VALUE;
        for (int i = 0; i < deadlines.length; i++) {
            if (deadlines[i] <= now && deadlines[i] < bestAt) {
                bestAt = deadlines[i];
                best = ALL[i];
            }
        }
        return best;
    }

    /** The timer behind {@link #next()}, for logs; null when none runs. */
    SctpTimer nextReason() {
        return due(Long.MAX_VALUE - 1);
    }
}
