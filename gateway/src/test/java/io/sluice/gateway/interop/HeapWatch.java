package io.sluice.gateway.interop;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Watches this JVM's heap while a test runs: the used heap sampled every 10 ms through the
 * MemoryMXBean (live data plus garbage not yet collected, so it depends on the collector's
 * pacing), and the heap in use right after each garbage collection, from the collectors'
 * notifications (what was still reachable then: the figure a leak or an unbounded buffer grows).
 * Both are reported against a baseline taken after a full collection at the start.
 */
final class HeapWatch implements AutoCloseable {

    private final long baseline;
    private final AtomicLong peakUsed = new AtomicLong();
    private final AtomicLong peakAfterGc = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    private final List<Runnable> unsubscribe = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean running = true;

    private HeapWatch() {
        System.gc();
        baseline = used();
        peakUsed.set(baseline);
        peakAfterGc.set(baseline);
        NotificationListener listener = (notification, handback) -> {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                return;
            }
            var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            long after = 0;
            for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                if (heapPools.contains(pool.getKey())) {
                    after += pool.getValue().getUsed();
                }
            }
            collections.incrementAndGet();
            peakAfterGc.accumulateAndGet(after, Math::max);
        };
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                unsubscribe.add(() -> {
                    try {
                        emitter.removeNotificationListener(listener);
                    } catch (javax.management.ListenerNotFoundException ignored) {
                        // already gone
                    }
                });
            }
        }
        sampler = new Thread(() -> {
            while (running) {
                peakUsed.accumulateAndGet(used(), Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Takes the baseline (after {@code System.gc()}) and starts watching. */
    static HeapWatch start() {
        return new HeapWatch();
    }

    private static long used() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Highest used heap sampled, above the baseline. */
    long peakUsedAboveBaseline() {
        return peakUsed.get() - baseline;
    }

    /** Highest heap in use right after a collection, above the baseline (0 when none ran). */
    long peakAfterGcAboveBaseline() {
        return Math.max(0, peakAfterGc.get() - baseline);
    }

    /**
     * An upper bound on what stayed reachable during the run, above the baseline: the highest
     * heap in use after a collection; when no collection ran, the heap in use after a full
     * collection at the end.
     */
    long retainedAboveBaseline() {
        if (collections() > 0) {
            return peakAfterGcAboveBaseline();
        }
        // A run too short for a collection: what it left reachable, after a full one now.
        System.gc();
        return Math.max(0, used() - baseline);
    }

    long collections() {
        return collections.get();
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
        unsubscribe.forEach(Runnable::run);
    }

    @Override
    public String toString() {
        return String.format("heap baseline %.1f MiB, peak used +%.1f MiB, peak after GC +%.1f MiB (%d collections)",
                baseline / 1048576.0, peakUsedAboveBaseline() / 1048576.0, peakAfterGcAboveBaseline() / 1048576.0,
                collections());
    }
}
