package io.sluice.peer.sctp;

import io.sluice.peer.sctp.SctpCore.Reliability;
import io.sluice.peer.sctp.SctpCore.SendResult;
import io.sluice.peer.sctp.chunk.Chunk;
import io.sluice.peer.sctp.chunk.DataChunk;
import io.sluice.peer.sctp.chunk.ForwardTsnChunk;
import io.sluice.peer.sctp.chunk.IDataChunk;
import io.sluice.peer.sctp.chunk.IForwardTsnChunk;
import io.sluice.peer.sctp.chunk.SackChunk;
import io.sluice.peer.wire.ByteWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * The sending half of an association: per-stream send queues with a round-robin scheduler,
 * fragmentation, the retransmission queue (TSN-indexed ring), SACK processing, RTT sampling (Karn),
 * congestion control (RFC 9260 §7.2), the peer's receive window, fast retransmit and partial
 * reliability (RFC 3758 abandonment and the advanced peer ack point).
 *
 * <p>TSNs are unwrapped to longs. Outstanding chunks sit in {@link #ring} at index
 * {@code tsn - cumAck - 1}, so SACK handling touches only acknowledged TSNs and gap ranges.
 */
final class Sender {

    private static final long MS = 1_000_000L;
    /** Never cut a message into a fragment smaller than this to fill the tail of a packet. */
    private static final int MIN_FRAGMENT = 128;

    /** One queued message. Its bytes count in the stream's buffered amount until acked or abandoned. */
    static final class OutMessage {
        final OutStream stream;
        final int ppid;
        final byte[] data;
        final boolean unordered;
        final int maxRetransmits;
        final long expiresAt;
        int sentOffset;
        int ssnOrMid;
        int nextFsn;
        long unacked;
        boolean abandoned;

        OutMessage(OutStream stream, int ppid, byte[] data, boolean unordered, int maxRetransmits, long expiresAt) {
            this.stream = stream;
            this.ppid = ppid;
            this.data = data;
            this.unordered = unordered;
            this.maxRetransmits = maxRetransmits;
            this.expiresAt = expiresAt;
            this.unacked = data.length;
        }
    }

    /** One DATA / I-DATA chunk with a TSN. */
    static final class OutChunk {
        final long tsn;
        final OutMessage msg;
        final int offset;
        final int length;
        final int fsn;
        final boolean beginning;
        final boolean end;
        int transmissions;
        int missIndications;
        boolean inFlight;
        boolean acked;
        boolean abandoned;
        boolean needsRtx;
        boolean fastRetransmitted;

        OutChunk(long tsn, OutMessage msg, int offset, int length, int fsn, boolean beginning, boolean end) {
            this.tsn = tsn;
            this.msg = msg;
            this.offset = offset;
            this.length = length;
            this.fsn = fsn;
            this.beginning = beginning;
            this.end = end;
        }
    }

    /** Per outgoing stream; created on first use. */
    static final class OutStream {
        final int id;
        final ArrayDeque<OutMessage> queue = new ArrayDeque<>(4);
        long buffered;
        int nextSsn;
        int nextMid;
        int nextMidUnordered;
        boolean inReady;
        boolean resetting;
        boolean dirty;

        OutStream(int id) {
            this.id = id;
        }
    }

    /** A growable ring of chunks indexed from the oldest outstanding TSN. */
    static final class Ring {
        private OutChunk[] a = new OutChunk[256];
        private int head;
        private int size;

        int size() {
            return size;
        }

        OutChunk get(int i) {
            return a[(head + i) & (a.length - 1)];
        }

        void addLast(OutChunk c) {
            if (size == a.length) {
                OutChunk[] b = new OutChunk[a.length * 2];
                for (int i = 0; i < size; i++) {
                    b[i] = get(i);
                }
                a = b;
                head = 0;
            }
            a[(head + size) & (a.length - 1)] = c;
            size++;
        }

        OutChunk pollFirst() {
            OutChunk c = a[head];
            a[head] = null;
            head = (head + 1) & (a.length - 1);
            size--;
            return c;
        }

        void clear() {
            while (size > 0) {
                pollFirst();
            }
        }
    }

    private final SctpAssociation assoc;
    private final int mtu;
    private final SctpStats.Counters stats;
    private final Map<Integer, OutStream> streams = new HashMap<>();
    private final ArrayDeque<OutStream> ready = new ArrayDeque<>();
    private final ArrayList<OutStream> dirty = new ArrayList<>();
    private final Ring ring = new Ring();
    private final ArrayDeque<OutChunk> rtx = new ArrayDeque<>();
    private OutStream current;

    private boolean interleaving;
    private long nextTsn;
    private long cumAck;
    private long advancedPeerAckPoint;
    private boolean forwardTsnPending;

    private long cwnd;
    private long ssthresh;
    private long partialBytesAcked;
    private long flightSize;
    private long peerRwnd;
    private boolean inFastRecovery;
    private long fastRecoveryExit;
    private boolean fastRtxBudget;

    private long rttTsn = -1;
    private long rttSentAt;
    private long totalBuffered;
    private boolean newlyAcked;
    private boolean cumAdvanced;

    Sender(SctpAssociation assoc, SctpOptions options) {
        this.assoc = assoc;
        this.mtu = options.mtu();
        this.stats = assoc.counters();
    }

    void init(int initialTsn, long peerRwnd, boolean interleaving) {
        this.nextTsn = Integer.toUnsignedLong(initialTsn) + (1L << 32);
        this.cumAck = nextTsn - 1;
        this.advancedPeerAckPoint = cumAck;
        this.peerRwnd = peerRwnd;
        this.interleaving = interleaving;
        // RFC 9260 §7.2.1: initial cwnd min(4*MTU, max(2*MTU, 4404)); ssthresh the peer's window.
        this.cwnd = Math.min(4L * mtu, Math.max(2L * mtu, 4404));
        this.ssthresh = Math.max(peerRwnd, 4L * mtu);
    }

    // ---- queueing -----------------------------------------------------------------------------

    SendResult enqueue(int sid, int ppid, byte[] payload, boolean unordered, Reliability r, long now) {
        OutStream s = streams.get(sid);
        if (s == null) {
            s = new OutStream(sid);
            streams.put(sid, s);
        }
        if (s.resetting) {
            return SendResult.BAD_STREAM;
        }
        int maxRtx = -1;
        long expires = Long.MAX_VALUE;
        if (r != null && !r.isReliable() && assoc.forwardTsnNegotiated()) {
            if (r.maxRetransmits() != null) {
                maxRtx = Math.max(0, r.maxRetransmits());
            }
            if (r.maxLifetimeMillis() != null) {
                expires = now + Math.max(0, r.maxLifetimeMillis()) * MS;
            }
        }
        s.queue.addLast(new OutMessage(s, ppid, payload, unordered, maxRtx, expires));
        s.buffered += payload.length;
        totalBuffered += payload.length;
        stats.messagesSent++;
        if (!s.inReady) {
            s.inReady = true;
            ready.addLast(s);
        }
        return SendResult.OK;
    }

    long bufferedAmount(int sid) {
        OutStream s = streams.get(sid);
        return s == null ? 0 : s.buffered;
    }

    long totalBuffered() {
        return totalBuffered;
    }

    boolean markResetting(int sid) {
        OutStream s = streams.get(sid);
        if (s == null) {
            s = new OutStream(sid);
            streams.put(sid, s);
        }
        if (s.resetting) {
            return false;
        }
        s.resetting = true;
        return true;
    }

    /** Whether messages of the stream still wait to be sent (not yet all given TSNs). */
    boolean unsentOn(int sid) {
        OutStream s = streams.get(sid);
        return s != null && !s.queue.isEmpty();
    }

    void finishReset(int[] ids, boolean ok) {
        for (int sid : ids) {
            OutStream s = streams.get(sid);
            if (s == null) {
                continue;
            }
            s.resetting = false;
            if (ok) {
                s.nextSsn = 0;
                s.nextMid = 0;
                s.nextMidUnordered = 0;
                if (s.queue.isEmpty() && s.buffered == 0 && !s.inReady && !s.dirty) {
                    streams.remove(sid); // back to the lazily created default
                }
            }
        }
    }

    long lastAssignedTsnUnwrapped() {
        return nextTsn - 1;
    }

    int lastAssignedTsn() {
        return (int) (nextTsn - 1);
    }

    // ---- building packets ---------------------------------------------------------------------

    /** Adds retransmissions and new data to the packet being built; true if any chunk was added. */
    boolean fill(ByteWriter w, int mtu, long now) {
        boolean any = false;
        int hdr = interleaving ? IDataChunk.HEADER_LENGTH : DataChunk.HEADER_LENGTH;
        boolean wroteRtx = false;
        while (!rtx.isEmpty()) {
            OutChunk c = rtx.peek();
            if (!c.needsRtx || c.acked || c.abandoned) {
                rtx.poll();
                continue;
            }
            if (flightSize >= cwnd && !fastRtxBudget) {
                break;
            }
            if (w.position() + hdr + ((c.length + 3) & ~3) > mtu) {
                break;
            }
            if ((c.msg.maxRetransmits >= 0 && c.transmissions > c.msg.maxRetransmits) || now >= c.msg.expiresAt) {
                rtx.poll();
                abandon(c.msg);
                continue;
            }
            rtx.poll();
            write(w, c);
            c.needsRtx = false;
            c.transmissions++;
            c.inFlight = true;
            c.missIndications = 0;
            flightSize += c.length;
            peerRwnd = Math.max(0, peerRwnd - c.length);
            if (c.tsn == rttTsn) {
                rttTsn = -1; // Karn: no sample from a retransmitted chunk
            }
            stats.retransmissions++;
            stats.dataChunksSent++;
            any = true;
            wroteRtx = true;
        }
        if (wroteRtx) {
            fastRtxBudget = false;
        }
        if (!rtx.isEmpty() && hasPendingRtx()) {
            return any; // retransmissions first: no new data while old data waits
        }
        while (flightSize < cwnd) {
            // Payload room such that the padded chunk still fits the packet.
            int room = (mtu - w.position() - hdr) & ~3;
            if (room < 4) {
                break;
            }
            OutChunk c = nextNewChunk(room, now);
            if (c == null) {
                break;
            }
            write(w, c);
            c.transmissions = 1;
            c.inFlight = true;
            flightSize += c.length;
            peerRwnd = Math.max(0, peerRwnd - c.length);
            ring.addLast(c);
            if (rttTsn < 0) {
                rttTsn = c.tsn;
                rttSentAt = now;
            }
            stats.dataChunksSent++;
            any = true;
        }
        return any;
    }

    private boolean hasPendingRtx() {
        for (OutChunk c : rtx) {
            if (c.needsRtx && !c.acked && !c.abandoned) {
                return true;
            }
        }
        return false;
    }

    private void write(ByteWriter w, OutChunk c) {
        OutMessage m = c.msg;
        int flags = DataChunk.flags(m.unordered, c.beginning, c.end, false);
        if (interleaving) {
            IDataChunk.write(w, flags, (int) c.tsn, m.stream.id, m.ssnOrMid, c.beginning ? m.ppid : c.fsn, m.data,
                    c.offset, c.length);
        } else {
            DataChunk.write(w, flags, (int) c.tsn, m.stream.id, m.ssnOrMid, m.ppid, m.data, c.offset, c.length);
        }
    }

    /**
     * The next fragment by the scheduler: round robin between streams, per message with DATA (a
     * message's fragments must have consecutive TSNs) and per fragment with I-DATA.
     */
    private OutChunk nextNewChunk(int maxPayload, long now) {
        for (;;) {
            OutStream s = (!interleaving && current != null) ? current : ready.peekFirst();
            if (s == null) {
                return null;
            }
            OutMessage m = s.queue.peekFirst();
            if (m == null) {
                if (s == current) {
                    current = null;
                }
                ready.pollFirst();
                s.inReady = false;
                continue;
            }
            if (m.sentOffset == 0 && now >= m.expiresAt) {
                // Expired before its first byte left: gone without a trace on the wire.
                s.queue.pollFirst();
                release(s, m.unacked);
                m.unacked = 0;
                m.abandoned = true;
                stats.messagesAbandoned++;
                continue;
            }
            int remaining = m.data.length - m.sentOffset;
            int len = Math.min(remaining, maxPayload);
            if (len < remaining && len < MIN_FRAGMENT) {
                return null; // leave the packet's tail; the next packet takes a full fragment
            }
            if (peerRwnd < len && flightSize > 0) {
                return null; // receiver window: wait (with nothing in flight, one chunk probes it)
            }
            if (m.sentOffset == 0) {
                if (interleaving) {
                    m.ssnOrMid = m.unordered ? s.nextMidUnordered++ : s.nextMid++;
                } else {
                    m.ssnOrMid = m.unordered ? 0 : (s.nextSsn++ & 0xffff);
                }
            }
            boolean b = m.sentOffset == 0;
            boolean e = len == remaining;
            OutChunk c = new OutChunk(nextTsn++, m, m.sentOffset, len, m.nextFsn++, b, e);
            m.sentOffset += len;
            if (e) {
                s.queue.pollFirst();
            }
            if (interleaving || e) {
                current = null;
                ready.pollFirst();
                if (!s.queue.isEmpty()) {
                    ready.addLast(s);
                } else {
                    s.inReady = false;
                }
            } else {
                current = s;
            }
            return c;
        }
    }

    // ---- acknowledgements ---------------------------------------------------------------------

    void onSack(SackChunk sack, long now) {
        long cum = cumAck + (int) (sack.cumulativeTsnAck() - (int) cumAck);
        if (cum < cumAck) {
            stats.drop("sack-stale");
            return;
        }
        if (cum >= nextTsn) {
            stats.drop("sack-beyond-sent");
            return;
        }
        long flightBefore = flightSize;
        long acked = advanceCum(cum, now);
        long highestNewly = acked > 0 ? cum : -1;
        int[] gaps = sack.gaps();
        for (int i = 0; i + 1 < gaps.length; i += 2) {
            int start = gaps[i];
            int end = gaps[i + 1];
            if (start < 1 || end < start) {
                continue;
            }
            for (int off = start; off <= end; off++) {
                int idx = off - 1;
                if (idx >= ring.size()) {
                    break;
                }
                OutChunk c = ring.get(idx);
                if (!c.acked) {
                    acked += ack(c, now);
                    highestNewly = Math.max(highestNewly, c.tsn);
                }
            }
        }
        // §7.2.4: miss indications for TSNs below the highest newly acknowledged one.
        boolean fastMarked = false;
        if (highestNewly > cumAck + 1) {
            int limit = (int) Math.min(ring.size(), highestNewly - cumAck - 1);
            for (int i = 0; i < limit; i++) {
                OutChunk c = ring.get(i);
                if (c.acked || c.abandoned || !c.inFlight || c.fastRetransmitted) {
                    continue;
                }
                if (++c.missIndications >= 3) {
                    fastMarked |= markFastRetransmit(c, now);
                }
            }
        }
        peerRwnd = Math.max(0, sack.aRwnd() - flightSize);
        if (acked > 0) {
            newlyAcked = true;
            if (inFastRecovery && cumAck >= fastRecoveryExit) {
                inFastRecovery = false;
            }
            if (!inFastRecovery && cumAdvanced) {
                if (cwnd <= ssthresh) {
                    if (flightBefore + mtu >= cwnd) {
                        cwnd += Math.min(acked, mtu);
                    }
                } else {
                    partialBytesAcked += acked;
                    if (partialBytesAcked >= cwnd && flightBefore + mtu >= cwnd) {
                        partialBytesAcked -= cwnd;
                        cwnd += mtu;
                    }
                }
            }
        }
        if (fastMarked && !inFastRecovery) {
            inFastRecovery = true;
            fastRecoveryExit = nextTsn - 1;
            ssthresh = Math.max(cwnd / 2, 4L * mtu);
            cwnd = ssthresh;
            partialBytesAcked = 0;
            fastRtxBudget = true;
            assoc.restartT3(now + assoc.rtoNanos());
        } else if (fastMarked) {
            fastRtxBudget = true;
        }
        if (flightSize == 0) {
            partialBytesAcked = 0;
        }
        updateAdvancedPeerAckPoint();
        if (advancedPeerAckPoint > cumAck) {
            forwardTsnPending = true;
        }
    }

    /** SHUTDOWN carries a cumulative ack too (§9.2). */
    void onCumulativeAck(int cumTsn, long now) {
        long cum = cumAck + (int) (cumTsn - (int) cumAck);
        if (cum > cumAck && cum < nextTsn) {
            if (advanceCum(cum, now) > 0) {
                newlyAcked = true;
            }
        }
    }

    private long advanceCum(long cum, long now) {
        long acked = 0;
        while (cumAck < cum) {
            OutChunk c = ring.pollFirst();
            cumAck++;
            cumAdvanced = true;
            if (!c.acked) {
                acked += ack(c, now);
            }
        }
        if (advancedPeerAckPoint < cumAck) {
            advancedPeerAckPoint = cumAck;
        }
        return acked;
    }

    private long ack(OutChunk c, long now) {
        c.acked = true;
        c.needsRtx = false;
        if (c.inFlight) {
            c.inFlight = false;
            flightSize -= c.length;
        }
        if (c.tsn == rttTsn) {
            if (c.transmissions == 1) {
                assoc.measureRtt(now - rttSentAt);
            }
            rttTsn = -1;
        }
        if (c.abandoned || c.msg.abandoned) {
            return 0;
        }
        c.msg.unacked -= c.length;
        release(c.msg.stream, c.length);
        return c.length;
    }

    private void release(OutStream s, long bytes) {
        if (bytes <= 0) {
            return;
        }
        s.buffered -= bytes;
        totalBuffered -= bytes;
        if (!s.dirty) {
            s.dirty = true;
            dirty.add(s);
        }
    }

    private boolean markFastRetransmit(OutChunk c, long now) {
        OutMessage m = c.msg;
        if ((m.maxRetransmits >= 0 && c.transmissions > m.maxRetransmits) || now >= m.expiresAt) {
            abandon(m);
            return false;
        }
        c.fastRetransmitted = true;
        c.needsRtx = true;
        if (c.inFlight) {
            c.inFlight = false;
            flightSize -= c.length;
        }
        rtx.add(c);
        stats.fastRetransmits++;
        return true;
    }

    // ---- timeouts -----------------------------------------------------------------------------

    /** §6.3.3: T3-rtx expired: collapse cwnd, everything outstanding goes again. */
    void onT3Expired(long now) {
        ssthresh = Math.max(cwnd / 2, 4L * mtu);
        cwnd = mtu;
        partialBytesAcked = 0;
        inFastRecovery = false;
        rttTsn = -1;
        rtx.clear();
        for (int i = 0; i < ring.size(); i++) {
            OutChunk c = ring.get(i);
            if (c.acked || c.abandoned) {
                continue;
            }
            if (c.inFlight) {
                c.inFlight = false;
                flightSize -= c.length;
            }
            OutMessage m = c.msg;
            if ((m.maxRetransmits >= 0 && c.transmissions > m.maxRetransmits) || now >= m.expiresAt) {
                abandon(m);
                continue;
            }
            c.needsRtx = true;
            c.fastRetransmitted = false;
            c.missIndications = 0;
            rtx.add(c);
        }
        updateAdvancedPeerAckPoint();
        if (advancedPeerAckPoint > cumAck) {
            forwardTsnPending = true;
        }
    }

    // ---- partial reliability (RFC 3758) -------------------------------------------------------

    private void abandon(OutMessage m) {
        if (m.abandoned) {
            return;
        }
        m.abandoned = true;
        stats.messagesAbandoned++;
        release(m.stream, m.unacked);
        m.unacked = 0;
        for (int i = 0; i < ring.size(); i++) {
            OutChunk c = ring.get(i);
            if (c.msg == m && !c.acked) {
                c.abandoned = true;
                c.needsRtx = false;
                if (c.inFlight) {
                    c.inFlight = false;
                    flightSize -= c.length;
                }
            }
        }
        if (m.sentOffset < m.data.length) {
            // Partly sent: the rest never goes. It is the head of its stream's queue.
            OutStream s = m.stream;
            if (s.queue.peekFirst() == m) {
                s.queue.pollFirst();
            }
            if (current == s) {
                current = null;
            }
            m.sentOffset = m.data.length;
        }
        forwardTsnPending = true;
    }

    private void updateAdvancedPeerAckPoint() {
        if (advancedPeerAckPoint < cumAck) {
            advancedPeerAckPoint = cumAck;
        }
        int i = (int) (advancedPeerAckPoint - cumAck);
        while (i < ring.size()) {
            OutChunk c = ring.get(i);
            if (c.abandoned || (c.acked && c.msg.abandoned)) {
                advancedPeerAckPoint++;
                i++;
            } else {
                break;
            }
        }
    }

    boolean forwardTsnDue() {
        if (forwardTsnPending) {
            updateAdvancedPeerAckPoint();
        }
        return forwardTsnPending && advancedPeerAckPoint > cumAck;
    }

    /** FORWARD-TSN (or I-FORWARD-TSN) up to the advanced peer ack point, with the skipped streams. */
    Chunk buildForwardTsn(int room) {
        forwardTsnPending = false;
        int n = (int) (advancedPeerAckPoint - cumAck);
        Map<Long, Integer> entries = new HashMap<>();
        for (int i = 0; i < n; i++) {
            OutMessage m = ring.get(i).msg;
            if (!interleaving && m.unordered) {
                continue; // RFC 3758: unordered messages need no stream entry
            }
            long key = ((long) m.stream.id << 1) | (m.unordered ? 1 : 0);
            Integer prev = entries.get(key);
            if (prev == null || m.ssnOrMid - prev > 0) {
                entries.put(key, m.ssnOrMid);
            }
        }
        int per = interleaving ? 8 : 4;
        int max = Math.max(0, (room - 8) / per);
        if (entries.size() > max) {
            forwardTsnPending = true;
            return null; // cannot happen at sane MTUs; retry in an emptier packet
        }
        int k = entries.size();
        int[] sids = new int[k];
        int[] seqs = new int[k];
        boolean[] u = new boolean[k];
        int j = 0;
        for (Map.Entry<Long, Integer> e : entries.entrySet()) {
            sids[j] = (int) (e.getKey() >>> 1);
            u[j] = (e.getKey() & 1) != 0;
            seqs[j] = e.getValue();
            j++;
        }
        stats.forwardTsnsSent++;
        int newCum = (int) advancedPeerAckPoint;
        return interleaving ? new IForwardTsnChunk(newCum, sids, u, seqs) : new ForwardTsnChunk(newCum, sids, seqs);
    }

    // ---- state --------------------------------------------------------------------------------

    void emitBufferedAmounts(ArrayDeque<SctpEvent> events) {
        for (OutStream s : dirty) {
            s.dirty = false;
            events.add(new SctpEvent.BufferedAmountDecreased(s.id, s.buffered));
        }
        dirty.clear();
    }

    boolean takeNewlyAcked() {
        boolean b = newlyAcked;
        newlyAcked = false;
        return b;
    }

    boolean takeCumAdvanced() {
        boolean b = cumAdvanced;
        cumAdvanced = false;
        return b;
    }

    boolean hasOutstanding() {
        return ring.size() > 0;
    }

    boolean allAcked() {
        return ring.size() == 0 && totalBuffered == 0;
    }

    long cwnd() {
        return cwnd;
    }

    long ssthresh() {
        return ssthresh;
    }

    long flightSize() {
        return flightSize;
    }

    long peerRwnd() {
        return peerRwnd;
    }

    int streamCount() {
        return streams.size();
    }

    void clear() {
        ring.clear();
        rtx.clear();
        ready.clear();
        current = null;
        flightSize = 0;
    }

    boolean isConsistent() {
        long flight = 0;
        for (int i = 0; i < ring.size(); i++) {
            OutChunk c = ring.get(i);
            if (c.tsn != cumAck + 1 + i) {
                return false;
            }
            if (c.inFlight) {
                flight += c.length;
            }
        }
        if (flight != flightSize) {
            return false;
        }
        if (totalBuffered < 0 || cwnd < mtu || advancedPeerAckPoint < cumAck) {
            return false;
        }
        return current == null || current == ready.peekFirst();
    }

    @Override
    public String toString() {
        return "sender[nextTsn=" + (nextTsn & 0xffffffffL) + " outstanding=" + ring.size() + " flight=" + flightSize
                + " cwnd=" + cwnd + " ssthresh=" + ssthresh + " rwnd=" + peerRwnd + " buffered=" + totalBuffered + "]";
    }
}
