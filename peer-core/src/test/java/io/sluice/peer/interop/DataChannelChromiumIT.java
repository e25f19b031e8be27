package io.sluice.peer.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.api.DataChannelListener;
import io.sluice.peer.api.PeerConnectionListener;
import io.sluice.peer.api.PeerConnectionSettings;
import io.sluice.peer.api.RTCDataChannel;
import io.sluice.peer.api.RTCDataChannelInit;
import io.sluice.peer.api.RTCDataChannelState;
import io.sluice.peer.interop.Signaling.Ours;
import io.sluice.peer.net.AddressFilter;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Data channels between peer-core and headless Chromium (in a network namespace of the test's
 * own): echo both ways of every size from 0 B to 256 KiB, text and binary, each byte checked, on
 * reliable, unordered, maxRetransmits=0 and maxPacketLifeTime channels and a negotiated one;
 * channels opened by either side, close from either side, bufferedamountlow.
 */
class DataChannelChromiumIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final int[] SIZES = {0, 1, 100, 1200, 16384, 65535, 65536, 65537, 131072, 262144};

    private static NetNamespace ns;
    private static ChromiumBrowser browser;
    private static PeerConnectionSettings settings;

    @BeforeAll
    static void start() throws IOException {
        Interop.assumeAvailable();
        ns = NetNamespace.create();
        browser = ChromiumBrowser.inNamespace(ns).scriptTimeout(Duration.ofSeconds(60)).start();
        settings = PeerConnectionSettings.defaults().withAddressFilter(AddressFilter.only(List.of(ns.hostAddress())));
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (ns != null) {
                ns.close();
            }
        }
    }

    /** Our side of a channel: echoes everything back, and records what it saw. */
    static final class Echo implements DataChannelListener {
        final RTCDataChannel channel;
        final LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
        final List<String> events = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> open = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();

        Echo(RTCDataChannel channel) {
            this.channel = channel;
            channel.addListener(this);
            if (channel.readyState() == RTCDataChannelState.OPEN) {
                open.complete(null);
            }
        }

        @Override
        public void onOpen() {
            events.add("open");
            open.complete(null);
        }

        @Override
        public void onMessage(String text) {
            received.add(text);
            channel.send(text);
        }

        @Override
        public void onMessage(byte[] data) {
            received.add(data);
            channel.send(data);
        }

        @Override
        public void onBufferedAmountLow() {
            events.add("bufferedamountlow");
        }

        @Override
        public void onClosing() {
            events.add("closing");
        }

        @Override
        public void onClose() {
            events.add("close");
            closed.complete(null);
        }
    }

    /** Remote-opened channels of one of our connections, by label. */
    static final class Arrivals implements PeerConnectionListener {
        final Map<String, CompletableFuture<Echo>> byLabel = new ConcurrentHashMap<>();

        CompletableFuture<Echo> label(String label) {
            return byLabel.computeIfAbsent(label, l -> new CompletableFuture<>());
        }

        @Override
        public void onDataChannel(RTCDataChannel channel) {
            label(channel.label()).complete(new Echo(channel));
        }
    }

    private static Map<String, Object> message(String name, String label, int index) {
        return Interop.waitFor(() -> browser.events(name).stream()
                .filter(e -> "dc.message".equals(e.get("type")) && label.equals(e.get("label"))).skip(index)
                .findFirst(), WAIT, "message " + index + " on " + label);
    }

    /** Chromium sends each size as binary and as text; ours echoes; both sides check every byte. */
    private static void echoEverySize(String name, String label, Echo ours) throws Exception {
        int index = 0;
        for (int size : SIZES) {
            byte[] data = new byte[size];
            for (int i = 0; i < size; i++) {
                data[i] = (byte) (i * 31 + size);
            }
            browser.sendBinary(name, label, data);
            assertThat((byte[]) ours.received.poll(20, TimeUnit.SECONDS)).as("binary %d at ours", size).isEqualTo(data);
            Map<String, Object> back = message(name, label, index++);
            assertThat(back.get("binary")).isEqualTo(true);
            assertThat(Base64.getDecoder().decode((String) back.get("data"))).as("binary %d echoed", size)
                    .isEqualTo(data);

            String text = "ü€" + "x".repeat(Math.max(0, size - 5));
            browser.send(name, label, text);
            assertThat(ours.received.poll(20, TimeUnit.SECONDS)).as("text %d at ours", size).isEqualTo(text);
            Map<String, Object> textBack = message(name, label, index++);
            assertThat(textBack.get("binary")).isEqualTo(false);
            assertThat(textBack.get("data")).as("text %d echoed", size).isEqualTo(text);
        }
        browser.send(name, label, "");
        assertThat(ours.received.poll(20, TimeUnit.SECONDS)).isEqualTo("");
        assertThat(message(name, label, index).get("data")).isEqualTo("");
    }

    /** Echoes up to this size must reach Chromium even on a channel that never retransmits. */
    private static final int UNRETRANSMITTED_ECHO_LIMIT = 16384;

    /**
     * On a maxRetransmits=0 channel: every size reaches peer-core intact (its receive buffer is
     * large), and every echo that reaches Chromium is intact and arrives once. An echo is a burst of
     * up to 230 packets toward Chromium's UDP socket, whose receive buffer overflows on the larger
     * ones (the namespace's RcvbufErrors count them; 64 KiB echoes were seen lost too), and a lost
     * fragment is never sent again: echoes up to {@link #UNRETRANSMITTED_ECHO_LIMIT} bytes must all
     * arrive, larger ones are counted and reported.
     */
    private static void echoEverySizeWithoutRetransmissions(String name, String label, Echo ours) throws Exception {
        int arrived = 0;
        List<String> lost = new java.util.ArrayList<>();
        for (int size : SIZES) {
            byte[] data = new byte[size];
            for (int i = 0; i < size; i++) {
                data[i] = (byte) (i * 31 + size);
            }
            String text = "ü€" + "x".repeat(Math.max(0, size - 5));
            for (boolean binary : new boolean[] {true, false}) {
                if (binary) {
                    browser.sendBinary(name, label, data);
                    assertThat((byte[]) ours.received.poll(20, TimeUnit.SECONDS)).as("binary %d at ours", size)
                            .isEqualTo(data);
                } else {
                    browser.send(name, label, text);
                    assertThat(ours.received.poll(20, TimeUnit.SECONDS)).as("text %d at ours", size).isEqualTo(text);
                }
                int index = arrived;
                Duration wait = size <= UNRETRANSMITTED_ECHO_LIMIT ? WAIT : Duration.ofSeconds(3);
                java.util.Optional<Map<String, Object>> back = echoAt(name, label, index, wait);
                if (back.isEmpty()) {
                    assertThat(size).as("%s echo of %d bytes lost", binary ? "binary" : "text", size)
                            .isGreaterThan(UNRETRANSMITTED_ECHO_LIMIT);
                    lost.add((binary ? "binary " : "text ") + size);
                    continue;
                }
                arrived++;
                assertThat(back.get().get("binary")).isEqualTo(binary);
                if (binary) {
                    assertThat(Base64.getDecoder().decode((String) back.get().get("data"))).as("binary %d echoed", size)
                            .isEqualTo(data);
                } else {
                    assertThat(back.get().get("data")).as("text %d echoed", size).isEqualTo(text);
                }
            }
        }
        // Nothing arrives twice or late.
        Thread.sleep(500);
        assertThat(browser.events(name).stream().filter(e -> "dc.message".equals(e.get("type"))
                && label.equals(e.get("label"))).count()).isEqualTo(arrived);
        System.out.printf("%s: %d of %d echoes reached Chromium; lost: %s; UDP receive-buffer drops in its "
                + "namespace so far: %s%n", label, arrived, 2 * SIZES.length, lost, rcvbufErrors());
    }

    private static java.util.Optional<Map<String, Object>> echoAt(String name, String label, int index,
            Duration wait) {
        long end = System.nanoTime() + wait.toNanos();
        do {
            java.util.Optional<Map<String, Object>> e = browser.events(name).stream()
                    .filter(m -> "dc.message".equals(m.get("type")) && label.equals(m.get("label"))).skip(index)
                    .findFirst();
            if (e.isPresent()) {
                return e;
            }
            try {
                Thread.sleep(Interop.POLL.toMillis());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return java.util.Optional.empty();
            }
        } while (System.nanoTime() < end);
        return java.util.Optional.empty();
    }

    /** The UDP RcvbufErrors counter of the browser's namespace. */
    private static String rcvbufErrors() {
        try {
            List<String> udp = ns.exec("cat", "/proc/net/snmp").lines().filter(l -> l.startsWith("Udp:")).toList();
            List<String> names = List.of(udp.get(0).split("\\s+"));
            return udp.get(1).split("\\s+")[names.indexOf("RcvbufErrors")];
        } catch (IOException | RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    @Test
    void chromiumOpensChannelsOfEveryKindAndPeerCoreEchoes() throws Exception {
        String name = "c" + NAMES.incrementAndGet();
        browser.createPeer(name);
        browser.createDataChannel(name, "reliable", null);
        browser.createDataChannel(name, "unordered", "{\"ordered\":false}");
        browser.createDataChannel(name, "rexmit0", "{\"ordered\":false,\"maxRetransmits\":0}");
        browser.createDataChannel(name, "timed", "{\"maxPacketLifeTime\":5000}");
        try (Ours ours = new Ours(settings)) {
            Arrivals arrivals = new Arrivals();
            ours.pc.addListener(arrivals);
            Signaling.chromiumOffers(browser, name, ours);
            Echo reliable = arrivals.label("reliable").get(20, TimeUnit.SECONDS);
            reliable.open.get(20, TimeUnit.SECONDS);
            assertThat(reliable.channel.ordered()).isTrue();
            echoEverySize(name, "reliable", reliable);

            Echo unordered = arrivals.label("unordered").get(20, TimeUnit.SECONDS);
            assertThat(unordered.channel.ordered()).isFalse();
            echoEverySize(name, "unordered", unordered);

            Echo rexmit = arrivals.label("rexmit0").get(20, TimeUnit.SECONDS);
            assertThat(rexmit.channel.ordered()).isFalse();
            assertThat(rexmit.channel.maxRetransmits()).isZero();
            assertThat(rexmit.channel.maxPacketLifeTime()).isNull();
            echoEverySizeWithoutRetransmissions(name, "rexmit0", rexmit);

            Echo timed = arrivals.label("timed").get(20, TimeUnit.SECONDS);
            assertThat(timed.channel.ordered()).isTrue();
            assertThat(timed.channel.maxPacketLifeTime()).isEqualTo(5000);
            assertThat(timed.channel.maxRetransmits()).isNull();
            echoEverySize(name, "timed", timed); // drops are repaired by retransmission within the lifetime

            // Close from Chromium: ours sees closing then close.
            browser.eval("return sluice.closeChannel(arguments[0], arguments[1]);", name, "reliable");
            reliable.closed.get(20, TimeUnit.SECONDS);
            assertThat(reliable.events).containsSubsequence("open", "closing", "close");
            // Close from ours: Chromium sees close.
            unordered.channel.close();
            browser.waitForEvent(name, "dc.close", e -> "unordered".equals(e.get("label")), WAIT);
            unordered.closed.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void peerCoreOpensChannelsAndNegotiatedChannelsWork() throws Exception {
        String name = "c" + NAMES.incrementAndGet();
        browser.createPeer(name);
        browser.createDataChannel(name, "neg", "{\"negotiated\":true,\"id\":7}");
        try (Ours ours = new Ours(settings)) {
            RTCDataChannel mine = ours.pc.createDataChannel("from-peer-core");
            Echo mineEcho = new Echo(mine);
            Echo neg = new Echo(ours.pc.createDataChannel("neg", new RTCDataChannelInit(null, null, null, null, true, 7)));
            Signaling.peerCoreOffers(browser, name, ours);
            mineEcho.open.get(20, TimeUnit.SECONDS);
            neg.open.get(20, TimeUnit.SECONDS);
            browser.waitForEvent(name, "datachannel", e -> "from-peer-core".equals(e.get("label")), WAIT);

            echoEverySize(name, "neg", neg);

            // A channel Chromium opens after negotiation, on the established association.
            Arrivals arrivals = new Arrivals();
            ours.pc.addListener(arrivals);
            browser.createDataChannel(name, "later", null);
            Echo later = arrivals.label("later").get(20, TimeUnit.SECONDS);
            later.open.get(20, TimeUnit.SECONDS);
            browser.send(name, "later", "hi");
            assertThat(later.received.poll(20, TimeUnit.SECONDS)).isEqualTo("hi");

            // bufferedamountlow on our side: queue 2 MiB toward Chromium and watch it drain.
            mine.setBufferedAmountLowThreshold(256 * 1024);
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 7);
            for (int i = 0; i < 32; i++) {
                mine.send(chunk);
            }
            assertThat(mine.bufferedAmount()).isGreaterThan(256 * 1024);
            Interop.waitFor(() -> mineEcho.events.contains("bufferedamountlow"), WAIT,
                    "bufferedamountlow on peer-core's channel");
            Interop.waitFor(() -> browser.events(name).stream().filter(e -> "dc.message".equals(e.get("type"))
                    && "from-peer-core".equals(e.get("label"))).count() == 32, WAIT, "32 messages at Chromium");

            // bufferedamountlow on Chromium's side: it bursts toward us and its buffer drains.
            browser.eval("return sluice.setBufferedAmountLowThreshold(arguments[0], arguments[1], arguments[2]);",
                    name, "neg", 65536);
            browser.eval("return sluice.burst(arguments[0], arguments[1], arguments[2], arguments[3]);", name, "neg",
                    65536, 32);
            browser.waitForEvent(name, "dc.bufferedamountlow", e -> "neg".equals(e.get("label")), WAIT);

            // Close from ours: Chromium sees close.
            neg.channel.close();
            browser.waitForEvent(name, "dc.close", e -> "neg".equals(e.get("label")), WAIT);
        }
    }
}
