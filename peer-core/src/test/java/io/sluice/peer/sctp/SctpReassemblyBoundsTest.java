package io.sluice.peer.sctp;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.sctp.SctpCore.Reliability;
import io.sluice.peer.sctp.chunk.Chunk;
import io.sluice.peer.sctp.chunk.DataChunk;
import io.sluice.peer.sctp.chunk.ErrorCause;
import io.sluice.peer.sctp.chunk.ForwardTsnChunk;
import io.sluice.peer.sctp.chunk.IDataChunk;
import io.sluice.peer.sctp.chunk.IForwardTsnChunk;
import io.sluice.peer.sim.SimLink;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A remote peer is untrusted: what it makes the receiver do and hold per byte it sends stays flat
 * however it cuts its data. The streams here are the pathological ones: messages in one-byte
 * fragments that never end, fragments of unrelated messages, complete messages that wait forever
 * for an earlier one, TSNs with a hole between every two.
 */
class SctpReassemblyBoundsTest {

    private static final Logger LOG = LoggerFactory.getLogger(SctpReassemblyBoundsTest.class);
    private static final int SID = 1;
    private static final int PPID = 53;
    /** A window so large that nothing in these floods is refused for want of room. */
    private static final SctpOptions ROOMY = SctpOptions.defaults().withReceiveWindow(64 << 20);

    /** How the peer cuts its data; {@code chunk(firstTsn).apply(i)} is its i-th chunk. */
    enum Flood {
        /** DATA: the first fragment of an ordered message, then one-byte middle fragments, no end. */
        DATA_ORDERED_ONE_MESSAGE(false) {
            @Override
            Chunk chunk(int tsn0, int i) {
                return new DataChunk(tsn0 + i, SID, 0, PPID, one(i), false, i == 0, false, false);
            }
        },
        DATA_UNORDERED_ONE_MESSAGE(false) {
            @Override
            Chunk chunk(int tsn0, int i) {
                return new DataChunk(tsn0 + i, SID, 0, PPID, one(i), true, i == 0, false, false);
            }
        },
        /** DATA: a middle fragment of a different ordered message at every TSN. */
        DATA_UNRELATED_MIDDLES(false) {
            @Override
            Chunk chunk(int tsn0, int i) {
                return new DataChunk(tsn0 + i, SID, i & 0xffff, PPID, one(i), false, false, false, false);
            }
        },
        /** DATA: complete ordered messages from SSN 1 on; SSN 0 never comes, so all of them wait. */
        DATA_WAITING_FOR_SSN_0(false) {
            @Override
            Chunk chunk(int tsn0, int i) {
                return new DataChunk(tsn0 + i, SID, (i % 30000) + 1, PPID, one(i), false, true, true, false);
            }
        },
        /** DATA: complete unordered messages (delivered at once) at every second TSN: a gap after each. */
        DATA_GAP_AFTER_EVERY_TSN(false) {
            @Override
            Chunk chunk(int tsn0, int i) {
                return new DataChunk(tsn0 + 1 + 2 * i, SID, 0, PPID, one(i), true, true, true, false);
            }
        },
        IDATA_ORDERED_ONE_MESSAGE(true) {
            @Override
            Chunk chunk(int tsn0, int i) {
                return new IDataChunk(tsn0 + i, SID, 0, PPID, i, one(i), false, i == 0, false, false);
            }
        },
        IDATA_UNORDERED_ONE_MESSAGE(true) {
            @Override
            Chunk chunk(int tsn0, int i) {
                return new IDataChunk(tsn0 + i, SID, 0, PPID, i, one(i), true, i == 0, false, false);
            }
        },
        /** I-DATA: fragment 1 of a new unordered message at every TSN. */
        IDATA_ONE_FRAGMENT_PER_MESSAGE(true) {
            @Override
            Chunk chunk(int tsn0, int i) {
                return new IDataChunk(tsn0 + i, SID, i, 0, 1, one(i), true, false, false, false);
            }
        };

        final boolean interleaving;

        Flood(boolean interleaving) {
            this.interleaving = interleaving;
        }

        abstract Chunk chunk(int tsn0, int i);

        IntFunction<Chunk> from(int tsn0) {
            return i -> chunk(tsn0, i);
        }

        SctpOptions options(SctpOptions base) {
            return base.withInterleaving(interleaving);
        }

        private static byte[] one(int i) {
            return new byte[] {(byte) i};
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** CPU time of this thread per chunk while B takes {@code n} chunks of the flood. */
    private static double cpuNanosPerChunk(Flood flood, int n, long seed) {
        HandWrittenPeer peer = new HandWrittenPeer(seed, flood.options(ROOMY));
        long t0 = THREADS.getCurrentThreadCpuTime();
        peer.send(n, flood.from(peer.nextTsn));
        long t1 = THREADS.getCurrentThreadCpuTime();
        assertThat(peer.closed).as("the roomy window takes the whole flood").isNull();
        return (double) (t1 - t0) / n;
    }

    /** Reassembly steps per chunk (deterministic): the same at n and at 16n, and a small constant. */
    @ParameterizedTest
    @EnumSource(Flood.class)
    void reassemblyStepsPerChunkAreConstant(Flood flood) {
        double[] perChunk = new double[2];
        int[] sizes = {1_000, 16_000};
        for (int k = 0; k < 2; k++) {
            HandWrittenPeer peer = new HandWrittenPeer(40 + k, flood.options(ROOMY));
            long w0 = peer.b.reassemblyWork();
            peer.send(sizes[k], flood.from(peer.nextTsn));
            assertThat(peer.closed).isNull();
            perChunk[k] = (double) (peer.b.reassemblyWork() - w0) / sizes[k];
        }
        assertThat(perChunk[0]).isLessThanOrEqualTo(2.0);
        assertThat(perChunk[1]).isLessThanOrEqualTo(perChunk[0]);
    }

    /**
     * The work per chunk does not grow with the number of chunks before it. Measured as this
     * thread's CPU time at n and at 16n with a generous bound (a quadratic receiver is 16 times
     * slower per chunk at 16n; a linear one about as fast).
     */
    @ParameterizedTest
    @EnumSource(value = Flood.class, names = {"DATA_ORDERED_ONE_MESSAGE", "DATA_UNORDERED_ONE_MESSAGE",
        "IDATA_ORDERED_ONE_MESSAGE", "IDATA_UNORDERED_ONE_MESSAGE", "IDATA_ONE_FRAGMENT_PER_MESSAGE"})
    void cpuPerFragmentDoesNotGrowWithTheNumberOfFragments(Flood flood) {
        int small = 1_000;
        int large = 16 * small;
        cpuNanosPerChunk(flood, small, 1); // warm-up
        double atSmall = Double.MAX_VALUE;
        for (int run = 0; run < 3; run++) {
            atSmall = Math.min(atSmall, cpuNanosPerChunk(flood, small, 2 + run));
        }
        double atLarge = cpuNanosPerChunk(flood, large, 9);
        LOG.info("{}: {} ns per chunk at {} chunks, {} ns at {}", flood, Math.round(atSmall), small,
                Math.round(atLarge), large);
        assertThat(atLarge / atSmall).as("CPU per chunk at %d chunks over that at %d", large, small)
                .isLessThan(4.0);
    }

    private static long usedHeapAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Runtime rt = Runtime.getRuntime();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    /**
     * What B holds for the flood is bounded by the receive window it gives up for it: the heap it
     * retains is at most twice the window bytes it no longer advertises, plus the bookkeeping the
     * window does not charge for (an eighth of it) and measurement slack. So what a peer makes us
     * hold is bounded by our a_rwnd, however small its fragments.
     */
    @ParameterizedTest
    @EnumSource(Flood.class)
    void heapHeldForAFloodIsCoveredByTheWindowItTakes(Flood flood) {
        int n = flood.name().endsWith("ONE_MESSAGE") && !flood.interleaving ? 24_000
                : flood == Flood.IDATA_ONE_FRAGMENT_PER_MESSAGE ? 20_000 : 32_000;
        SctpOptions options = flood.options(SctpOptions.defaults().withReceiveWindow(8 << 20));
        HandWrittenPeer peer = new HandWrittenPeer(20 + flood.ordinal(), options);
        long before = usedHeapAfterGc();
        peer.send(n, flood.from(peer.nextTsn));
        long retained = usedHeapAfterGc() - before;
        long window = peer.windowUsed();
        LOG.info("{}: {} chunks of one byte: {} bytes of heap held, {} bytes of window taken", flood, n, retained,
                window);
        assertThat(peer.closed).isNull();
        long free = options.receiveWindow() / 8;
        assertThat(retained).as("heap held for %d one-byte chunks (window taken: %d)", n, window)
                .isLessThan(2 * window + free + (512 << 10));
        java.lang.ref.Reference.reachabilityFence(peer);
    }

    /**
     * With the default 1 MiB window, a flood of one-byte fragments that can never complete fills
     * the window (payload plus bookkeeping) after some twenty thousand chunks; then nothing can
     * make room, and B aborts with Out of Resource instead of holding on.
     */
    @ParameterizedTest
    @EnumSource(value = Flood.class, mode = EnumSource.Mode.EXCLUDE, names = "DATA_GAP_AFTER_EVERY_TSN")
    void aFloodThatCanNeverCompleteEndsInAnOutOfResourceAbort(Flood flood) {
        SctpOptions options = flood.options(SctpOptions.defaults());
        HandWrittenPeer peer = new HandWrittenPeer(60 + flood.ordinal(), options);
        int[] sent = {0};
        peer.send(1_000_000, i -> {
            sent[0] = i + 1;
            return flood.chunk(peer.nextTsn, i);
        });
        assertThat(peer.closed).as("B gave up").isNotNull();
        assertThat(peer.closed.error()).isTrue();
        assertThat(peer.closed.reason()).startsWith("out of resource");
        assertThat(peer.abortSent).isNotNull();
        assertThat(peer.abortSent.causes()).extracting(ErrorCause::code).containsExactly(ErrorCause.OUT_OF_RESOURCE);
        long window = options.receiveWindow();
        long mostChunks = (window + window / 8) / (1 + Receiver.FRAGMENT_COST);
        assertThat(sent[0]).as("chunks sent before the abort").isLessThan((int) mostChunks + 100);
        LOG.info("{}: aborted after {} one-byte chunks: {}", flood, sent[0], peer.closed.reason());
    }

    /**
     * A gap after every TSN (each message delivered): B takes TSNs until the gaps' bookkeeping
     * fills the window, then drops what lies above it (RFC 9260 §6.2) and stays up, since a
     * retransmission may fill the gaps.
     */
    @Test
    void gapsFillTheWindowAndThenNewTsnsAreDropped() {
        Flood flood = Flood.DATA_GAP_AFTER_EVERY_TSN;
        SctpOptions options = flood.options(SctpOptions.defaults());
        HandWrittenPeer peer = new HandWrittenPeer(70, options);
        peer.send(100_000, flood.from(peer.nextTsn));
        assertThat(peer.closed).isNull();
        long window = options.receiveWindow();
        assertThat(peer.messages).as("messages taken").isGreaterThan(10_000)
                .isLessThan((window + window / 8) / Receiver.GAP_COST + 100);
        assertThat(peer.b.stats().advertisedRwnd()).isZero();
        assertThat(peer.b.stats().drops()).containsKey("receive-window-full");
        // The gaps are filled: the window opens again.
        peer.send((int) peer.messages, i -> new DataChunk(peer.nextTsn + 2 * i, SID, 0, PPID, new byte[] {1}, true,
                true, true, false));
        assertThat(peer.b.stats().advertisedRwnd()).isEqualTo(window);
    }

    /** A real sender with a message larger than the window: before, the association hung forever. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aMessageLargerThanTheWindowEndsInAnOutOfResourceAbort(boolean interleaving) {
        SctpOptions a = SctpOptions.defaults().withMaxMessageSize(4 << 20).withInterleaving(interleaving);
        SctpOptions b = SctpOptions.defaults().withInterleaving(interleaving);
        SctpPair p = new SctpPair(71, a, b, SimLink.delay(5 * SctpPair.MS), SimLink.delay(5 * SctpPair.MS)).connect();
        assertThat(p.a.assoc.send(1, PPID, new byte[2 << 20], false, Reliability.RELIABLE, p.now()))
                .isEqualTo(SctpCore.SendResult.OK);
        assertThat(p.run(() -> p.a.closed != null && p.b.closed != null, 60 * SctpPair.SECOND)).isTrue();
        assertThat(p.b.closed.reason()).startsWith("out of resource");
        assertThat(p.a.closed.reason()).isEqualTo("peer aborted: out of resource");
    }

    /**
     * Normal traffic is not caught by the bounds: messages of the largest size we advertise cut into
     * the smallest fragments our MTU allows, on ordered and unordered streams at once, over a
     * lossy, reordering link, arrive whole.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void largeMessagesInSmallFragmentsOverALossyLinkArriveWhole(boolean interleaving) {
        SctpOptions o = SctpOptions.defaults().withMtu(256).withInterleaving(interleaving);
        SctpPair p = new SctpPair(72, o, SctpTransferSimTest.lossy(0.02)).connect();
        Random random = new Random(72);
        byte[][] sent = new byte[6][];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = new byte[262_144 - i];
            random.nextBytes(sent[i]);
            assertThat(p.a.assoc.send(1 + i % 3, PPID, sent[i], i % 3 == 2, Reliability.RELIABLE, p.now()))
                    .isEqualTo(SctpCore.SendResult.OK);
        }
        assertThat(p.run(() -> p.b.messages.size() == sent.length, 600 * SctpPair.SECOND)).isTrue();
        for (byte[] m : sent) {
            assertThat(p.b.messages).anyMatch(r -> Arrays.equals(r.payload(), m));
        }
        assertThat(p.b.closed).isNull();
    }

    /** I-FORWARD-TSN touches the partial messages it drops, not every partial message per entry. */
    @Test
    void iForwardTsnWorkIsProportionalToWhatItDrops() {
        Flood flood = Flood.IDATA_ONE_FRAGMENT_PER_MESSAGE;
        HandWrittenPeer peer = new HandWrittenPeer(73, flood.options(ROOMY));
        int partials = 10_000;
        peer.send(partials, flood.from(peer.nextTsn));
        int cum = peer.nextTsn + partials - 1;
        long w0 = peer.b.reassemblyWork();
        int entries = 100;
        int[] sids = new int[entries];
        boolean[] unordered = new boolean[entries];
        Arrays.fill(sids, SID);
        Arrays.fill(unordered, true);
        int chunks = 50;
        // Each chunk moves the cumulative TSN on by one and names MID 0 a hundred times.
        peer.send(chunks, k -> new IForwardTsnChunk(cum + 1 + k, sids, unordered, new int[entries]));
        long work = peer.b.reassemblyWork() - w0;
        assertThat(work).as("steps for %d entries dropping one message", chunks * entries)
                .isLessThanOrEqualTo(chunks * entries + 1);
        assertThat(peer.windowUsed()).isPositive();
        // Then one entry drops all the others.
        int[] last = {partials - 1};
        peer.send(new IForwardTsnChunk(cum + chunks + 1, new int[] {SID}, new boolean[] {true}, last));
        assertThat(peer.b.reassemblyWork() - w0 - work).isLessThanOrEqualTo(partials + 1);
        assertThat(peer.windowUsed()).isZero();
        assertThat(peer.closed).isNull();
    }

    /** FORWARD-TSN through the middle of a run of fragments drops its head; the rest goes with the next one. */
    @Test
    void forwardTsnThroughARunDropsItsHeadThenTheRest() {
        HandWrittenPeer peer = new HandWrittenPeer(74, SctpOptions.defaults().withInterleaving(false));
        int t = peer.nextTsn;
        // t: the first fragment of one message; t+1 lost; t+2..t+4 the middle of another.
        peer.send(new DataChunk(t, SID, 0, PPID, new byte[10], true, true, false, false));
        peer.send(3, i -> new DataChunk(t + 2 + i, SID, 0, PPID, new byte[10], true, false, false, false));
        assertThat(peer.windowUsed()).isEqualTo(40);
        peer.send(new ForwardTsnChunk(t + 2, new int[0], new int[0]));
        assertThat(peer.windowUsed()).isEqualTo(20);
        peer.send(new ForwardTsnChunk(t + 5, new int[0], new int[0]));
        assertThat(peer.windowUsed()).isZero();
        peer.send(new DataChunk(t + 6, SID, 0, PPID, new byte[3], true, true, false, false),
                new DataChunk(t + 7, SID, 0, PPID, new byte[4], true, false, true, false));
        assertThat(peer.messages).isEqualTo(2); // the probe and this one
        assertThat(peer.messageBytes).isEqualTo(1 + 7);
        assertThat(peer.b.isConsistent()).isTrue();
    }
}
