package io.sluice.peer.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.peer.api.error.InvalidStateError;
import io.sluice.peer.api.error.TypeError;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Data channels between two peer-core peers over real loopback sockets (DTLS, SCTP, DCEP). */
@Timeout(60)
class DataChannelLoopbackTest {

    /** Records a channel's events; text messages as "text:<s>", binary as the bytes. */
    static final class Watch implements DataChannelListener {
        final CompletableFuture<Void> open = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onOpen() {
            events.add("open");
            open.complete(null);
        }

        @Override
        public void onMessage(String text) {
            messages.add("text:" + text);
        }

        @Override
        public void onMessage(byte[] data) {
            messages.add(data);
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

    /** Channels the remote opens on {@code pc} go to {@code arrived}, watched by the returned Watch. */
    private static Watch watchArrivals(RTCPeerConnection pc, LinkedBlockingQueue<RTCDataChannel> arrived) {
        Watch watch = new Watch();
        pc.addListener(new PeerConnectionListener() {
            @Override
            public void onDataChannel(RTCDataChannel channel) {
                channel.addListener(watch);
                arrived.add(channel);
            }
        });
        return watch;
    }

    private static RTCDataChannel remoteChannel(PeerPair p, LinkedBlockingQueue<RTCDataChannel> arrived)
            throws InterruptedException {
        RTCDataChannel ch = arrived.poll(10, TimeUnit.SECONDS);
        assertThat(ch).as("datachannel event").isNotNull();
        return ch;
    }

    @Test
    void openEchoAndCloseBothWays() throws Exception {
        try (PeerPair p = new PeerPair(InetAddress.getLoopbackAddress())) {
            LinkedBlockingQueue<RTCDataChannel> arrived = new LinkedBlockingQueue<>();
            Watch remoteWatch = watchArrivals(p.b, arrived);
            Watch aw = new Watch();
            RTCDataChannel a = p.a.createDataChannel("chat", new RTCDataChannelInit(null, null, null, "proto", null, null),
                    aw);
            assertThat(a.readyState()).isEqualTo(RTCDataChannelState.CONNECTING);
            assertThatThrownBy(() -> a.send("early")).isInstanceOf(InvalidStateError.class);
            p.negotiate(p.a, true);
            p.awaitConnected();
            aw.open.get(10, TimeUnit.SECONDS);
            RTCDataChannel b = remoteChannel(p, arrived);
            remoteWatch.open.get(10, TimeUnit.SECONDS);
            assertThat(b.label()).isEqualTo("chat");
            assertThat(b.protocol()).isEqualTo("proto");
            assertThat(b.id()).isEqualTo(a.id());
            // p.a offered: it is the DTLS server (the answerer takes active), so its ids are odd.
            assertThat(a.id() % 2).isEqualTo(1);
            assertThat(p.a.sctp().state()).isEqualTo(RTCSctpTransportState.CONNECTED);
            assertThat(p.a.sctp().maxMessageSize()).isEqualTo(262144.0);
            assertThat(p.a.sctp().transport().state()).isEqualTo(RTCDtlsTransportState.CONNECTED);
            assertThat(p.a.sctp().transport().getRemoteCertificates()).hasSize(1);

            for (int size : new int[] {0, 1, 1000, 1200, 65535, 65536, 65537, 200_000, 262144}) {
                byte[] data = new byte[size];
                Arrays.fill(data, (byte) (size % 251));
                a.send(data);
                assertThat((byte[]) remoteWatch.messages.poll(10, TimeUnit.SECONDS)).as("%d bytes", size)
                        .isEqualTo(data);
                String text = "é".repeat(size / 2);
                b.send(text);
                assertThat(aw.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("text:" + text);
            }
            a.send("");
            assertThat(remoteWatch.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("text:");

            RTCStatsReport stats = p.a.getStats().get(5, TimeUnit.SECONDS);
            Map<String, Object> transport = stats.ofType("transport").get(0);
            assertThat(transport.get("dtlsState")).isEqualTo("connected");
            assertThat((Long) transport.get("bytesReceived")).isPositive();
            assertThat(transport.get("dtlsCipher").toString()).startsWith("TLS_ECDHE_ECDSA_WITH_");
            Map<String, Object> pair = stats.get((String) transport.get("selectedCandidatePairId"));
            assertThat(pair.get("type")).isEqualTo("candidate-pair");
            assertThat(pair.get("state")).isEqualTo("succeeded");
            assertThat(stats.get((String) pair.get("localCandidateId")).get("candidateType")).isEqualTo("host");
            assertThat(stats.ofType("certificate")).hasSize(2);
            Map<String, Object> dc = stats.ofType("data-channel").get(0);
            assertThat(dc.get("label")).isEqualTo("chat");
            assertThat((Long) dc.get("messagesSent")).isGreaterThanOrEqualTo(10);
            assertThat(stats.ofType("peer-connection").get(0).get("dataChannelsOpened")).isEqualTo(1);
            assertThatThrownBy(() -> a.send(new byte[262145])).isInstanceOf(TypeError.class);

            b.close();
            aw.closed.get(10, TimeUnit.SECONDS);
            remoteWatch.closed.get(10, TimeUnit.SECONDS);
            assertThat(aw.events).containsSubsequence("open", "closing", "close");
            assertThat(a.readyState()).isEqualTo(RTCDataChannelState.CLOSED);
            assertThatThrownBy(() -> a.send("late")).isInstanceOf(InvalidStateError.class);
        }
    }

    /**
     * Two Sluice peers negotiate in the draft syntax (the offer rewritten the way aiortc writes it):
     * the answer comes back in that syntax, the offerer accepts it, and messages flow both ways.
     */
    @Test
    void draftSyntaxNegotiatesEndToEnd() throws Exception {
        try (PeerPair p = new PeerPair(InetAddress.getLoopbackAddress())) {
            LinkedBlockingQueue<RTCDataChannel> arrived = new LinkedBlockingQueue<>();
            Watch remoteWatch = watchArrivals(p.b, arrived);
            Watch aw = new Watch();
            RTCDataChannel a = p.a.createDataChannel("legacy", null, aw);
            p.a.setLocalDescription().get(5, TimeUnit.SECONDS);
            p.ra.gatheringComplete.get(10, TimeUnit.SECONDS);
            String offer = p.a.localDescription().sdp()
                    .replace("UDP/DTLS/SCTP webrtc-datachannel", "DTLS/SCTP 5000")
                    .replace("a=sctp-port:5000", "a=sctpmap:5000 webrtc-datachannel 65535")
                    .replaceAll("a=max-message-size:[0-9]+\r\n", "");
            p.b.setRemoteDescription(RTCSessionDescription.offer(offer)).get(5, TimeUnit.SECONDS);
            p.b.setLocalDescription().get(5, TimeUnit.SECONDS);
            p.rb.gatheringComplete.get(10, TimeUnit.SECONDS);
            String answer = p.b.localDescription().sdp();
            assertThat(answer).contains("m=application 9 DTLS/SCTP 5000").contains("a=sctpmap:5000 webrtc-datachannel")
                    .doesNotContain("a=sctp-port");
            p.a.setRemoteDescription(RTCSessionDescription.answer(answer)).get(5, TimeUnit.SECONDS);
            p.awaitConnected();
            aw.open.get(10, TimeUnit.SECONDS);
            RTCDataChannel b = remoteChannel(p, arrived);
            // No a=max-message-size in the draft offer: 65536 applies to what b sends (RFC 8841 §6.1).
            assertThat(p.b.sctp().maxMessageSize()).isEqualTo(65536.0);
            byte[] data = new byte[65536];
            Arrays.fill(data, (byte) 7);
            a.send(data);
            assertThat((byte[]) remoteWatch.messages.poll(10, TimeUnit.SECONDS)).isEqualTo(data);
            b.send("back");
            assertThat(aw.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("text:back");
            assertThatThrownBy(() -> b.send(new byte[65537])).isInstanceOf(TypeError.class);
        }
    }

    @Test
    void negotiatedChannelsAndChannelsOpenedByEitherSide() throws Exception {
        try (PeerPair p = new PeerPair(InetAddress.getLoopbackAddress())) {
            RTCDataChannel na = p.a.createDataChannel("n", new RTCDataChannelInit(null, null, null, null, true, 42));
            RTCDataChannel nb = p.b.createDataChannel("n", new RTCDataChannelInit(null, null, null, null, true, 42));
            Watch wa = new Watch();
            Watch wb = new Watch();
            na.addListener(wa);
            nb.addListener(wb);
            p.negotiate(p.a, true);
            p.awaitConnected();
            wa.open.get(10, TimeUnit.SECONDS);
            wb.open.get(10, TimeUnit.SECONDS);
            na.send("to b");
            assertThat(wb.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("text:to b");

            // After negotiation, the answerer opens a channel: no renegotiation needed.
            LinkedBlockingQueue<RTCDataChannel> arrived = new LinkedBlockingQueue<>();
            p.a.addListener(new PeerConnectionListener() {
                @Override
                public void onDataChannel(RTCDataChannel channel) {
                    arrived.add(channel);
                }
            });
            Watch wl = new Watch();
            RTCDataChannel fromB = p.b.createDataChannel("late", new RTCDataChannelInit(false, null, 0, null, null, null),
                    wl);
            wl.open.get(10, TimeUnit.SECONDS);
            RTCDataChannel atA = remoteChannel(p, arrived);
            assertThat(atA.ordered()).isFalse();
            assertThat(atA.maxRetransmits()).isZero();
            assertThat(fromB.id() % 2).isZero(); // b is the DTLS client: even ids
        }
    }

    @Test
    void bufferedAmountGrowsAndDrainsWithBufferedAmountLow() throws Exception {
        try (PeerPair p = new PeerPair(InetAddress.getLoopbackAddress())) {
            Watch aw = new Watch();
            RTCDataChannel a = p.a.createDataChannel("bulk", null, aw);
            LinkedBlockingQueue<RTCDataChannel> arrived = new LinkedBlockingQueue<>();
            java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
            p.b.addListener(new PeerConnectionListener() {
                @Override
                public void onDataChannel(RTCDataChannel channel) {
                    channel.addListener(new DataChannelListener() {
                        @Override
                        public void onMessage(byte[] data) {
                            received.addAndGet(data.length);
                        }
                    });
                    arrived.add(channel);
                }
            });
            p.negotiate(p.a, true);
            aw.open.get(10, TimeUnit.SECONDS);
            a.setBufferedAmountLowThreshold(64 * 1024);
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < 64; i++) {
                a.send(chunk);
            }
            assertThat(a.bufferedAmount()).isGreaterThan(64 * 1024);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (received.get() < 64L * chunk.length && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(received.get()).isEqualTo(64L * chunk.length);
            io.sluice.peer.interop.Interop.waitFor(() -> aw.events.contains("bufferedamountlow"),
                    java.time.Duration.ofSeconds(5), "bufferedamountlow");
            io.sluice.peer.interop.Interop.waitFor(() -> a.bufferedAmount() == 0, java.time.Duration.ofSeconds(5),
                    "bufferedAmount back to 0");
        }
    }

    @Test
    void pausedReadingHoldsTheSenderBackAndLosesNothing() throws Exception {
        try (PeerPair p = new PeerPair(InetAddress.getLoopbackAddress())) {
            Watch aw = new Watch();
            RTCDataChannel a = p.a.createDataChannel("slow-consumer", null, aw);
            LinkedBlockingQueue<Object> atB = new LinkedBlockingQueue<>();
            CompletableFuture<RTCDataChannel> bChannel = new CompletableFuture<>();
            p.b.addListener(new PeerConnectionListener() {
                @Override
                public void onDataChannel(RTCDataChannel channel) {
                    channel.pauseReading();
                    channel.addListener(new DataChannelListener() {
                        @Override
                        public void onMessage(byte[] data) {
                            atB.add(data);
                        }
                    });
                    bChannel.complete(channel);
                }
            });
            p.negotiate(p.a, true);
            aw.open.get(10, TimeUnit.SECONDS);
            RTCDataChannel b = bChannel.get(10, TimeUnit.SECONDS);
            int count = 64;
            for (int i = 0; i < count; i++) {
                byte[] m = new byte[64 * 1024];
                m[0] = (byte) i;
                a.send(m);
            }
            // b reads nothing; its receive window (1 MiB) fills and a keeps the rest buffered.
            io.sluice.peer.interop.Interop.waitFor(() -> a.bufferedAmount() < count * 64L * 1024,
                    java.time.Duration.ofSeconds(10), "some of a's data in flight");
            long stalled = -1;
            for (int i = 0; i < 50 && stalled != a.bufferedAmount(); i++) {
                stalled = a.bufferedAmount();
                TimeUnit.MILLISECONDS.sleep(100);
            }
            assertThat(atB).isEmpty();
            assertThat(a.bufferedAmount()).as("the sender is held back, not drained").isGreaterThan(2L * 1024 * 1024);
            b.resumeReading();
            for (int i = 0; i < count; i++) {
                byte[] m = (byte[]) atB.poll(10, TimeUnit.SECONDS);
                assertThat(m).as("message %d", i).isNotNull();
                assertThat(m[0]).isEqualTo((byte) i);
            }
            io.sluice.peer.interop.Interop.waitFor(() -> a.bufferedAmount() == 0, java.time.Duration.ofSeconds(10),
                    "a drained");
        }
    }

    /**
     * bufferedAmountAtMost completes at once below the mark, waits while the remote holds the sender
     * back, completes as the buffer drains, and completes when the channel closes with data queued.
     */
    @Test
    void bufferedAmountAtMostWaitsForTheDrain() throws Exception {
        try (PeerPair p = new PeerPair(InetAddress.getLoopbackAddress())) {
            Watch aw = new Watch();
            RTCDataChannel a = p.a.createDataChannel("drain", null, aw);
            CompletableFuture<RTCDataChannel> bChannel = new CompletableFuture<>();
            p.b.addListener(new PeerConnectionListener() {
                @Override
                public void onDataChannel(RTCDataChannel channel) {
                    channel.pauseReading();
                    bChannel.complete(channel);
                }
            });
            p.negotiate(p.a, true);
            aw.open.get(10, TimeUnit.SECONDS);
            RTCDataChannel b = bChannel.get(10, TimeUnit.SECONDS);
            assertThat(a.bufferedAmountAtMost(0)).isCompleted();
            for (int i = 0; i < 48; i++) {
                a.send(new byte[64 * 1024]);
            }
            CompletableFuture<Void> empty = a.bufferedAmountAtMost(0);
            CompletableFuture<Void> half = a.bufferedAmountAtMost(a.bufferedAmount() / 2);
            CompletableFuture<Void> high = a.bufferedAmountAtMost(Long.MAX_VALUE);
            assertThat(high).isCompleted();
            // b reads nothing: its window fills and a stays far above both marks.
            io.sluice.peer.interop.Interop.waitFor(() -> a.bufferedAmount() < 48L * 64 * 1024,
                    java.time.Duration.ofSeconds(10), "some of a's data in flight");
            assertThat(empty).isNotDone();
            b.resumeReading();
            half.get(10, TimeUnit.SECONDS);
            empty.get(10, TimeUnit.SECONDS);
            assertThat(a.bufferedAmount()).isZero();

            // A channel that closes with data still queued releases its waiters.
            b.pauseReading();
            for (int i = 0; i < 48; i++) {
                a.send(new byte[64 * 1024]);
            }
            CompletableFuture<Void> never = a.bufferedAmountAtMost(0);
            io.sluice.peer.interop.Interop.waitFor(() -> a.bufferedAmount() < 48L * 64 * 1024,
                    java.time.Duration.ofSeconds(10), "some of a's data in flight");
            assertThat(never).isNotDone();
            p.a.close();
            never.get(10, TimeUnit.SECONDS);
            assertThat(a.readyState()).isEqualTo(RTCDataChannelState.CLOSED);
        }
    }

    /** A listener that throws is counted in the stats and reported to the connection's listeners. */
    @Test
    void aFailingListenerIsCountedAndReported() throws Exception {
        try (PeerPair p = new PeerPair(InetAddress.getLoopbackAddress())) {
            Watch aw = new Watch();
            RTCDataChannel a = p.a.createDataChannel("faulty", null, aw);
            CompletableFuture<RTCDataChannel> reported = new CompletableFuture<>();
            p.b.addListener(new PeerConnectionListener() {
                @Override
                public void onDataChannel(RTCDataChannel channel) {
                    channel.addListener(new DataChannelListener() {
                        @Override
                        public void onMessage(String text) {
                            throw new IllegalStateException("bug in the application: " + text);
                        }
                    });
                }

                @Override
                public void onListenerFailure(RTCDataChannel channel, RuntimeException failure) {
                    assertThat(failure).hasMessage("bug in the application: boom");
                    reported.complete(channel);
                }
            });
            p.negotiate(p.a, true);
            aw.open.get(10, TimeUnit.SECONDS);
            a.send("boom");
            assertThat(reported.get(10, TimeUnit.SECONDS).label()).isEqualTo("faulty");
            Map<String, Object> pc = p.b.getStats().get(5, TimeUnit.SECONDS).ofType("peer-connection").get(0);
            assertThat(pc.get("listenerFailures")).isEqualTo(1L);
        }
    }
}
