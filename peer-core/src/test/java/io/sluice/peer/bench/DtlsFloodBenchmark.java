package io.sluice.peer.bench;

import io.sluice.peer.api.PeerConnectionListener;
import io.sluice.peer.api.PeerConnectionSettings;
import io.sluice.peer.api.RTCConfiguration;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.api.RTCPeerConnectionIceEvent;
import io.sluice.peer.api.RTCPeerConnectionState;
import io.sluice.peer.dtls.ClientHelloFlood;
import io.sluice.peer.net.AddressFilter;
import io.sluice.peer.net.NetworkRuntime;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Setup time of a real connection while the peers' ports are flooded with DTLS ClientHellos from
 * sources that took no part in ICE, against the same without the flood. Two Sluice peers on
 * 127.0.0.1; the flood comes from 127.0.0.2.. (loopback), aimed at both peers' sockets as soon as
 * they are bound, so it covers ICE and the DTLS handshake. Time from the offerer's
 * setRemoteDescription(answer) to both sides "connected" (ICE + DTLS; complete descriptions, so
 * candidate signalling does not enter the figure). Runs alternate flood / no flood.
 *
 * <p>Run: {@code bench/peer-core.sh DtlsFloodBenchmark [runs] [flood sources] [hellos per ms per source]}.
 */
public final class DtlsFloodBenchmark {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int sources = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int perMilli = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        PeerConnectionSettings settings = PeerConnectionSettings.defaults()
                .withAddressFilter(AddressFilter.only(List.of(lo)));
        List<Double> quiet = new ArrayList<>();
        List<Double> flooded = new ArrayList<>();
        long floodSent = 0;
        long dropped = 0;
        long started0 = NetworkRuntime.shared().handshakeStats().started();
        try (ClientHelloFlood flood = new ClientHelloFlood(sources, perMilli)) {
            for (int i = -3; i < runs; i++) { // three warm-up rounds, not counted
                double q = connect(settings, null, new long[1]);
                long before = flood.sent();
                long[] drops = new long[1];
                double f = connect(settings, flood, drops);
                if (i >= 0) {
                    quiet.add(q);
                    flooded.add(f);
                    floodSent += flood.sent() - before;
                    dropped += drops[0];
                    System.out.printf("run %2d: no flood %.1f ms, flood %.1f ms%n", i, q, f);
                }
            }
        }
        long handshakes = NetworkRuntime.shared().handshakeStats().started() - started0;
        System.out.printf("%nsetRemoteDescription(answer) → both connected, two Sluice peers on loopback, median of %d runs:%n",
                runs);
        System.out.printf("  no flood: %.1f ms (min %.1f, max %.1f)%n", median(quiet), Collections.min(quiet),
                Collections.max(quiet));
        System.out.printf("  flood:    %.1f ms (min %.1f, max %.1f)%n", median(flooded), Collections.min(flooded),
                Collections.max(flooded));
        System.out.printf("  flood: %d sources × %d ClientHello/ms per target; %d sent during counted runs,"
                + " %d counted as dtls:unvalidated-source by the peers%n", sources, perMilli, floodSent, dropped);
        System.out.printf("  handshake tasks run: %d for %d connections (one per peer, none for the flood)%n",
                handshakes, 2 * (runs + 3));
        System.exit(0);
    }

    private static double connect(PeerConnectionSettings settings, ClientHelloFlood flood, long[] dropsOut)
            throws Exception {
        RTCPeerConnection a = new RTCPeerConnection(RTCConfiguration.defaults(), settings);
        RTCPeerConnection b = new RTCPeerConnection(RTCConfiguration.defaults(), settings);
        try {
            Watch wa = new Watch(a);
            Watch wb = new Watch(b);
            a.createDataChannel("bench");
            a.setLocalDescription().get(5, TimeUnit.SECONDS);
            wa.gathered.get(10, TimeUnit.SECONDS);
            b.setRemoteDescription(a.localDescription()).get(5, TimeUnit.SECONDS);
            b.setLocalDescription().get(5, TimeUnit.SECONDS);
            wb.gathered.get(10, TimeUnit.SECONDS);
            if (flood != null) {
                List<InetSocketAddress> to = new ArrayList<>(a.localSocketAddresses());
                to.addAll(b.localSocketAddresses());
                flood.target(to);
                Thread.sleep(20); // the flood is on before ICE starts
            }
            long t0 = System.nanoTime();
            a.setRemoteDescription(b.localDescription());
            long t1 = Math.max(wa.connected.get(30, TimeUnit.SECONDS), wb.connected.get(30, TimeUnit.SECONDS));
            if (flood != null) {
                flood.target(List.of());
                for (RTCPeerConnection pc : List.of(a, b)) {
                    Map<String, Long> d = pc.dropCounts().get(5, TimeUnit.SECONDS);
                    dropsOut[0] += d.getOrDefault("dtls:unvalidated-source", 0L);
                }
            }
            return (t1 - t0) / 1e6;
        } finally {
            a.close();
            b.close();
            a.closeFuture().get(5, TimeUnit.SECONDS);
            b.closeFuture().get(5, TimeUnit.SECONDS);
        }
    }

    private static final class Watch implements PeerConnectionListener {
        final CompletableFuture<Void> gathered = new CompletableFuture<>();
        final CompletableFuture<Long> connected = new CompletableFuture<>();

        Watch(RTCPeerConnection pc) {
            pc.addListener(this);
        }

        @Override
        public void onIceCandidate(RTCPeerConnectionIceEvent event) {
            if (event.candidate() == null) {
                gathered.complete(null);
            }
        }

        @Override
        public void onConnectionStateChange(RTCPeerConnectionState state) {
            if (state == RTCPeerConnectionState.CONNECTED) {
                connected.complete(System.nanoTime());
            } else if (state == RTCPeerConnectionState.FAILED) {
                connected.completeExceptionally(new IllegalStateException("connection failed"));
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
