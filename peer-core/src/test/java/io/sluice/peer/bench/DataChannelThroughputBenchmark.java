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
import io.sluice.peer.interop.Saturation;
import io.sluice.peer.interop.Saturation.Report;
import io.sluice.peer.interop.Saturation.Spec;
import io.sluice.peer.net.AddressFilter;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Throughput of one reliable ordered data channel, in MB/s (10^6 bytes per second), each figure
 * the median of several runs in one process, every byte checked at the receiver:
 *
 * <ul>
 *   <li>Chromium → Chromium: two browser processes (the reference), each with its own renderer
 *       and network service, in one network namespace; signalling relayed by this program;
 *   <li>peer-core → Chromium and Chromium → peer-core, Chromium in a network namespace of its
 *       own, linked to this host by a veth pair;
 *   <li>peer-core → peer-core over 127.0.0.1.
 * </ul>
 *
 * Message {@code seq} is {@link Saturation#binary(int, int)}: the receiver regenerates it and
 * compares (Chromium in the page, {@code saturate.js}; peer-core with {@link Saturation.OrderedVerifier}),
 * and a run that misses, repeats, reorders or alters a byte fails. Every sender keeps at most
 * 4 MiB buffered and refills on bufferedamountlow at 1 MiB, as a well-behaved application does.
 * Time runs from the first send to the last verified byte (wall clock, so that two browsers and
 * this JVM share it). Complete descriptions (no trickle).
 *
 * <p>Run: {@code bench/peer-core.sh DataChannelThroughputBenchmark [megabytes] [messageBytes] [runs]}.
 */
public final class DataChannelThroughputBenchmark {

    static final long HIGH = 4L * 1024 * 1024;
    static final long LOW = 1024L * 1024;
    static final Duration QUIET = Duration.ofSeconds(10);
    private static final AtomicInteger SESSIONS = new AtomicInteger();

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
                        .scriptTimeout(Duration.ofMinutes(5)).start();
                ChromiumBrowser other = ChromiumBrowser.inNamespace(ns).mdns(false)
                        .scriptTimeout(Duration.ofMinutes(5)).start()) {
            Saturation.install(browser);
            Saturation.install(other);
            PeerConnectionSettings viaVeth = PeerConnectionSettings.defaults()
                    .withAddressFilter(AddressFilter.only(List.of(ns.hostAddress())));
            PeerConnectionSettings loopback = PeerConnectionSettings.defaults()
                    .withAddressFilter(AddressFilter.only(List.of(InetAddress.getByName("127.0.0.1"))));
            for (int run = 0; run <= runs; run++) { // run 0 warms up and is not counted
                double a = chromiumToChromium(browser, other, total, size);
                double b = peerCoreToChromium(other, viaVeth, total, size);
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
        System.out.printf("%n%d MB in %d-byte messages, every byte checked, median of %d runs "
                + "(MB/s, ratio to Chromium→Chromium):%n", total / 1_000_000, size, runs);
        System.out.printf("  Chromium → Chromium (two browsers)  %7.1f  1.00%n", ref);
        System.out.printf("  peer-core → Chromium                %7.1f  %.2f%n", median(pcToC), median(pcToC) / ref);
        System.out.printf("  Chromium → peer-core                %7.1f  %.2f%n", median(cToPc), median(cToPc) / ref);
        System.out.printf("  peer-core → peer-core               %7.1f  %.2f%n", median(pcToPc), median(pcToPc) / ref);
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

    /** Sends total bytes of {@link Saturation#binary} messages on an open channel, never more than HIGH buffered. */
    static void send(RTCDataChannel ch, long total, int size) throws InterruptedException {
        Semaphore low = new Semaphore(0);
        ch.setBufferedAmountLowThreshold(LOW);
        ch.addListener(new DataChannelListener() {
            @Override
            public void onBufferedAmountLow() {
                low.release();
            }
        });
        long sent = 0;
        int seq = 0;
        while (sent < total) {
            while (sent < total && ch.bufferedAmount() < HIGH) {
                int n = (int) Math.min(size, total - sent);
                ch.send(Saturation.binary(seq++, n));
                sent += n;
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

    static double epochMillis() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1000.0 + now.getNano() / 1e6;
    }

    /** MB/s from a page's verifying report; throws unless every byte arrived as sent. */
    static double checked(Report received, long total, double firstSentAt, String what) {
        if (!received.complete() || received.number("verifiedBytes") != total) {
            throw new IllegalStateException(what + ": not every byte arrived as sent: " + received);
        }
        return total / (received.decimal("lastReceivedAt") - firstSentAt) / 1000;
    }

    /** MB/s of a verifier that must have seen every byte within QUIET of the last message. */
    static double checked(Saturation.OrderedVerifier verifier, long total, double firstSentAt, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + QUIET.toNanos();
        long seen = -1;
        while (!verifier.done()) {
            long now = verifier.verifiedBytes();
            if (now != seen) {
                seen = now;
                deadline = System.nanoTime() + QUIET.toNanos();
            } else if (System.nanoTime() > deadline) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(2);
        }
        if (!verifier.done() || verifier.verifiedBytes() != total || !verifier.problems().isEmpty()) {
            throw new IllegalStateException(what + ": not every byte arrived as sent: " + verifier);
        }
        return total / (verifier.lastAtEpochMillis() - firstSentAt) / 1000;
    }

    /** Two browser processes; the test relays the complete offer and answer. */
    static double chromiumToChromium(ChromiumBrowser sender, ChromiumBrowser receiver, long total, int size) {
        String name = "cc" + SESSIONS.incrementAndGet();
        Spec spec = Spec.bulk(total, size).buffer(HIGH, LOW);
        try {
            String offer = sender.eval("return await saturate.offer(arguments[0], null);", name);
            Map<?, ?> answer = (Map<?, ?>) receiver.evalJson(
                    "return await saturate.answer(arguments[0], arguments[1], 'verify', arguments[2]);", name, offer,
                    spec.toMap());
            sender.eval("return await saturate.accept(arguments[0], arguments[1]);", name, answer.get("sdp"));
            Map<?, ?> sent = (Map<?, ?>) sender.evalJson("return await saturate.send(arguments[0], arguments[1]);",
                    name, spec.toMap());
            Report got = new Report(receiver.eval("return await saturate.received(arguments[0], arguments[1]);",
                    name, QUIET.toMillis()));
            return checked(got, total, ((Number) sent.get("firstSentAt")).doubleValue(), "Chromium → Chromium");
        } finally {
            sender.eval("return await saturate.close(arguments[0]);", name);
            receiver.eval("return await saturate.close(arguments[0]);", name);
        }
    }

    static double peerCoreToChromium(ChromiumBrowser browser, PeerConnectionSettings settings, long total, int size)
            throws Exception {
        String name = "pc" + SESSIONS.incrementAndGet();
        try (Peer ours = new Peer(settings)) {
            RTCDataChannel ch = ours.pc.createDataChannel("bench");
            CompletableFuture<Void> open = opened(ch);
            ours.pc.setLocalDescription().get(5, TimeUnit.SECONDS);
            Map<?, ?> answer = (Map<?, ?>) browser.evalJson(
                    "return await saturate.answer(arguments[0], arguments[1], 'verify', arguments[2]);", name,
                    ours.completeDescription(), Spec.bulk(total, size).toMap());
            ours.pc.setRemoteDescription(RTCSessionDescription.answer((String) answer.get("sdp")))
                    .get(5, TimeUnit.SECONDS);
            open.get(20, TimeUnit.SECONDS);
            double t0 = epochMillis();
            send(ch, total, size);
            Report got = new Report(browser.eval("return await saturate.received(arguments[0], arguments[1]);", name,
                    QUIET.toMillis()));
            return checked(got, total, t0, "peer-core → Chromium");
        } finally {
            browser.eval("return await saturate.close(arguments[0]);", name);
        }
    }

    static double chromiumToPeerCore(ChromiumBrowser browser, PeerConnectionSettings settings, long total, int size)
            throws Exception {
        String name = "cp" + SESSIONS.incrementAndGet();
        Spec spec = Spec.bulk(total, size).buffer(HIGH, LOW);
        try (Peer ours = new Peer(settings)) {
            String offer = browser.eval("return await saturate.offer(arguments[0], null);", name);
            ours.pc.setRemoteDescription(RTCSessionDescription.offer(offer)).get(5, TimeUnit.SECONDS);
            ours.pc.setLocalDescription().get(5, TimeUnit.SECONDS);
            browser.eval("return await saturate.accept(arguments[0], arguments[1]);", name, ours.completeDescription());
            RTCDataChannel ch = ours.remoteChannel.get(20, TimeUnit.SECONDS);
            Saturation.OrderedVerifier verifier = new Saturation.OrderedVerifier(total, size);
            ch.addListener(new DataChannelListener() {
                @Override
                public void onMessage(byte[] data) {
                    verifier.accept(data);
                }

                @Override
                public void onMessage(String text) {
                    verifier.accept(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            });
            Map<?, ?> sent = (Map<?, ?>) browser.evalJson("return await saturate.send(arguments[0], arguments[1]);",
                    name, spec.toMap());
            return checked(verifier, total, ((Number) sent.get("firstSentAt")).doubleValue(), "Chromium → peer-core");
        } finally {
            browser.eval("return await saturate.close(arguments[0]);", name);
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
            Saturation.OrderedVerifier verifier = new Saturation.OrderedVerifier(total, size);
            rx.addListener(new DataChannelListener() {
                @Override
                public void onMessage(byte[] data) {
                    verifier.accept(data);
                }
            });
            double t0 = epochMillis();
            send(ch, total, size);
            return checked(verifier, total, t0, "peer-core → peer-core");
        }
    }
}
