package io.sluice.peer.sctp;

import io.sluice.peer.sctp.chunk.DataChunk;
import io.sluice.peer.sctp.chunk.ForwardTsnChunk;
import io.sluice.peer.sctp.chunk.IDataChunk;
import io.sluice.peer.sctp.chunk.IForwardTsnChunk;
import io.sluice.peer.sctp.chunk.SackChunk;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
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
 * application {@link #consumed} it (or it is skipped), and DATA beyond the window is dropped
 * (RFC 9260 §6.2) unless it fills a hole below the highest TSN received.
 */
final class Receiver {

    /** TSNs further than this above the cumulative TSN are dropped as nonsense. */
    private static final long MAX_TSN_SPAN = 1 << 20;
    private static final int MAX_DUPLICATES = 16;

    /** A DATA fragment waiting for its siblings. */
    private record Fragment(int sid, int ssn, int ppid, boolean unordered, boolean beginning, boolean end,
            byte[] payload) {
    }

    /** An I-DATA message being reassembled. */
    private static final class Partial {
        final TreeMap<Integer, byte[]> fragments = new TreeMap<>();
        int ppid;
        boolean haveBeginning;
        int endFsn = -1;
        long bytes;
    }

    /** Per incoming stream, created on first use: the next SSN/MID and messages waiting for it. */
    private static final class InStream {
        long next;
        final TreeMap<Long, SctpEvent.Message> pending = new TreeMap<>();
    }

    private final SctpAssociation assoc;
    private final SctpStats.Counters stats;
    private final long capacity;
    private final int mtu;

    private long cumTsn;
    private long highest;
    /** Received TSN ranges above the cumulative TSN: start to end, inclusive. */
    private final TreeMap<Long, Long> ranges = new TreeMap<>();
    private final int[] duplicates = new int[MAX_DUPLICATES];
    private int duplicateCount;

    private final TreeMap<Long, Fragment> fragments = new TreeMap<>();
    private final Map<Long, Partial> partials = new HashMap<>();
    private final Map<Integer, InStream> streams = new HashMap<>();

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
        if (held + len > capacity && (tsn > highest || held > 2 * capacity)) {
            stats.drop("receive-window-full");
            sackNow = true;
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
        fragments.put(tsn, new Fragment(c.streamId(), c.ssn(), c.ppid(), c.unordered(), c.beginning(), c.end(),
                c.payload()));
        assemble(tsn);
    }

    private static boolean sameMessage(Fragment a, Fragment b) {
        return a.sid == b.sid && a.unordered == b.unordered && (a.unordered || a.ssn == b.ssn);
    }

    /** Completes the message around {@code tsn} if all its fragments (consecutive TSNs) are here. */
    private void assemble(long tsn) {
        Fragment f = fragments.get(tsn);
        long b = tsn;
        Fragment cur = f;
        while (!cur.beginning) {
            Fragment p = fragments.get(b - 1);
            if (p == null || p.end || !sameMessage(p, cur)) {
                return;
            }
            b--;
            cur = p;
        }
        long e = tsn;
        cur = f;
        while (!cur.end) {
            Fragment n = fragments.get(e + 1);
            if (n == null || n.beginning || !sameMessage(n, cur)) {
                return;
            }
            e++;
            cur = n;
        }
        int total = 0;
        for (long t = b; t <= e; t++) {
            total += fragments.get(t).payload.length;
        }
        byte[] msg = new byte[total];
        int off = 0;
        Fragment first = fragments.get(b);
        for (long t = b; t <= e; t++) {
            byte[] p = fragments.remove(t).payload;
            System.arraycopy(p, 0, msg, off, p.length);
            off += p.length;
        }
        complete(first.sid, first.ssn, first.ppid, msg, first.unordered);
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
        long key = partialKey(c.streamId(), c.unordered(), c.mid());
        Partial p = partials.get(key);
        if (p == null) {
            p = new Partial();
            partials.put(key, p);
        }
        if (p.fragments.containsKey(c.fsn()) || (c.end() && p.endFsn >= 0)) {
            held -= len;
            stats.drop("duplicate-fragment");
            return;
        }
        p.fragments.put(c.fsn(), c.payload());
        p.bytes += len;
        if (c.beginning()) {
            p.haveBeginning = true;
            p.ppid = c.ppid();
        }
        if (c.end()) {
            p.endFsn = c.fsn();
        }
        if (p.haveBeginning && p.endFsn >= 0 && p.fragments.size() == p.endFsn + 1
                && p.fragments.lastKey() == p.endFsn) {
            partials.remove(key);
            byte[] msg = new byte[(int) p.bytes];
            int off = 0;
            for (byte[] f : p.fragments.values()) {
                System.arraycopy(f, 0, msg, off, f.length);
                off += f.length;
            }
            complete(c.streamId(), c.mid(), p.ppid, msg, c.unordered());
        }
    }

    private static long partialKey(int sid, boolean unordered, int mid) {
        return ((long) sid << 33) | (unordered ? 1L << 32 : 0) | Integer.toUnsignedLong(mid);
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
            }
        } else {
            held -= payload.length;
            stats.drop("stale-ssn");
        }
    }

    private void drain(InStream s) {
        while (!s.pending.isEmpty() && s.pending.firstKey() == s.next) {
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
        NavigableMap<Long, Fragment> gone = fragments.headMap(newCum, true);
        Set<Long> unorderedSkipped = new HashSet<>();
        Set<Long> orderedSkipped = new HashSet<>();
        for (Fragment f : gone.values()) {
            held -= f.payload.length;
            long key = ((long) f.sid << 16) | f.ssn;
            (f.unordered ? unorderedSkipped : orderedSkipped).add(key);
        }
        gone.clear();
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
            // Drop the partial messages of this stream up to the skipped MID.
            for (Iterator<Map.Entry<Long, Partial>> it = partials.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Long, Partial> e = it.next();
                long k = e.getKey();
                int sid = (int) (k >>> 33);
                boolean pu = ((k >>> 32) & 1) != 0;
                int mid = (int) k;
                if (sid == sids[i] && pu == u[i] && mids[i] - mid >= 0) {
                    held -= e.getValue().bytes;
                    it.remove();
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
        return Math.max(0, capacity - held);
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
                && (ranges.isEmpty() || ranges.firstKey() > cumTsn + 1);
    }

    @Override
    public String toString() {
        return "receiver[cum=" + (cumTsn & 0xffffffffL) + " ranges=" + ranges.size() + " held=" + held
                + " unconsumed=" + unconsumed + " fragments=" + fragments.size() + " partials=" + partials.size() + "]";
    }
}
