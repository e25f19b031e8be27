package io.sluice.gateway.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.api.PeerConnectionListener;
import io.sluice.peer.api.PeerConnectionSettings;
import io.sluice.peer.api.RTCConfiguration;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.api.RTCPeerConnectionIceEvent;
import io.sluice.peer.api.RTCPeerConnectionState;
import io.sluice.peer.api.RTCSessionDescription;
import io.sluice.peer.interop.Interop;
import io.sluice.peer.net.AddressFilter;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Closing frees everything: 2,000 gateway peers (on the shared UDP port) are created, connected to
 * as many peer-core remotes, and closed; file descriptors, threads and heap come back to their
 * baseline.
 */
@SpringBootTest(properties = {"sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1"})
@Timeout(240)
class PeerLifecycleLeakTest {

    private static final int PEERS = 2000;
    private static final int BATCH = 100;

    @Autowired
    PeerRegistry registry;

    private static int openFiles() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /** Threads of the DTLS handshake pool, made on demand. */
    private static long handshakeThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("sluice-dtls")).count();
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static CompletableFuture<Void> when(RTCPeerConnection pc, boolean gathered) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        pc.addListener(new PeerConnectionListener() {
            @Override
            public void onIceCandidate(RTCPeerConnectionIceEvent event) {
                if (gathered && event.candidate() == null) {
                    f.complete(null);
                }
            }

            @Override
            public void onConnectionStateChange(RTCPeerConnectionState state) {
                if (!gathered && state == RTCPeerConnectionState.CONNECTED) {
                    f.complete(null);
                }
            }
        });
        return f;
    }

    private void cycle(int count) throws Exception {
        PeerConnectionSettings remoteSettings = PeerConnectionSettings.defaults()
                .withAddressFilter(AddressFilter.only(List.of(InetAddress.getByName("127.0.0.1"))));
        for (int start = 0; start < count; start += BATCH) {
            List<RTCPeerConnection> remotes = new ArrayList<>();
            List<ManagedPeer> ours = new ArrayList<>();
            List<CompletableFuture<Void>> connected = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                ManagedPeer p = registry.create(RTCConfiguration.defaults(), Map.of(), null);
                RTCPeerConnection r = new RTCPeerConnection(RTCConfiguration.defaults(), remoteSettings);
                ours.add(p);
                remotes.add(r);
                CompletableFuture<Void> rg = when(r, true);
                CompletableFuture<Void> rc = when(r, false);
                CompletableFuture<Void> pcConnected = when(p.pc(), false);
                r.createDataChannel("x");
                connected.add(r.setLocalDescription().thenCompose(v -> rg)
                        .thenCompose(v -> p.pc().setRemoteDescription(r.localDescription()))
                        .thenCompose(v -> p.pc().setLocalDescription())
                        .thenCompose(v -> p.gatheringComplete())
                        .thenCompose(v -> r.setRemoteDescription(RTCSessionDescription.answer(
                                p.pc().localDescription().sdp())))
                        .thenCompose(v -> CompletableFuture.allOf(rc, pcConnected)));
            }
            CompletableFuture.allOf(connected.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            for (int i = 0; i < BATCH; i++) {
                registry.close(ours.get(i).id(), null);
                remotes.get(i).close();
            }
            for (int i = 0; i < BATCH; i++) {
                ours.get(i).pc().closeFuture().get(10, TimeUnit.SECONDS);
                remotes.get(i).closeFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void createConnectAndCloseTwoThousandPeers() throws Exception {
        cycle(BATCH); // warm up: classes, pools, loops
        // Let the warm-up's handshake threads retire (5 s idle) so the baseline is the idle one.
        Interop.waitFor(() -> handshakeThreads() == 0, Duration.ofSeconds(20), "handshake threads retiring");
        int threadsIdle = Thread.activeCount() + 2;
        int fdsBefore = openFiles();
        long heapBefore = heapAfterGc();

        cycle(PEERS);

        assertThat(registry.size()).isZero();
        Interop.waitFor(() -> openFiles() <= fdsBefore + 5, Duration.ofSeconds(10),
                "file descriptors back to " + fdsBefore);
        // Handshake threads are made on demand and retire after 5 s idle, as after the warm-up.
        Interop.waitFor(() -> handshakeThreads() == 0 && Thread.activeCount() <= threadsIdle,
                Duration.ofSeconds(20), "threads back to " + threadsIdle);
        long heapAfter = heapAfterGc();
        System.out.printf("2000 peers: fds %d -> %d, threads %d -> %d, heap %.1f MiB -> %.1f MiB%n", fdsBefore,
                openFiles(), threadsIdle, Thread.activeCount(), heapBefore / 1048576.0, heapAfter / 1048576.0);
        assertThat(heapAfter).isLessThan(heapBefore + 16L * 1024 * 1024);
    }
}
