package io.sluice.peer.sim;

import java.util.function.Predicate;

/**
 * The conditions of one direction of a {@link SimNetwork} link. All probabilities are per packet,
 * drawn from the network's seeded random source.
 *
 * @param latencyNanos one-way delay
 * @param jitterNanos uniform extra delay in [0, jitter) (reorders packets when larger than their spacing)
 * @param loss Bernoulli loss probability
 * @param reorder probability of an extra delay of up to 3 latencies (reordering beyond jitter)
 * @param duplicate probability of delivering a packet twice
 * @param mtu packets larger than this are dropped
 * @param bytesPerSecond serialization rate (a bottleneck with an unbounded queue up to {@code queueBytes}); 0 for infinite
 * @param queueBytes tail-drop bound of the bottleneck queue; 0 for unbounded
 * @param drop packets matching this are dropped (fault injection on chosen packets), before random loss
 */
public record SimLink(long latencyNanos, long jitterNanos, double loss, double reorder, double duplicate, int mtu,
        long bytesPerSecond, long queueBytes, Predicate<byte[]> drop) {

    public static SimLink ideal() {
        return new SimLink(0, 0, 0, 0, 0, 65535, 0, 0, p -> false);
    }

    public static SimLink delay(long latencyNanos) {
        return new SimLink(latencyNanos, 0, 0, 0, 0, 65535, 0, 0, p -> false);
    }

    public SimLink withLoss(double v) {
        return new SimLink(latencyNanos, jitterNanos, v, reorder, duplicate, mtu, bytesPerSecond, queueBytes, drop);
    }

    public SimLink withJitter(long v) {
        return new SimLink(latencyNanos, v, loss, reorder, duplicate, mtu, bytesPerSecond, queueBytes, drop);
    }

    public SimLink withReorder(double v) {
        return new SimLink(latencyNanos, jitterNanos, loss, v, duplicate, mtu, bytesPerSecond, queueBytes, drop);
    }

    public SimLink withDuplicate(double v) {
        return new SimLink(latencyNanos, jitterNanos, loss, reorder, v, mtu, bytesPerSecond, queueBytes, drop);
    }

    public SimLink withMtu(int v) {
        return new SimLink(latencyNanos, jitterNanos, loss, reorder, duplicate, v, bytesPerSecond, queueBytes, drop);
    }

    public SimLink withBandwidth(long bytesPerSecond, long queueBytes) {
        return new SimLink(latencyNanos, jitterNanos, loss, reorder, duplicate, mtu, bytesPerSecond, queueBytes, drop);
    }

    public SimLink withDrop(Predicate<byte[]> v) {
        return new SimLink(latencyNanos, jitterNanos, loss, reorder, duplicate, mtu, bytesPerSecond, queueBytes, v);
    }
}
