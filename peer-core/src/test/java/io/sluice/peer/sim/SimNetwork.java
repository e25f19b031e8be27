package io.sluice.peer.sim;

import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * A seeded discrete-event network between two {@link SimNode}s, A and B. {@link #progress()} moves
 * the packets the nodes emitted onto the links, then jumps the clock to the earliest packet
 * delivery or node deadline and handles it. Nothing sleeps; a run replays exactly from its seed.
 */
public final class SimNetwork {

    private record InFlight(long at, long seq, boolean toB, byte[] data) {
    }

    private final SimClock clock;
    private final Random random;
    private final long seed;
    private final SimNode a;
    private final SimNode b;
    private SimLink aToB;
    private SimLink bToA;
    private final PriorityQueue<InFlight> inFlight = new PriorityQueue<>(
            (x, y) -> x.at != y.at ? Long.compare(x.at, y.at) : Long.compare(x.seq, y.seq));
    private long seq;
    private long busyUntilAB;
    private long busyUntilBA;
    private long queuedAB;
    private long queuedBA;

    public long packetsAB;
    public long packetsBA;
    public long bytesAB;
    public long bytesBA;
    public long droppedAB;
    public long droppedBA;

    public SimNetwork(long seed, SimClock clock, SimNode a, SimNode b, SimLink aToB, SimLink bToA) {
        this.seed = seed;
        this.clock = clock;
        this.random = new Random(seed);
        this.a = a;
        this.b = b;
        this.aToB = aToB;
        this.bToA = bToA;
    }

    public long seed() {
        return seed;
    }

    public SimClock clock() {
        return clock;
    }

    public long now() {
        return clock.now();
    }

    public void setLinks(SimLink aToB, SimLink bToA) {
        this.aToB = aToB;
        this.bToA = bToA;
    }

    /** Moves emitted packets onto the links. */
    public void pump() {
        byte[] p;
        while ((p = a.pollTransmit()) != null) {
            send(p, true);
        }
        while ((p = b.pollTransmit()) != null) {
            send(p, false);
        }
    }

    private void send(byte[] p, boolean toB) {
        SimLink l = toB ? aToB : bToA;
        if (toB) {
            packetsAB++;
            bytesAB += p.length;
        } else {
            packetsBA++;
            bytesBA += p.length;
        }
        if (p.length > l.mtu() || l.drop().test(p) || (l.loss() > 0 && random.nextDouble() < l.loss())) {
            countDrop(toB);
            return;
        }
        long now = clock.now();
        long departs = now;
        if (l.bytesPerSecond() > 0) {
            long busy = toB ? busyUntilAB : busyUntilBA;
            long start = Math.max(now, busy);
            long backlog = (start - now) * l.bytesPerSecond() / SimClock.SECOND;
            if (l.queueBytes() > 0 && backlog + p.length > l.queueBytes()) {
                countDrop(toB);
                return;
            }
            departs = start + p.length * SimClock.SECOND / l.bytesPerSecond();
            if (toB) {
                busyUntilAB = departs;
            } else {
                busyUntilBA = departs;
            }
        }
        long at = departs + l.latencyNanos();
        if (l.jitterNanos() > 0) {
            at += (long) (random.nextDouble() * l.jitterNanos());
        }
        if (l.reorder() > 0 && random.nextDouble() < l.reorder()) {
            at += (long) (random.nextDouble() * 3 * Math.max(l.latencyNanos(), SimClock.MS));
        }
        inFlight.add(new InFlight(at, seq++, toB, p));
        if (l.duplicate() > 0 && random.nextDouble() < l.duplicate()) {
            inFlight.add(new InFlight(at + (long) (random.nextDouble() * Math.max(l.latencyNanos(), SimClock.MS)),
                    seq++, toB, p.clone()));
        }
    }

    private void countDrop(boolean toB) {
        if (toB) {
            droppedAB++;
        } else {
            droppedBA++;
        }
    }

    /** When the next thing happens: a delivery or a node deadline; {@code Long.MAX_VALUE} if nothing will. */
    public long nextEventTime() {
        long t = Math.min(a.nextDeadline(), b.nextDeadline());
        InFlight f = inFlight.peek();
        return f == null ? t : Math.min(t, f.at);
    }

    /** One step: pump, jump to the earliest event, handle everything due then. False if nothing will ever happen. */
    public boolean progress() {
        pump();
        long t = nextEventTime();
        if (t == Long.MAX_VALUE) {
            return false;
        }
        clock.advanceTo(t);
        long now = clock.now();
        while (!inFlight.isEmpty() && inFlight.peek().at <= now) {
            InFlight f = inFlight.poll();
            (f.toB ? b : a).handlePacket(now, f.data);
            pump();
        }
        if (a.nextDeadline() <= now) {
            a.handleTimeout(now);
        }
        if (b.nextDeadline() <= now) {
            b.handleTimeout(now);
        }
        pump();
        return true;
    }

    /** Progresses until {@code done} holds; false if the simulated-time budget ran out first (or all went quiet). */
    public boolean runUntil(BooleanSupplier done, long budgetNanos) {
        long end = clock.now() + budgetNanos;
        while (!done.getAsBoolean()) {
            pump();
            long t = nextEventTime();
            if (t > end) {
                clock.advanceTo(end);
                return done.getAsBoolean();
            }
            if (!progress()) {
                return done.getAsBoolean();
            }
        }
        return true;
    }

    /** Progresses for {@code nanos} of simulated time. */
    public void runFor(long nanos) {
        long end = clock.now() + nanos;
        while (true) {
            pump();
            long t = nextEventTime();
            if (t > end) {
                clock.advanceTo(end);
                return;
            }
            progress();
        }
    }

    public int packetsInFlight() {
        return inFlight.size();
    }
}
