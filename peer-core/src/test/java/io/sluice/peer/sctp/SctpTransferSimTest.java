package io.sluice.peer.sctp;

import static io.sluice.peer.sctp.SctpPair.MS;
import static io.sluice.peer.sctp.SctpPair.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.sctp.SctpCore.Reliability;
import io.sluice.peer.sctp.SctpCore.SctpState;
import io.sluice.peer.sctp.SctpCore.SendResult;
import io.sluice.peer.sim.SimLink;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Data transfer over a seeded lossy network: every byte in order, exactly once, or given up as configured. */
class SctpTransferSimTest {

    private static final Logger LOG = LoggerFactory.getLogger(SctpTransferSimTest.class);

    static SimLink lossy(double loss) {
        return SimLink.delay(20 * MS).withJitter(loss > 0 ? 10 * MS : 0).withLoss(loss)
                .withReorder(loss > 0 ? 0.02 : 0).withDuplicate(loss > 0 ? 0.01 : 0);
    }

    /** Message i: a length and bytes derived from (seed, i), so the receiver can check it. */
    static byte[] message(long seed, int i, int size) {
        byte[] b = new byte[size];
        long x = seed * 1_000_003L + i;
        for (int k = 0; k < size; k++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            b[k] = (byte) (x >>> 56);
        }
        return b;
    }

    /** Varied sizes up to 256 KiB, with the 65536-byte and 65535/65537 edge cases in front. */
    static List<Integer> sizes(long seed, long totalBytes) {
        List<Integer> out = new ArrayList<>(List.of(65536, 1, 65535, 65537, 262144, 1135, 1136, 1131));
        Random r = new Random(seed);
        long sum = out.stream().mapToLong(Integer::longValue).sum();
        while (sum < totalBytes) {
            int s = r.nextInt(4) == 0 ? 1 + r.nextInt(262144) : 1 + r.nextInt(4000);
            out.add(s);
            sum += s;
        }
        return out;
    }

    static Stream<Arguments> reliableCases() {
        return Stream.of(
                Arguments.of(1L, 0.0, false, 10_000_000L),
                Arguments.of(2L, 0.0, true, 10_000_000L),
                Arguments.of(3L, 0.05, false, 10_000_000L),
                Arguments.of(4L, 0.05, true, 4_000_000L),
                Arguments.of(5L, 0.20, false, 2_000_000L),
                Arguments.of(6L, 0.20, true, 2_000_000L));
    }

    @ParameterizedTest(name = "seed={0} loss={1} interleaving={2} bytes={3}")
    @MethodSource("reliableCases")
    void reliableOrderedDeliversEveryByteInOrder(long seed, double loss, boolean interleaving, long total) {
        SctpOptions o = SctpOptions.defaults().withInterleaving(interleaving);
        SctpPair p = new SctpPair(seed, o, lossy(loss)).connect();
        List<Integer> sizes = sizes(seed, total);
        long start = p.now();
        int[] next = {0};
        // Keep about 2 MB queued: the application sends as bufferedAmount drains.
        Runnable feed = () -> {
            while (next[0] < sizes.size() && p.a.assoc.bufferedAmount(3) < 2_000_000) {
                int i = next[0]++;
                assertThat(p.a.assoc.send(3, 53, message(seed, i, sizes.get(i)), false, Reliability.RELIABLE, p.now()))
                        .isEqualTo(SendResult.OK);
            }
        };
        feed.run();
        p.a.onEvent = e -> feed.run();
        assertThat(p.run(() -> p.b.messages.size() == sizes.size(), 3600 * SECOND))
                .as("all delivered (seed %d): %s / %s", seed, p.a.assoc, p.b.assoc).isTrue();
        for (int i = 0; i < sizes.size(); i++) {
            SctpEvent.Message m = p.b.messages.get(i);
            assertThat(m.payload()).as("message %d", i).isEqualTo(message(seed, i, sizes.get(i)));
            assertThat(m.streamId()).isEqualTo(3);
            assertThat(m.ppid()).isEqualTo(53);
        }
        assertThat(p.run(() -> p.a.assoc.bufferedAmount(3) == 0 && !p.a.assoc.hasOutstanding(), 60 * SECOND)).isTrue();
        double secs = (p.now() - start) / 1e9;
        LOG.info("seed={} loss={} interleaving={}: {} bytes in {} s simulated, {} KB/s; {}", seed, loss, interleaving,
                p.b.receivedBytes, String.format("%.1f", secs), String.format("%.0f", p.b.receivedBytes / secs / 1000),
                p.a.assoc.stats());
        assertThat(p.a.assoc.isConsistent()).isTrue();
    }

    @ParameterizedTest(name = "seed={0} loss={1} interleaving={2}")
    @MethodSource("unorderedCases")
    void unorderedDeliversEveryMessageExactlyOnce(long seed, double loss, boolean interleaving) {
        SctpPair p = new SctpPair(seed, SctpOptions.defaults().withInterleaving(interleaving), lossy(loss)).connect();
        int n = 3000;
        Random r = new Random(seed);
        byte[][] sent = new byte[n][];
        for (int i = 0; i < n; i++) {
            byte[] m = message(seed, i, 4 + r.nextInt(3000));
            m[0] = (byte) (i >>> 24);
            m[1] = (byte) (i >>> 16);
            m[2] = (byte) (i >>> 8);
            m[3] = (byte) i;
            sent[i] = m.clone();
            assertThat(p.a.assoc.send(1 + (i % 3), 51, m, true, Reliability.RELIABLE, p.now())).isEqualTo(SendResult.OK);
        }
        assertThat(p.run(() -> p.b.messages.size() >= n && !p.a.assoc.hasOutstanding(), 3600 * SECOND)).isTrue();
        p.net.runFor(5 * SECOND);
        assertThat(p.b.messages).hasSize(n);
        Set<Integer> seen = new HashSet<>();
        for (SctpEvent.Message m : p.b.messages) {
            byte[] b = m.payload();
            assertThat(b.length).as("a message carries its index").isGreaterThanOrEqualTo(4);
            int i = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            assertThat(i).as("a message index that was sent").isBetween(0, n - 1);
            assertThat(seen.add(i)).as("message %d once", i).isTrue();
            assertThat(b).as("message %d intact", i).isEqualTo(sent[i]);
            assertThat(m.streamId()).as("message %d stream", i).isEqualTo(1 + (i % 3));
            assertThat(m.ppid()).isEqualTo(51);
            assertThat(m.unordered()).isTrue();
        }
    }

    static Stream<Arguments> unorderedCases() {
        return Stream.of(Arguments.of(21L, 0.0, false), Arguments.of(22L, 0.05, false), Arguments.of(23L, 0.2, false),
                Arguments.of(24L, 0.2, true));
    }

    static Stream<Arguments> partialCases() {
        return Stream.of(Arguments.of(31L, false, false), Arguments.of(32L, true, false), Arguments.of(33L, false, true),
                Arguments.of(34L, true, true));
    }

    @ParameterizedTest(name = "seed={0} interleaving={1} lifetime={2}")
    @MethodSource("partialCases")
    void partialReliabilityGivesUpAsConfiguredWithoutDuplicatesOrCorruption(long seed, boolean interleaving,
            boolean lifetime) {
        SctpPair p = new SctpPair(seed, SctpOptions.defaults().withInterleaving(interleaving), lossy(0.2)).connect();
        int n = 2000;
        Reliability rel = lifetime ? Reliability.maxLifetime(150) : Reliability.maxRetransmits(0);
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            byte[] m = message(seed, i, 4 + r.nextInt(5000));
            m[0] = (byte) (i >>> 24);
            m[1] = (byte) (i >>> 16);
            m[2] = (byte) (i >>> 8);
            m[3] = (byte) i;
            boolean unordered = i % 2 == 0;
            assertThat(p.a.assoc.send(1 + (i % 4), 51, m, unordered, rel, p.now())).isEqualTo(SendResult.OK);
            p.net.runFor(2 * MS); // an application sending at ~1.25 MB/s
        }
        assertThat(p.run(() -> p.a.assoc.stats().bufferedTotal() == 0 && !p.a.assoc.hasOutstanding(), 3000 * SECOND))
                .as("sender done: %s", p.a.assoc).isTrue();
        p.net.runFor(5 * SECOND);
        // Done, not dead: a terminated association also has nothing outstanding.
        assertThat(p.a.assoc.state()).as("sender %s", p.a.assoc).isEqualTo(SctpState.CONNECTED);
        assertThat(p.b.assoc.state()).as("receiver %s", p.b.assoc).isEqualTo(SctpState.CONNECTED);
        Set<Integer> seen = new HashSet<>();
        int[] lastOrderedPerStream = new int[8];
        java.util.Arrays.fill(lastOrderedPerStream, -1);
        Random r2 = new Random(seed);
        int[] expectedSize = new int[n];
        for (int i = 0; i < n; i++) {
            expectedSize[i] = 4 + r2.nextInt(5000);
        }
        for (SctpEvent.Message m : p.b.messages) {
            byte[] b = m.payload();
            int i = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            assertThat(seen.add(i)).as("message %d delivered once", i).isTrue();
            byte[] expected = message(seed, i, expectedSize[i]);
            expected[0] = b[0];
            expected[1] = b[1];
            expected[2] = b[2];
            expected[3] = b[3];
            assertThat(b).as("message %d intact", i).isEqualTo(expected);
            if (!m.unordered()) {
                assertThat(i).as("ordered on stream %d", m.streamId()).isGreaterThan(lastOrderedPerStream[m.streamId()]);
                lastOrderedPerStream[m.streamId()] = i;
            }
        }
        SctpStats sa = p.a.assoc.stats();
        // At 20% loss both ways the receiver's cumulative TSN passes one hole per round trip (a
        // FORWARD-TSN may skip only abandoned TSNs, RFC 3758 §3.5 C2), far fewer than the sender
        // makes, so the forward skips take many minutes of simulated time after the last send.
        LOG.info("partial reliability seed={} interleaving={} lifetime={}: delivered {} of {}, abandoned {}, "
                + "forward-tsn sent {}, T3 expiries {}, done at {} s", seed, interleaving, lifetime, p.b.messages.size(),
                n, sa.messagesAbandoned(), sa.forwardTsnsSent(), sa.t3Expiries(), p.now() / SECOND);
        assertThat(p.b.messages.size()).isLessThan(n).isGreaterThan(lifetime ? n / 50 : n / 3);
        // Abandoned messages may still have arrived (only their acknowledgement was lost).
        assertThat(sa.messagesAbandoned()).isGreaterThanOrEqualTo(n - p.b.messages.size());
        assertThat(sa.forwardTsnsSent()).isPositive();
        // The peer's cumulative TSN moved past every abandoned TSN: nothing outstanding remains.
        assertThat(p.a.assoc.hasOutstanding()).isFalse();
    }
}
