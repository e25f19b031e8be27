package io.sluice.peer.sctp;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.sim.SimClock;
import io.sluice.peer.sim.SimLink;
import io.sluice.peer.sim.SimNetwork;

/** Two associations on a seeded simulated network. */
final class SctpPair {

    static final long MS = SimClock.MS;
    static final long SECOND = SimClock.SECOND;

    final SctpNode a;
    final SctpNode b;
    final SimNetwork net;

    SctpPair(long seed, SctpOptions options, SimLink link) {
        this(seed, options, options, link, link);
    }

    SctpPair(long seed, SctpOptions options, SimLink ab, SimLink ba) {
        this(seed, options, options, ab, ba);
    }

    SctpPair(long seed, SctpOptions oa, SctpOptions ob, SimLink ab, SimLink ba) {
        a = new SctpNode("A", oa, seed * 31 + 1);
        b = new SctpNode("B", ob, seed * 31 + 2);
        net = new SimNetwork(seed, new SimClock(), a, b, ab, ba);
    }

    long now() {
        return net.now();
    }

    /** A connects, B listens; runs until both are connected. */
    SctpPair connect() {
        a.assoc.connect(now());
        assertThat(net.runUntil(() -> a.connected() && b.connected(), 120 * SECOND))
                .as("connected within budget (seed %d)", net.seed()).isTrue();
        return this;
    }

    boolean run(java.util.function.BooleanSupplier done, long budget) {
        return net.runUntil(done, budget);
    }
}
