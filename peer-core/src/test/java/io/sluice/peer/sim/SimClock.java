package io.sluice.peer.sim;

/** Simulated time in nanoseconds; starts at an arbitrary origin so cores cannot assume zero. */
public final class SimClock {

    public static final long MS = 1_000_000L;
    public static final long SECOND = 1_000 * MS;

    private long now = 1_000 * SECOND;

    public long now() {
        return now;
    }

    public void advanceTo(long t) {
        if (t > now) {
            now = t;
        }
    }

    public void advance(long nanos) {
        now += nanos;
    }
}
