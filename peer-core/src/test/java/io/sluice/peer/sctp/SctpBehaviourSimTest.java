package io.sluice.peer.sctp;

import static io.sluice.peer.sctp.SctpPair.MS;
import static io.sluice.peer.sctp.SctpPair.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.sctp.SctpCore.Reliability;
import io.sluice.peer.sctp.SctpCore.SendResult;
import io.sluice.peer.sctp.chunk.ChunkType;
import io.sluice.peer.sctp.chunk.DataChunk;
import io.sluice.peer.sctp.chunk.ForwardTsnChunk;
import io.sluice.peer.sctp.chunk.IDataChunk;
import io.sluice.peer.sctp.chunk.SctpPacket;
import io.sluice.peer.sim.SimLink;
import io.sluice.peer.time.RandomSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Flow control, stream reset, timers, congestion control, interleaving and throughput, in simulated time. */
class SctpBehaviourSimTest {

    private static final Logger LOG = LoggerFactory.getLogger(SctpBehaviourSimTest.class);
    private static final SctpOptions OPTS = SctpOptions.defaults();

    @Test
    void receiverThatDoesNotConsumeClosesTheWindowThenResumes_seed41() {
        SctpPair p = new SctpPair(41, OPTS, SimLink.delay(10 * MS)).connect();
        p.b.autoConsume = false;
        byte[] m = new byte[16384];
        for (int i = 0; i < 400; i++) { // 6.5 MB, more than 6 windows
            assertThat(p.a.assoc.send(1, 53, m, false, Reliability.RELIABLE, p.now())).isEqualTo(SendResult.OK);
        }
        p.net.runFor(30 * SECOND);
        long received = p.b.receivedBytes;
        assertThat(received).isLessThanOrEqualTo(OPTS.receiveWindow()).isGreaterThan(OPTS.receiveWindow() / 2);
        assertThat(p.b.assoc.stats().advertisedRwnd()).isLessThan(16384);
        assertThat(p.a.assoc.bufferedAmount(1)).isEqualTo(400L * 16384 - received);
        assertThat(p.a.closed).isNull(); // zero-window probes are answered: the association lives
        p.net.runFor(30 * SECOND);
        assertThat(p.b.receivedBytes).isEqualTo(received); // still shut
        // The application reads again: the window reopens and everything arrives.
        p.b.autoConsume = true;
        p.b.consumeAll();
        assertThat(p.run(() -> p.b.receivedBytes == 400L * 16384 && p.a.assoc.bufferedAmount(1) == 0, 120 * SECOND))
                .isTrue();
        p.a.drainEvents();
        assertThat(p.a.eventsOf(SctpEvent.BufferedAmountDecreased.class)).isNotEmpty()
                .last().extracting(SctpEvent.BufferedAmountDecreased::bufferedAmount).isEqualTo(0L);
    }

    @Test
    void thousandStreamsOpenedAndReset_seed42() {
        SctpPair p = new SctpPair(42, OPTS, SimLink.delay(5 * MS)).connect();
        int n = 1000;
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 2 * i + 1;
            assertThat(p.a.assoc.send(ids[i], 50, new byte[] {3, 0, 0, 0}, false, Reliability.RELIABLE, p.now()))
                    .isEqualTo(SendResult.OK);
        }
        assertThat(p.run(() -> p.b.messages.size() == n, 60 * SECOND)).isTrue();
        p.a.assoc.resetStreams(ids, p.now());
        assertThat(p.a.assoc.send(ids[0], 51, new byte[1], false, Reliability.RELIABLE, p.now()))
                .isEqualTo(SendResult.BAD_STREAM);
        AtomicInteger outDone = new AtomicInteger();
        AtomicInteger inDone = new AtomicInteger();
        assertThat(p.run(() -> {
            outDone.set(p.a.eventsOf(SctpEvent.StreamsResetOutgoing.class).stream().mapToInt(e -> e.streamIds().length).sum());
            inDone.set(p.b.eventsOf(SctpEvent.StreamsResetIncoming.class).stream().mapToInt(e -> e.streamIds().length).sum());
            return outDone.get() == n && inDone.get() == n;
        }, 60 * SECOND)).isTrue();
        assertThat(p.a.eventsOf(SctpEvent.StreamsResetOutgoing.class)).allMatch(SctpEvent.StreamsResetOutgoing::success);
        // Streams are reusable afterwards, from SSN 0.
        assertThat(p.a.assoc.send(ids[5], 51, new byte[] {9}, false, Reliability.RELIABLE, p.now())).isEqualTo(SendResult.OK);
        assertThat(p.run(() -> p.b.messages.size() == n + 1, 10 * SECOND)).isTrue();
    }

    @Test
    void streamResetBothDirectionsWithDataInFlight_seed43() {
        SctpPair p = new SctpPair(43, OPTS, SimLink.delay(20 * MS).withLoss(0.1).withJitter(5 * MS)).connect();
        for (int i = 0; i < 50; i++) {
            p.a.assoc.send(7, 51, new byte[2000], false, Reliability.RELIABLE, p.now());
            p.b.assoc.send(7, 51, new byte[2000], false, Reliability.RELIABLE, p.now());
        }
        p.a.assoc.resetStreams(new int[] {7}, p.now());
        p.b.assoc.resetStreams(new int[] {7}, p.now());
        assertThat(p.run(() -> p.a.eventsOf(SctpEvent.StreamsResetOutgoing.class).size() == 1
                && p.b.eventsOf(SctpEvent.StreamsResetOutgoing.class).size() == 1
                && p.a.eventsOf(SctpEvent.StreamsResetIncoming.class).size() == 1
                && p.b.eventsOf(SctpEvent.StreamsResetIncoming.class).size() == 1, 120 * SECOND)).isTrue();
        // Everything sent before the reset arrived before the reset was reported.
        assertThat(p.a.messages).hasSize(50);
        assertThat(p.b.messages).hasSize(50);
        int lastMessage = p.b.events.lastIndexOf(p.b.messages.get(49));
        int resetIn = p.b.events.indexOf(p.b.eventsOf(SctpEvent.StreamsResetIncoming.class).get(0));
        assertThat(resetIn).isGreaterThan(lastMessage);
    }

    @Test
    void rtoBacksOffExponentiallyAndRecovers_seed44() {
        SctpPair p = new SctpPair(44, OPTS, SimLink.delay(10 * MS)).connect();
        p.net.setLinks(SimLink.delay(10 * MS).withLoss(1), SimLink.delay(10 * MS));
        p.a.assoc.send(0, 51, new byte[100], false, Reliability.RELIABLE, p.now());
        long t0 = p.now();
        p.net.runFor(1);
        long[] expiries = new long[4];
        for (int i = 0; i < 4; i++) {
            long before = p.a.assoc.stats().t3Expiries();
            p.run(() -> p.a.assoc.stats().t3Expiries() > before, 100 * SECOND);
            expiries[i] = p.now() - t0;
        }
        // No RTT sample yet: RTO.Initial 1 s, then doubling: 1, 2, 4, 8 s apart.
        assertThat(expiries[0]).isBetween(999 * MS, 1001 * MS);
        assertThat(expiries[1] - expiries[0]).isBetween(1999 * MS, 2001 * MS);
        assertThat(expiries[2] - expiries[1]).isBetween(3999 * MS, 4001 * MS);
        assertThat(expiries[3] - expiries[2]).isBetween(7999 * MS, 8001 * MS);
        assertThat(p.a.assoc.stats().cwnd()).isEqualTo(OPTS.mtu());
        p.net.setLinks(SimLink.delay(10 * MS), SimLink.delay(10 * MS));
        assertThat(p.run(() -> p.b.messages.size() == 1, 20 * SECOND)).isTrue();
    }

    @Test
    void singleLossIsRepairedByFastRetransmitWithoutTimeout_seed45() {
        AtomicInteger dataPackets = new AtomicInteger();
        SimLink ab = SimLink.delay(20 * MS).withDrop(pkt -> {
            try {
                SctpPacket sp = SctpPacket.parse(pkt, 0, pkt.length);
                return sp.chunks().stream().anyMatch(c -> c.type() == ChunkType.DATA)
                        && dataPackets.incrementAndGet() == 30;
            } catch (Exception e) {
                return false;
            }
        });
        SctpPair p = new SctpPair(45, OPTS.withInterleaving(false), ab, SimLink.delay(20 * MS)).connect();
        for (int i = 0; i < 200; i++) {
            p.a.assoc.send(0, 51, new byte[1000], false, Reliability.RELIABLE, p.now());
        }
        // The window just before and just after the SACK that reported the third miss.
        SctpStats[] atLoss = new SctpStats[2];
        p.a.onPacketHandled = (before, after) -> {
            if (before.fastRetransmits() == 0 && after.fastRetransmits() > 0) {
                atLoss[0] = before;
                atLoss[1] = after;
            }
        };
        assertThat(p.run(() -> p.b.messages.size() == 200, 30 * SECOND)).isTrue();
        SctpStats s = p.a.assoc.stats();
        assertThat(s.fastRetransmits()).isEqualTo(1);
        assertThat(s.t3Expiries()).isZero();
        assertThat(s.retransmissions()).isEqualTo(1);
        // Fast recovery halved the window (RFC 9260 §7.2.3: ssthresh = max(cwnd/2, 4 MTU), cwnd = ssthresh).
        // The loss comes late enough in slow start for the halving to stay above the 4-MTU floor.
        assertThat(atLoss[0]).as("a SACK started fast retransmit").isNotNull();
        long cwndBefore = atLoss[0].cwnd();
        long cwndAfter = atLoss[1].cwnd();
        LOG.info("fast retransmit: cwnd {} -> {}, ssthresh {} -> {}", cwndBefore, cwndAfter, atLoss[0].ssthresh(),
                atLoss[1].ssthresh());
        assertThat(cwndBefore).isGreaterThan(8L * OPTS.mtu());
        assertThat(cwndAfter).isEqualTo(cwndBefore / 2);
        assertThat(atLoss[1].ssthresh()).isEqualTo(cwndAfter);
        // No second reduction while the same loss is repaired.
        assertThat(s.ssthresh()).isEqualTo(cwndAfter);
        assertThat(s.cwnd()).isGreaterThanOrEqualTo(cwndAfter);
    }

    @Test
    void congestionWindowGrowsInSlowStartAndIsCappedByWindow_seed46() {
        SctpPair p = new SctpPair(46, OPTS, SimLink.delay(50 * MS)).connect();
        long initial = p.a.assoc.stats().cwnd();
        assertThat(initial).isEqualTo(4404); // min(4*MTU, max(2*MTU, 4404))
        for (int i = 0; i < 300; i++) {
            p.a.assoc.send(0, 51, new byte[10000], false, Reliability.RELIABLE, p.now());
        }
        p.net.runFor(100 * MS + 5 * MS); // about one RTT
        long afterOneRtt = p.a.assoc.stats().cwnd();
        assertThat(afterOneRtt).isGreaterThan(initial).isLessThanOrEqualTo(2 * initial + OPTS.mtu());
        assertThat(p.a.assoc.stats().flightSize()).isLessThanOrEqualTo(afterOneRtt + OPTS.mtu());
        p.net.runFor(2 * SECOND);
        assertThat(p.a.assoc.stats().cwnd()).isGreaterThan(100_000);
        assertThat(p.a.assoc.stats().flightSize()).isLessThanOrEqualTo(OPTS.receiveWindow() + OPTS.mtu());
    }

    @Test
    void largeMessageDoesNotBlockSmallOnesOnOtherStreamsWithInterleaving_seed47() {
        SctpOptions o = OPTS.withReceiveWindow(4 << 20).withMaxMessageSize(1 << 20);
        SctpPair p = new SctpPair(47, o, SimLink.delay(10 * MS).withBandwidth(2_000_000, 0)).connect();
        assertThat(p.a.assoc.interleaving()).isTrue();
        assertThat(p.a.assoc.send(1, 53, new byte[1 << 20], false, Reliability.RELIABLE, p.now())).isEqualTo(SendResult.OK);
        p.net.runFor(50 * MS);
        long sentAt = p.now();
        assertThat(p.a.assoc.send(2, 51, new byte[] {42}, false, Reliability.RELIABLE, p.now())).isEqualTo(SendResult.OK);
        assertThat(p.run(() -> p.b.messages.stream().anyMatch(m -> m.streamId() == 2), 10 * SECOND)).isTrue();
        long latency = p.now() - sentAt;
        // The 1 MiB message takes ~0.5 s on this 2 MB/s link; the small one overtakes it.
        assertThat(latency).isLessThan(100 * MS);
        assertThat(p.b.messages).hasSize(1);
        assertThat(p.run(() -> p.b.messages.size() == 2, 10 * SECOND)).isTrue();
        LOG.info("interleaving: small message latency {} ms behind a 1 MiB message", latency / MS);
    }

    @Test
    void unorderedForwardTsnEntriesAreNotTreatedAsOrderedSkips() throws Exception {
        // Drive B by hand: ordered SSN 0 on stream 5 is missing; an unordered message on stream 5
        // with SSN field 0 is abandoned by a peer that (wrongly) lists it in FORWARD-TSN.
        SctpPair p = new SctpPair(48, OPTS.withInterleaving(false), SimLink.delay(1 * MS)).connect();
        SctpAssociation b = p.b.assoc;
        byte[] probe = null;
        p.a.assoc.send(0, 51, new byte[] {1}, false, Reliability.RELIABLE, p.now());
        probe = p.a.pollTransmit();
        SctpPacket sp = SctpPacket.parse(probe, 0, probe.length);
        DataChunk d0 = (DataChunk) sp.chunks().get(0);
        int tsn = d0.tsn();
        b.handlePacket(p.now(), probe, 0, probe.length);
        // TSN+1: first fragment of an unordered message on stream 5 (will be abandoned).
        send(b, sp, new DataChunk(tsn + 1, 5, 0, 51, new byte[] {7}, true, true, false, false));
        // TSN+2 (its last fragment) and TSN+3 (ordered SSN 0 on stream 5) are lost; TSN+4, SSN 1, waits.
        send(b, sp, new DataChunk(tsn + 4, 5, 1, 51, new byte[] {11}, false, true, true, false));
        // The quirky FORWARD-TSN: skips TSN+1..+2 and lists (5, 0) although that message was unordered.
        send(b, sp, new ForwardTsnChunk(tsn + 2, new int[] {5}, new int[] {0}));
        p.b.drainEvents();
        assertThat(p.b.messages).extracting(SctpEvent.Message::streamId).containsExactly(0);
        assertThat(b.stats().drops()).containsKey("forward-tsn-unordered-entry");
        // SSN 0 arrives (retransmitted): both ordered messages come, in order.
        send(b, sp, new DataChunk(tsn + 3, 5, 0, 51, new byte[] {10}, false, true, true, false));
        p.b.drainEvents();
        assertThat(p.b.messages).extracting(m -> m.payload()[0]).containsExactly((byte) 1, (byte) 10, (byte) 11);
    }

    private static void send(SctpAssociation to, SctpPacket template, io.sluice.peer.sctp.chunk.Chunk c) {
        byte[] pkt = new SctpPacket(template.sourcePort(), template.destinationPort(), template.verificationTag(),
                List.of(c)).encode();
        to.handlePacket(2000 * SECOND, pkt, 0, pkt.length);
    }

    /**
     * Goodput in simulated time, so the figure is exact and repeatable: never above what the link can
     * carry as payload, and not below a floor set from that capacity (a fraction that allows for
     * slow start and Reno's sawtooth at each RTT). Losses come only from the bottleneck's queue and
     * every one is repaired by fast retransmit, never by a timeout.
     */
    @Test
    void goodputOverBottleneckLinksIsNearTheLinkCapacity() {
        long rate = 12_500_000;
        // A full DATA packet: common header and I-DATA header (both ends offer interleaving), then payload.
        double capacity = rate * (double) (OPTS.mtu() - SctpPacket.HEADER_LENGTH - IDataChunk.HEADER_LENGTH)
                / OPTS.mtu();
        long[] rtts = {20, 100};
        double[] floors = {0.93, 0.72};
        for (int k = 0; k < rtts.length; k++) {
            long rtt = rtts[k];
            // 100 Mbit/s bottleneck with a 1 MB queue, no random loss; 4 MiB receive window for the long RTT.
            SimLink link = SimLink.delay(rtt / 2 * MS).withBandwidth(rate, 1_000_000);
            SctpOptions o = OPTS.withReceiveWindow(4 << 20);
            SctpPair p = new SctpPair(49 + rtt, o, link).connect();
            assertThat(p.a.assoc.interleaving()).isTrue();
            long total = 50_000_000;
            long[] sent = {0};
            Runnable feed = () -> {
                while (sent[0] < total && p.a.assoc.bufferedAmount(0) < 4_000_000) {
                    p.a.assoc.send(0, 53, new byte[65536], false, Reliability.RELIABLE, p.now());
                    sent[0] += 65536;
                }
            };
            feed.run();
            p.a.onEvent = e -> feed.run();
            long start = p.now();
            assertThat(p.run(() -> p.b.receivedBytes >= total, 600 * SECOND)).isTrue();
            double secs = (p.now() - start) / 1e9;
            double goodput = p.b.receivedBytes / secs;
            SctpStats s = p.a.assoc.stats();
            LOG.info("goodput over {} ms RTT, 12.5 MB/s bottleneck: {} MB/s ({} s simulated, {} % of the {} MB/s "
                    + "payload capacity) {}", rtt, String.format("%.2f", goodput / 1e6), String.format("%.2f", secs),
                    String.format("%.1f", 100 * goodput / capacity), String.format("%.2f", capacity / 1e6), s);
            assertThat(goodput).as("goodput at %d ms RTT", rtt).isLessThanOrEqualTo(capacity)
                    .isGreaterThanOrEqualTo(floors[k] * capacity);
            assertThat(s.t3Expiries()).as("timeouts at %d ms RTT", rtt).isZero();
            assertThat(s.fastRetransmits()).as("queue-overflow losses at %d ms RTT", rtt).isPositive();
        }
    }

    @Test
    void inProcessThroughput() {
        SctpOptions o = OPTS.withHeartbeatInterval(0);
        SctpAssociation a = new SctpAssociation(o.withLogPrefix("A "), RandomSource.seeded(1));
        SctpAssociation b = new SctpAssociation(o.withLogPrefix("B "), RandomSource.seeded(2));
        long[] now = {1_000 * SECOND};
        a.connect(now[0]);
        long total = 100L << 20;
        byte[] msg = new byte[65536];
        long sent = 0;
        long received = 0;
        long t0 = 0;
        boolean counting = false;
        for (int guard = 0; guard < 50_000_000 && received < total + (2L << 20); guard++) {
            if (!counting && a.state() == SctpCore.SctpState.CONNECTED) {
                counting = true;
                t0 = System.nanoTime();
            }
            while (counting && sent < total && a.bufferedAmount(0) < (4 << 20)) {
                a.send(0, 53, msg, false, Reliability.RELIABLE, now[0]);
                sent += msg.length;
            }
            boolean moved = false;
            byte[] pkt;
            while ((pkt = a.pollTransmit()) != null) {
                b.handlePacket(now[0], pkt, 0, pkt.length);
                moved = true;
            }
            while ((pkt = b.pollTransmit()) != null) {
                a.handlePacket(now[0], pkt, 0, pkt.length);
                moved = true;
            }
            SctpEvent e;
            while ((e = b.pollEvent()) != null) {
                if (e instanceof SctpEvent.Message) {
                    int n = ((SctpEvent.Message) e).payload().length;
                    received += n;
                    b.consumed(n);
                }
            }
            while (a.pollEvent() != null) {
                // drain
            }
            if (received >= total) {
                break;
            }
            if (!moved) {
                now[0] = Math.max(now[0] + MS, Math.min(a.nextDeadline(), b.nextDeadline()));
                a.handleTimeout(now[0]);
                b.handleTimeout(now[0]);
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        LOG.info("in-process: {} MB of 64 KiB messages in {} s: {} MB/s (CPU-bound, both ends on one thread)",
                received >> 20, String.format("%.2f", secs), String.format("%.1f", received / secs / 1e6));
        assertThat(received).isEqualTo(total);
    }
}
