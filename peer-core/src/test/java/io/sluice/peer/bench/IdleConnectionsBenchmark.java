package io.sluice.peer.bench;

import io.sluice.peer.api.PeerConnectionListener;
import io.sluice.peer.api.PeerConnectionSettings;
import io.sluice.peer.api.RTCConfiguration;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.api.RTCPeerConnectionIceEvent;
import io.sluice.peer.api.RTCPeerConnectionState;
import io.sluice.peer.net.AddressFilter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Heap per connected, idle peer-core connection: N connections (N/2 pairs over 127.0.0.1, each
 * side with its own socket) are connected, the heap is measured after full GCs, against the heap
 * before any was made. Threads are counted too: connections must not own threads.
 *
 * <p>Run: {@code bench/peer-core.sh IdleConnectionsBenchmark [connections]}.
 */
public final class IdleConnectionsBenchmark {

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        PeerConnectionSettings settings = PeerConnectionSettings.defaults()
                .withAddressFilter(AddressFilter.only(List.of(InetAddress.getByName("127.0.0.1"))));
        // Warm up: one pair, so classes, pools and loops exist before the baseline.
        List<RTCPeerConnection> warm = connectPairs(1, settings);
        closeAll(warm);
        long before = usedHeapAfterGc();
        int threadsBefore = Thread.activeCount();
        long t0 = System.nanoTime();
        List<RTCPeerConnection> all = connectPairs(connections / 2, settings);
        long t1 = System.nanoTime();
        TimeUnit.SECONDS.sleep(2); // let handshake leftovers go idle before measuring
        long after = usedHeapAfterGc();
        int threadsAfter = Thread.activeCount();
        long connected = all.stream().filter(pc -> pc.connectionState() == RTCPeerConnectionState.CONNECTED).count();
        System.out.printf("%d connections made and connected in %.1f s (%d connected at measurement)%n", all.size(),
                (t1 - t0) / 1e9, connected);
        System.out.printf("heap: %.1f MiB before, %.1f MiB after: %.1f KiB per connection%n", before / 1048576.0,
                after / 1048576.0, (after - before) / 1024.0 / all.size());
        System.out.printf("threads: %d before, %d after%n", threadsBefore, threadsAfter);
        closeAll(all);
        System.exit(0);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 4; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return mem.getHeapMemoryUsage().getUsed();
    }

    private static void closeAll(List<RTCPeerConnection> pcs) throws Exception {
        for (RTCPeerConnection pc : pcs) {
            pc.close();
        }
        for (RTCPeerConnection pc : pcs) {
            pc.closeFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** Connects {@code pairs} pairs, a batch at a time, exchanging complete descriptions. */
    static List<RTCPeerConnection> connectPairs(int pairs, PeerConnectionSettings settings) throws Exception {
        List<RTCPeerConnection> all = new ArrayList<>();
        int batch = 50;
        for (int start = 0; start < pairs; start += batch) {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int i = start; i < Math.min(pairs, start + batch); i++) {
                RTCPeerConnection a = new RTCPeerConnection(RTCConfiguration.defaults(), settings);
                RTCPeerConnection b = new RTCPeerConnection(RTCConfiguration.defaults(), settings);
                all.add(a);
                all.add(b);
                CompletableFuture<Void> ga = gathered(a);
                CompletableFuture<Void> gb = gathered(b);
                CompletableFuture<Void> ca = connected(a);
                CompletableFuture<Void> cb = connected(b);
                a.createDataChannel("idle");
                CompletableFuture<Void> f = a.setLocalDescription().thenCompose(v -> ga)
                        .thenCompose(v -> b.setRemoteDescription(a.localDescription()))
                        .thenCompose(v -> b.setLocalDescription()).thenCompose(v -> gb)
                        .thenCompose(v -> a.setRemoteDescription(b.localDescription()))
                        .thenCompose(v -> CompletableFuture.allOf(ca, cb));
                done.add(f);
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
        return all;
    }

    private static CompletableFuture<Void> gathered(RTCPeerConnection pc) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        pc.addListener(new PeerConnectionListener() {
            @Override
            public void onIceCandidate(RTCPeerConnectionIceEvent event) {
                if (event.candidate() == null) {
                    f.complete(null);
                }
            }
        });
        return f;
    }

    private static CompletableFuture<Void> connected(RTCPeerConnection pc) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        pc.addListener(new PeerConnectionListener() {
            @Override
            public void onConnectionStateChange(RTCPeerConnectionState state) {
                if (state == RTCPeerConnectionState.CONNECTED) {
                    f.complete(null);
                }
            }
        });
        return f;
    }
}
