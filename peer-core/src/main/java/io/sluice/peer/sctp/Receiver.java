package io.sluice.peer.sctp;

import io.sluice.peer.sctp.chunk.DataChunk;
import io.sluice.peer.sctp.chunk.ForwardTsnChunk;
import io.sluice.peer.sctp.chunk.IDataChunk;
import io.sluice.peer.sctp.chunk.IForwardTsnChunk;
import io.sluice.peer.sctp.chunk.SackChunk;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The receiving half of an association: TSN tracking (cumulative TSN plus ranges above it, for gap
 * blocks), duplicate reporting, delayed SACK, the advertised window, reassembly of DATA (by
 * consecutive TSNs) and I-DATA (by message id and fragment number), ordered delivery per stream,
 * and the receiver side of FORWARD-TSN / I-FORWARD-TSN and stream reset.
 *
 * <p>Memory is bounded by the window: every accepted byte counts in {@link #held} until the
 * application {@link #consumed} it (or it is skipped), and so does an estimate of what the
 * bookkeeping costs (per fragment, run and message waiting in reassembly, per gap in the TSNs;
 * like usrsctp's per-chunk charge) beyond an allowance of an eighth of the window, so a peer that
 * cuts its data into one-byte fragments fills the window as fast as the heap, while ordinary
 * traffic sees the window it always saw. DATA beyond the window is dropped (RFC 9260 §6.2) unless it fills a
 * hole below the highest TSN received. When the window is full of data that can never be delivered
 * (nothing for the application to consume, no hole a retransmission could fill) the association
 * cannot progress, and is aborted with an Out of Resource cause (RFC 9260 §3.3.10.4), as dcsctp
 * does.
 *
 * <p>Work per chunk does not depend on what is already held: fragments join runs of consecutive
 * TSNs (DATA) or FSNs (I-DATA) in O(log n) ({@link FragmentRuns}), a complete message is copied
 * out once, and partial I-DATA messages are indexed per stream by MID so an I-FORWARD-TSN touches
 * only what it removes.
 */
final class Receiver {

    /** TSNs further than this above the cumulative TSN are dropped as nonsense. */
    private static final long MAX_TSN_SPAN = 1 << 20;
    private static final int MAX_DUPLICATES = 16;

    // What the bookkeeping costs in heap, charged against the window (64-bit JVM, compressed
    // references; each figure rounds up what was measured by SctpReassemblyBoundsTest).
    /** A held fragment: its chain node and its payload array's header. */
    static final int FRAGMENT_COST = 48;
    /** A run of fragments: the run, its tree entry and boxed key. */
    static final int RUN_COST = 128;
    /** A partial I-DATA message (its own run tree and index entry), or a complete ordered message waiting for its turn. */
    static final int MESSAGE_COST = 192;
    /** A gap in the received TSNs: a tree entry and two boxed TSNs. */
    static final int GAP_COST = 96;

    /** An I-DATA message being reassembled: its fragments by FSN. */
    private static final class Partial {
        final FragmentRuns runs;
        long endFsn = -1;
        long maxFsn = -1;

        Partial(FragmentRuns.Totals totals) {
            runs = new FragmentRuns(totals);
        }
    }

    /** The partial I-DATA messages of one stream and U flag, by MID unwrapped to 64 bits. */
    private static final class Partials {
        final TreeMap<Long, Partial> byMid = new TreeMap<>();
        long highest;

        Partials(int mid) {
            highest = Integer.toUnsignedLong(mid) + (1L << 32);
        }

        long peek(int mid) {
            return highest + (int) (mid - (int) highest);
        }

        long unwrap(int mid) {
            long v = peek(mid);
            if (v > highest) {
                highest = v;
            }
            return v;
        }
    }

    /** Per incoming stream, created on first use: the next SSN/MID and messages waiting for it. */
    private static final class InStream {
        long next;
        final TreeMap<Long, SctpEvent.Message> pending = new TreeMap<>();
    }

    private final SctpAssociation assoc;
    private final SctpStats.Counters stats;
    private final long capacity;
    /**
     * Bookkeeping the window does not charge for: an eighth of it, what a window full of partial
     * messages of about 3 KB with gaps between them costs (full-size fragments cost about 4 %).
     */
    private final long allowance;
    private final int mtu;

    private long cumTsn;
    private long highest;
    /** Received TSN ranges above the cumulative TSN: start to end, inclusive. */
    private final TreeMap<Long, Long> ranges = new TreeMap<>();
    private final int[] duplicates = new int[MAX_DUPLICATES];
    private int duplicateCount;

    private final FragmentRuns.Totals totals = new FragmentRuns.Totals();
    /** DATA fragments by TSN. */
    private final FragmentRuns fragments = new FragmentRuns(totals);
    /** Partial I-DATA messages by (stream, U flag). */
    private final Map<Integer, Partials> partials = new HashMap<>();
    private long partialMessages;
    private final Map<Integer, InStream> streams = new HashMap<>();
    /** Complete ordered messages waiting for an earlier one. */
    private long waitingMessages;
    /** Work not counted in {@link FragmentRuns.Totals#steps}: I-FORWARD-TSN entries and partials dropped. */
    private long steps;

    private long held;
    private long unconsumed;
    private long lastAdvertised;

    private boolean sackNow;
    private boolean delayedPending;
    private int dataPacketsSinceSack;

    Receiver(SctpAssociation assoc, SctpOptions options) {
        this.assoc = assoc;
        this.stats = assoc.counters();
        this.capacity = options.receiveWindow();
        this.allowance = capacity / 8;
        this.mtu = options.mtu();
        this.lastAdvertised = capacity;
    }

    void init(int peerInitialTsn) {
        cumTsn = Integer.toUnsignedLong(peerInitialTsn) + (1L << 32) - 1;
        highest = cumTsn;
    }

    private long unwrap(int tsn) {
        return cumTsn + (int) (tsn - (int) cumTsn);
    }

    // ---- TSN bookkeeping ----------------------------------------------------------------------

    /** Whether a chunk of {@code len} bytes at {@code tsn} is taken; records duplicates and drops. */
    private boolean accept(long tsn, int len) {
        if (tsn <= cumTsn || isReceived(tsn)) {
            if (duplicateCount < MAX_DUPLICATES) {
                duplicates[duplicateCount++] = (int) tsn;
            }
            stats.drop("duplicate-tsn");
            sackNow = true;
            return false;
        }
        if (tsn - cumTsn > MAX_TSN_SPAN) {
            stats.drop("tsn-out-of-range");
            return false;
        }
        long used = used();
        if (used + len > capacity && (tsn > highest || used > 2 * capacity)) {
            stats.drop("receive-window-full");
            sackNow = true;
            if (tsn > highest && unconsumed == 0 && ranges.isEmpty()) {
                // All we hold waits for data above the window: nothing can ever make room.
                assoc.outOfResource("receive window exhausted by " + totals.fragments + " fragments and "
                        + waitingMessages + " waiting messages that cannot complete");
            }
            return false;
        }
        if (!ranges.isEmpty()) {
            sackNow = true; // a gap exists or is being filled: tell the sender now (§6.7)
        }
        markReceived(tsn);
        return true;
    }

    private boolean isReceived(long tsn) {
        Map.Entry<Long, Long> e = ranges.floorEntry(tsn);
        return e != null && e.getValue() >= tsn;
    }

    private void markReceived(long tsn) {
        if (tsn > highest) {
            highest = tsn;
        }
        if (tsn == cumTsn + 1) {
            cumTsn = tsn;
            Map.Entry<Long, Long> first = ranges.firstEntry();
            if (first != null && first.getKey() == cumTsn + 1) {
                cumTsn = first.getValue();
                ranges.pollFirstEntry();
            }
            return;
        }
        Map.Entry<Long, Long> below = ranges.floorEntry(tsn);
        Long aboveEnd = ranges.get(tsn + 1);
        if (below != null && below.getValue() == tsn - 1) {
            long end = aboveEnd != null ? aboveEnd : tsn;
            if (aboveEnd != null) {
                ranges.remove(tsn + 1);
            }
            ranges.put(below.getKey(), end);
        } else if (aboveEnd != null) {
            ranges.remove(tsn + 1);
            ranges.put(tsn, aboveEnd);
        } else {
            ranges.put(tsn, tsn);
        }
    }

    private void advanceCumTo(long newCum) {
        if (newCum <= cumTsn) {
            return;
        }
        cumTsn = newCum;
        if (highest < cumTsn) {
            highest = cumTsn;
        }
        while (!ranges.isEmpty()) {
            Map.Entry<Long, Long> first = ranges.firstEntry();
            if (first.getKey() > cumTsn + 1) {
                break;
            }
            ranges.pollFirstEntry();
            if (first.getValue() > cumTsn) {
                cumTsn = first.getValue();
            }
        }
    }

    boolean hasReceivedThrough(int tsn) {
        return unwrap(tsn) <= cumTsn;
    }

    int cumulativeTsn() {
        return (int) cumTsn;
    }

    // ---- DATA ---------------------------------------------------------------------------------

    void onData(DataChunk c) {
        long tsn = unwrap(c.tsn());
        int len = c.payload().length;
        if (!accept(tsn, len)) {
            return;
        }
        if (c.streamId() >= assoc.maxInboundStreams()) {
            stats.drop("invalid-stream");
            return;
        }
        held += len;
        if (c.beginning() && c.end()) {
            complete(c.streamId(), c.ssn(), c.ppid(), c.payload(), c.unordered());
            return;
        }
        // The fragments of one message have consecutive TSNs (RFC 9260 §6.9). A TSN is new here.
        FragmentRuns.Run r = fragments.add(tsn, c.streamId(), c.ssn(), c.ppid(), c.unordered(), c.beginning(),
                c.end(), c.payload());
        if (r.complete()) {
            complete(r.sid, r.seq, r.ppid, fragments.take(r), r.unordered);
        }
    }

    // ---- I-DATA -------------------------------------------------------------------------------

    void onIData(IDataChunk c) {
        long tsn = unwrap(c.tsn());
        int len = c.payload().length;
        if (!accept(tsn, len)) {
            return;
        }
        if (c.streamId() >= assoc.maxInboundStreams()) {
            stats.drop("invalid-stream");
            return;
        }
        held += len;
        if (c.beginning() && c.end()) {
            complete(c.streamId(), c.mid(), c.ppid(), c.payload(), c.unordered());
            return;
        }
        long fsn = Integer.toUnsignedLong(c.fsn());
        if (!c.beginning() && fsn == 0) {
            held -= len;
            stats.drop("invalid-fsn"); // FSN 0 is the first fragment's (RFC 8260 §2.1)
            return;
        }
        int key = partialsKey(c.streamId(), c.unordered());
        Partials ps = partials.get(key);
        if (ps == null) {
            ps = new Partials(c.mid());
            partials.put(key, ps);
        }
        long mid = ps.unwrap(c.mid());
        Partial p = ps.byMid.get(mid);
        if (p == null) {
            p = new Partial(totals);
            ps.byMid.put(mid, p);
            partialMessages++;
        } else if (p.endFsn >= 0 && fsn > p.endFsn || c.end() && (p.endFsn >= 0 || fsn < p.maxFsn)) {
            held -= len;
            stats.drop("fragment-beyond-end");
            return;
        }
        FragmentRuns.Run r = p.runs.add(fsn, c.streamId(), c.mid(), c.ppid(), c.unordered(), c.beginning(), c.end(),
                c.payload());
        if (r == null) {
            held -= len;
            stats.drop("duplicate-fragment");
            return;
        }
        if (c.end()) {
            p.endFsn = fsn;
        }
        p.maxFsn = Math.max(p.maxFsn, fsn);
        if (r.complete()) {
            // Nothing beyond the end is taken, so the run from B to E is the whole message.
            byte[] msg = p.runs.take(r);
            ps.byMid.remove(mid);
            partialMessages--;
            if (ps.byMid.isEmpty()) {
                partials.remove(key);
            }
            complete(c.streamId(), c.mid(), r.ppid, msg, c.unordered());
        }
    }

    private static int partialsKey(int sid, boolean unordered) {
        return sid << 1 | (unordered ? 1 : 0);
    }

    // ---- delivery -----------------------------------------------------------------------------

    private InStream stream(int sid) {
        InStream s = streams.get(sid);
        if (s == null) {
            s = new InStream();
            streams.put(sid, s);
        }
        return s;
    }

    /** Distance of a sequence number from the stream's next one: 16-bit SSN or 32-bit MID. */
    private long distance(InStream s, int seq) {
        if (assoc.interleaving()) {
            return (int) (seq - (int) s.next);
        }
        return (short) (seq - (int) s.next);
    }

    private void complete(int sid, int seq, int ppid, byte[] payload, boolean unordered) {
        SctpEvent.Message m = new SctpEvent.Message(sid, ppid, payload, unordered);
        if (unordered) {
            deliver(m);
            return;
        }
        InStream s = stream(sid);
        long d = distance(s, seq);
        if (d == 0) {
            deliver(m);
            s.next++;
            drain(s);
        } else if (d > 0) {
            if (s.pending.putIfAbsent(s.next + d, m) != null) {
                held -= payload.length;
            } else {
                waitingMessages++;
            }
        } else {
            held -= payload.length;
            stats.drop("stale-ssn");
        }
    }

    private void drain(InStream s) {
        while (!s.pending.isEmpty() && s.pending.firstKey() == s.next) {
            waitingMessages--;
            deliver(s.pending.pollFirstEntry().getValue());
            s.next++;
        }
    }

    /** Skips a stream forward to just past {@code seq}, delivering what is complete up to it. */
    private void skipTo(InStream s, int seq) {
        long d = distance(s, seq);
        if (d < 0) {
            return;
        }
        long last = s.next + d;
        while (!s.pending.isEmpty() && s.pending.firstKey() <= last) {
            waitingMessages--;
            deliver(s.pending.pollFirstEntry().getValue());
        }
        s.next = last + 1;
        drain(s);
    }

    private void deliver(SctpEvent.Message m) {
        unconsumed += m.payload().length;
        stats.messagesReceived++;
        assoc.deliver(m);
    }

    // ---- FORWARD-TSN --------------------------------------------------------------------------

    void onForwardTsn(ForwardTsnChunk c) {
        long newCum = unwrap(c.newCumulativeTsn());
        sackNow = true;
        if (newCum <= cumTsn) {
            return;
        }
        if (newCum - cumTsn > MAX_TSN_SPAN) {
            stats.drop("forward-tsn-out-of-range");
            return;
        }
        // Fragments at or below the new cumulative TSN belong to abandoned messages.
        Set<Long> unorderedSkipped = new HashSet<>();
        Set<Long> orderedSkipped = new HashSet<>();
        fragments.removeThrough(newCum, (r, n, bytes) -> {
            held -= bytes;
            long key = ((long) r.sid << 16) | r.seq;
            (r.unordered ? unorderedSkipped : orderedSkipped).add(key);
        });
        advanceCumTo(newCum);
        int[] sids = c.streamIds();
        int[] ssns = c.ssns();
        for (int i = 0; i < sids.length; i++) {
            long key = ((long) sids[i] << 16) | ssns[i];
            if (unorderedSkipped.contains(key) && !orderedSkipped.contains(key)) {
                // Some stacks list unordered messages here too: not an ordered skip.
                stats.drop("forward-tsn-unordered-entry");
                continue;
            }
            if (sids[i] < assoc.maxInboundStreams()) {
                skipTo(stream(sids[i]), ssns[i]);
            }
        }
        // Complete ordered fragments beyond the new cumulative TSN may now be deliverable.
    }

    void onIForwardTsn(IForwardTsnChunk c) {
        long newCum = unwrap(c.newCumulativeTsn());
        sackNow = true;
        if (newCum <= cumTsn) {
            return;
        }
        if (newCum - cumTsn > MAX_TSN_SPAN) {
            stats.drop("forward-tsn-out-of-range");
            return;
        }
        advanceCumTo(newCum);
        int[] sids = c.streamIds();
        boolean[] u = c.unordered();
        int[] mids = c.mids();
        for (int i = 0; i < sids.length; i++) {
            steps++;
            // Drop the partial messages of this stream up to the skipped MID.
            int key = partialsKey(sids[i], u[i]);
            Partials ps = partials.get(key);
            if (ps != null) {
                NavigableMap<Long, Partial> gone = ps.byMid.headMap(ps.peek(mids[i]), true);
                for (Partial p : gone.values()) {
                    p.runs.clear((r, n, bytes) -> held -= bytes);
                    partialMessages--;
                    steps++;
                }
                gone.clear();
                if (ps.byMid.isEmpty()) {
                    partials.remove(key);
                }
            }
            if (!u[i] && sids[i] < assoc.maxInboundStreams()) {
                skipTo(stream(sids[i]), mids[i]);
            }
        }
    }

    // ---- stream reset -------------------------------------------------------------------------

    /** Resets incoming streams (all known ones if {@code ids} is empty); returns the ids reset. */
    int[] resetStreams(int[] ids) {
        if (ids.length == 0) {
            ids = streams.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        }
        for (int sid : ids) {
            InStream s = streams.remove(sid);
            if (s != null) {
                for (SctpEvent.Message m : s.pending.values()) {
                    held -= m.payload().length;
                }
                waitingMessages -= s.pending.size();
            }
        }
        return ids.clone();
    }

    // ---- SACK ---------------------------------------------------------------------------------

    void afterDataPacket(long now) {
        dataPacketsSinceSack++;
        if (!ranges.isEmpty() || duplicateCount > 0 || dataPacketsSinceSack >= 2) {
            sackNow = true;
        } else {
            delayedPending = true;
        }
    }

    boolean sackDue() {
        return sackNow;
    }

    boolean delayedAckPending() {
        return delayedPending && !sackNow;
    }

    void ackNow() {
        if (delayedPending || dataPacketsSinceSack > 0) {
            sackNow = true;
        }
    }

    SackChunk buildSack(int room) {
        int maxGaps = Math.max(0, Math.min(ranges.size(), (room - 16 - 4 * duplicateCount) / 4));
        int[] gaps = new int[2 * maxGaps];
        int n = 0;
        for (Map.Entry<Long, Long> e : ranges.entrySet()) {
            if (n == maxGaps) {
                break;
            }
            long start = e.getKey() - cumTsn;
            long end = e.getValue() - cumTsn;
            if (end > 0xffff) {
                if (start > 0xffff) {
                    break;
                }
                end = 0xffff;
            }
            gaps[2 * n] = (int) start;
            gaps[2 * n + 1] = (int) end;
            n++;
        }
        if (n < maxGaps) {
            gaps = java.util.Arrays.copyOf(gaps, 2 * n);
        }
        int[] dups = java.util.Arrays.copyOf(duplicates, duplicateCount);
        long rwnd = advertisedWindow();
        lastAdvertised = rwnd;
        return new SackChunk((int) cumTsn, rwnd, gaps, dups);
    }

    void sackSent(long now) {
        sackNow = false;
        delayedPending = false;
        dataPacketsSinceSack = 0;
        duplicateCount = 0;
    }

    long advertisedWindow() {
        return Math.max(0, capacity - used());
    }

    /** Window taken: bytes held plus what their bookkeeping costs beyond the allowance. */
    private long used() {
        return held + Math.max(0, bookkeeping() - allowance);
    }

    /** Estimated heap of the bookkeeping for what is held, beyond the payload bytes. */
    long bookkeeping() {
        return FRAGMENT_COST * totals.fragments + RUN_COST * totals.runs
                + MESSAGE_COST * (partialMessages + waitingMessages) + GAP_COST * (long) ranges.size();
    }

    /** Steps spent on reassembly so far: fragments linked and copied, I-FORWARD-TSN entries and partials dropped. */
    long work() {
        return totals.steps + steps;
    }

    /** Lets go of everything held (the association is gone). */
    void clear() {
        fragments.clear((r, n, bytes) -> { });
        partials.clear();
        streams.clear();
        ranges.clear();
        totals.fragments = 0;
        totals.runs = 0;
        totals.bytes = 0;
        partialMessages = 0;
        waitingMessages = 0;
        held = 0;
        unconsumed = 0;
    }

    /** The application consumed bytes; true if a window update SACK should go out now. */
    boolean consumed(int bytes) {
        long n = Math.min(bytes, unconsumed);
        unconsumed -= n;
        held -= n;
        long w = advertisedWindow();
        if (lastAdvertised < capacity / 2 && w - lastAdvertised >= Math.max(4L * mtu, capacity / 16)) {
            sackNow = true;
            return true;
        }
        return false;
    }

    boolean isConsistent() {
        return held >= 0 && unconsumed >= 0 && unconsumed <= held && cumTsn <= highest
                && (ranges.isEmpty() || ranges.firstKey() > cumTsn + 1)
                && totals.fragments >= 0 && totals.runs >= 0 && totals.runs <= totals.fragments
                && totals.bytes >= 0 && totals.bytes <= held - unconsumed
                && partialMessages >= 0 && waitingMessages >= 0 && (partialMessages == 0) == partials.isEmpty();
    }

    @Override
    public String toString() {
        return "receiver[cum=" + (cumTsn & 0xffffffffL) + " ranges=" + ranges.size() + " held=" + held
                + " unconsumed=" + unconsumed + " fragments=" + totals.fragments + " runs=" + totals.runs + " partials="
                + partialMessages + " waiting=" + waitingMessages + "]";
    }
}
