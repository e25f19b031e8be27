package io.sluice.gateway.testing;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples this JVM's heap while something runs: {@link java.lang.management.MemoryMXBean}'s heap
 * use (live data plus garbage not yet collected) and, after every collection, what the heap pools
 * kept ({@link MemoryPoolMXBean#getCollectionUsage()}): the live set, which is what grows when
 * something holds on to data. The baseline is taken right after a full collection at start.
 */
public final class HeapSampler implements AutoCloseable {

    private static final long PERIOD_MS = 20;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "heap-sampler");
        t.setDaemon(true);
        return t;
    });
    private final long baseline;
    private final long collectionsAtStart;
    private volatile long maxUsed;
    private volatile long maxAfterCollection;
    private volatile long samples;

    private HeapSampler() {
        System.gc();
        this.baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        this.collectionsAtStart = collections();
        this.maxUsed = baseline;
        this.maxAfterCollection = baseline;
        timer.scheduleAtFixedRate(this::sample, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** Collects fully, takes the baseline and starts sampling every 20 ms. */
    public static HeapSampler start() {
        return new HeapSampler();
    }

    private void sample() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        maxUsed = Math.max(maxUsed, heap.getUsed());
        if (collections() > collectionsAtStart) {
            maxAfterCollection = Math.max(maxAfterCollection, afterLastCollection());
        }
        samples++;
    }

    /** Heap kept by the last collection of each heap pool, summed. */
    static long afterLastCollection() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage u = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (u != null) {
                sum += u.getUsed();
            }
        }
        return sum;
    }

    static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    /** Heap in use right after the full collection at start. */
    public long baseline() {
        return baseline;
    }

    /** The most the live set (heap after a collection) grew above the baseline while sampling. */
    public long liveGrowth() {
        return Math.max(0, maxAfterCollection - baseline);
    }

    /** Most heap in use at any sample, garbage included. */
    public long maxUsed() {
        return maxUsed;
    }

    /** Collections since the start: with none, {@link #liveGrowth()} saw nothing. */
    public long collectionsSinceStart() {
        return collections() - collectionsAtStart;
    }

    @Override
    public void close() {
        if (collections() == collectionsAtStart) {
            // A run too short for a collection: one now, so that the live set it left is known.
            System.gc();
            sample();
        }
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
    }

    @Override
    public String toString() {
        return String.format("heap: baseline %.1f MiB, live set grew by at most %.1f MiB (%d collections), "
                + "at most %.1f MiB in use (%d samples)", baseline / 1048576.0, liveGrowth() / 1048576.0,
                collectionsSinceStart(), maxUsed / 1048576.0, samples);
    }
}
