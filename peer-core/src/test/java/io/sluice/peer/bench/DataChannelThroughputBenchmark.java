package io.sluice.peer.bench;

import io.sluice.peer.api.DataChannelListener;
import io.sluice.peer.api.PeerConnectionListener;
import io.sluice.peer.api.PeerConnectionSettings;
import io.sluice.peer.api.RTCConfiguration;
import io.sluice.peer.api.RTCDataChannel;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.api.RTCPeerConnectionIceEvent;
import io.sluice.peer.api.RTCSessionDescription;
import io.sluice.peer.interop.ChromiumBrowser;
import io.sluice.peer.interop.NetNamespace;
import io.sluice.peer.net.AddressFilter;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of one reliable ordered data channel, in MB/s (10^6 bytes per second), each figure
 * the median of several runs in one process:
 *
 * <ul>
 *   <li>Chromium → Chromium: two RTCPeerConnections in one page (the reference);
 *   <li>peer-core → Chromium and Chromium → peer-core, Chromium in a network namespace of its
 *       own, linked to this host by a veth pair;
 *   <li>peer-core → peer-core over 127.0.0.1.
 * </ul>
 *
 * Every sender keeps at most 4 MiB buffered and refills on bufferedamountlow at 1 MiB, as a
 * well-behaved application does. Complete descriptions (no trickle).
 *
 * <p>Run: {@code bench/peer-core.sh DataChannelThroughputBenchmark [megabytes] [messageBytes] [runs]}.
 */
public final class DataChannelThroughputBenchmark {

    static final long HIGH = 4L * 1024 * 1024;
    static final long LOW = 1024L * 1024;

    /** JS: sends {@code total} bytes in {@code size}-byte messages from a to b in one page; MB/s. */
    static final String CHROMIUM_TO_CHROMIUM = """
            const total = arguments[0], size = arguments[1];
            const a = new RTCPeerConnection(), b = new RTCPeerConnection();
            a.onicecandidate = e => e.candidate && b.addIceCandidate(e.candidate);
            b.onicecandidate = e => e.candidate && a.addIceCandidate(e.candidate);
            const ch = a.createDataChannel('bench');
            let received = 0, done;
            const finished = new Promise(r => done = r);
            b.ondatachannel = e => { e.channel.binaryType = 'arraybuffer';
              e.channel.onmessage = m => { received += m.data.byteLength; if (received >= total) done(performance.now()); }; };
            await a.setLocalDescription(); await b.setRemoteDescription(a.localDescription);
            await b.setLocalDescription(); await a.setRemoteDescription(b.localDescription);
            await new Promise(r => ch.onopen = r);
            const payload = new Uint8Array(size);
            ch.bufferedAmountLowThreshold = arguments[3];
            const t0 = performance.now();
            let sent = 0;
            while (sent < total) {
              while (sent < total && ch.bufferedAmount < arguments[2]) { ch.send(payload); sent += size; }
              if (sent < total) await new Promise(r => ch.onbufferedamountlow = r);
            }
            const t1 = await finished;
            a.close(); b.close();
            return String(total / ((t1 - t0) / 1000) / 1e6);
            """;

    /** JS: answers an offer with a peer that counts what arrives on its channel (window.bench). */
    static final String CHROMIUM_RECEIVER = """
            const pc = new RTCPeerConnection();
            window.bench = {pc: pc, received: 0};
            pc.ondatachannel = e => { const ch = e.channel; ch.binaryType = 'arraybuffer';
              ch.onmessage = m => { window.bench.received += m.data.byteLength; }; };
            await pc.setRemoteDescription({type: 'offer', sdp: arguments[0]});
            await pc.setLocalDescription();
            await new Promise(r => { if (pc.iceGatheringState === 'complete') r();
              pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') r(); }; });
            return pc.localDescription.sdp;
            """;

    /** JS: a peer with a channel, offering; the answer comes next. */
    static final String CHROMIUM_SENDER_OFFER = """
            const pc = new RTCPeerConnection();
            const ch = pc.createDataChannel('bench');
            window.bench = {pc: pc, ch: ch, open: new Promise(r => ch.onopen = r)};
            await pc.setLocalDescription();
            await new Promise(r => { if (pc.iceGatheringState === 'complete') r();
              pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') r(); }; });
            return pc.localDescription.sdp;
            """;

    /** JS: with the answer set and the channel open, sends total bytes (paced); resolves when queued. */
    static final String CHROMIUM_SEND = """
            const total = arguments[0], size = arguments[1];
            const ch = window.bench.ch;
            await window.bench.open;
            const payload = new Uint8Array(size);
            ch.bufferedAmountLowThreshold = arguments[3];
            let sent = 0;
            while (sent < total) {
              while (sent < total && ch.bufferedAmount < arguments[2]) { ch.send(payload); sent += size; }
              if (sent < total) await new Promise(r => ch.onbufferedamountlow = r);
            }
            return 'queued';
            """;

    public static void main(String[] args) throws Exception {
        int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 65536;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        long total = (long) megabytes * 1_000_000 / size * size;
        List<Double> cc = new ArrayList<>();
        List<Double> pcToC = new ArrayList<>();
        List<Double> cToPc = new ArrayList<>();
        List<Double> pcToPc = new ArrayList<>();
        try (NetNamespace ns = NetNamespace.create();
                ChromiumBrowser browser = ChromiumBrowser.inNamespace(ns).mdns(false)
                        .scriptTimeout(Duration.ofMinutes(5)).start()) {
            PeerConnectionSettings viaVeth = PeerConnectionSettings.defaults()
                    .withAddressFilter(AddressFilter.only(List.of(ns.hostAddress())));
            PeerConnectionSettings loopback = PeerConnectionSettings.defaults()
                    .withAddressFilter(AddressFilter.only(List.of(InetAddress.getByName("127.0.0.1"))));
            for (int run = 0; run <= runs; run++) { // run 0 warms up and is not counted
                double a = Double.parseDouble(browser.eval(CHROMIUM_TO_CHROMIUM, total, size, HIGH, LOW));
                double b = peerCoreToChromium(browser, viaVeth, total, size);
                double c = chromiumToPeerCore(browser, viaVeth, total, size);
                double d = peerCoreToPeerCore(loopback, total, size);
                System.out.printf("run %d: Chromium→Chromium %.1f, peer-core→Chromium %.1f, Chromium→peer-core %.1f, "
                        + "peer-core→peer-core %.1f MB/s%n", run, a, b, c, d);
                if (run > 0) {
                    cc.add(a);
                    pcToC.add(b);
                    cToPc.add(c);
                    pcToPc.add(d);
                }
            }
        }
        double ref = median(cc);
        System.out.printf("%n%d MB in %d-byte messages, median of %d runs (MB/s, ratio to Chromium→Chromium):%n",
                total / 1_000_000, size, runs);
        System.out.printf("  Chromium → Chromium   %7.1f  1.00%n", ref);
        System.out.printf("  peer-core → Chromium  %7.1f  %.2f%n", median(pcToC), median(pcToC) / ref);
        System.out.printf("  Chromium → peer-core  %7.1f  %.2f%n", median(cToPc), median(cToPc) / ref);
        System.out.printf("  peer-core → peer-core %7.1f  %.2f%n", median(pcToPc), median(pcToPc) / ref);
        System.exit(0);
    }

    static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** A connection with a gathering-complete future. */
    static final class Peer implements AutoCloseable {
        final RTCPeerConnection pc;
        final CompletableFuture<Void> gathered = new CompletableFuture<>();
        final CompletableFuture<RTCDataChannel> remoteChannel = new CompletableFuture<>();

        Peer(PeerConnectionSettings settings) {
            pc = new RTCPeerConnection(RTCConfiguration.defaults(), settings);
            pc.addListener(new PeerConnectionListener() {
                @Override
                public void onIceCandidate(RTCPeerConnectionIceEvent event) {
                    if (event.candidate() == null) {
                        gathered.complete(null);
                    }
                }

                @Override
                public void onDataChannel(RTCDataChannel channel) {
                    remoteChannel.complete(channel);
                }
            });
        }

        String completeDescription() throws Exception {
            gathered.get(10, TimeUnit.SECONDS);
            return pc.localDescription().sdp();
        }

        @Override
        public void close() throws Exception {
            pc.close();
            pc.closeFuture().get(5, TimeUnit.SECONDS);
        }
    }

    /** Sends total bytes on an open channel, never more than HIGH buffered. */
    static void send(RTCDataChannel ch, long total, int size) throws InterruptedException {
        Semaphore low = new Semaphore(0);
        ch.setBufferedAmountLowThreshold(LOW);
        ch.addListener(new DataChannelListener() {
            @Override
            public void onBufferedAmountLow() {
                low.release();
            }
        });
        byte[] payload = new byte[size];
        long sent = 0;
        while (sent < total) {
            while (sent < total && ch.bufferedAmount() < HIGH) {
                ch.send(payload);
                sent += size;
            }
            if (sent < total) {
                low.tryAcquire(100, TimeUnit.MILLISECONDS);
            }
        }
    }

    static CompletableFuture<Void> opened(RTCDataChannel ch) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        ch.addListener(new DataChannelListener() {
            @Override
            public void onOpen() {
                f.complete(null);
            }
        });
        return f;
    }

    static double peerCoreToChromium(ChromiumBrowser browser, PeerConnectionSettings settings, long total, int size)
            throws Exception {
        try (Peer ours = new Peer(settings)) {
            RTCDataChannel ch = ours.pc.createDataChannel("bench");
            CompletableFuture<Void> open = opened(ch);
            ours.pc.setLocalDescription().get(5, TimeUnit.SECONDS);
            String answer = browser.eval(CHROMIUM_RECEIVER, ours.completeDescription());
            ours.pc.setRemoteDescription(RTCSessionDescription.answer(answer)).get(5, TimeUnit.SECONDS);
            open.get(20, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            send(ch, total, size);
            while (Long.parseLong(browser.eval("return String(window.bench.received);")) < total) {
                TimeUnit.MILLISECONDS.sleep(5);
            }
            long t1 = System.nanoTime();
            browser.eval("window.bench.pc.close(); return 'ok';");
            return total / ((t1 - t0) / 1e9) / 1e6;
        }
    }

    static double chromiumToPeerCore(ChromiumBrowser browser, PeerConnectionSettings settings, long total, int size)
            throws Exception {
        try (Peer ours = new Peer(settings)) {
            String offer = browser.eval(CHROMIUM_SENDER_OFFER);
            ours.pc.setRemoteDescription(RTCSessionDescription.offer(offer)).get(5, TimeUnit.SECONDS);
            ours.pc.setLocalDescription().get(5, TimeUnit.SECONDS);
            browser.eval("await window.bench.pc.setRemoteDescription({type: 'answer', sdp: arguments[0]}); return 'ok';",
                    ours.completeDescription());
            RTCDataChannel ch = ours.remoteChannel.get(20, TimeUnit.SECONDS);
            AtomicLong received = new AtomicLong();
            CompletableFuture<Long> done = new CompletableFuture<>();
            ch.addListener(new DataChannelListener() {
                @Override
                public void onMessage(byte[] data) {
                    if (received.addAndGet(data.length) >= total) {
                        done.complete(System.nanoTime());
                    }
                }
            });
            browser.eval("await window.bench.open; return 'open';");
            long t0 = System.nanoTime();
            browser.eval(CHROMIUM_SEND, total, size, HIGH, LOW);
            long t1 = done.get(5, TimeUnit.MINUTES);
            browser.eval("window.bench.pc.close(); return 'ok';");
            return total / ((t1 - t0) / 1e9) / 1e6;
        }
    }

    static double peerCoreToPeerCore(PeerConnectionSettings settings, long total, int size) throws Exception {
        try (Peer a = new Peer(settings); Peer b = new Peer(settings)) {
            RTCDataChannel ch = a.pc.createDataChannel("bench");
            CompletableFuture<Void> open = opened(ch);
            a.pc.setLocalDescription().get(5, TimeUnit.SECONDS);
            b.pc.setRemoteDescription(RTCSessionDescription.offer(a.completeDescription())).get(5, TimeUnit.SECONDS);
            b.pc.setLocalDescription().get(5, TimeUnit.SECONDS);
            a.pc.setRemoteDescription(RTCSessionDescription.answer(b.completeDescription())).get(5, TimeUnit.SECONDS);
            open.get(20, TimeUnit.SECONDS);
            RTCDataChannel rx = b.remoteChannel.get(20, TimeUnit.SECONDS);
            AtomicLong received = new AtomicLong();
            CompletableFuture<Long> done = new CompletableFuture<>();
            rx.addListener(new DataChannelListener() {
                @Override
                public void onMessage(byte[] data) {
                    if (received.addAndGet(data.length) >= total) {
                        done.complete(System.nanoTime());
                    }
                }
            });
            long t0 = System.nanoTime();
            send(ch, total, size);
            long t1 = done.get(5, TimeUnit.MINUTES);
            return total / ((t1 - t0) / 1e9) / 1e6;
        }
    }
}
