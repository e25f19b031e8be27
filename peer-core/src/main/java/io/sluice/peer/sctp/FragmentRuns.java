package io.sluice.peer.sctp;

import java.util.Map;
import java.util.TreeMap;

/**
 * Fragments waiting for their siblings, kept as runs: fragments at consecutive sequence numbers
 * (TSNs for DATA, fragment sequence numbers within one message for I-DATA) that can belong to one
 * message, chained in order. A new fragment joins the run ending just before it and/or the one
 * starting just after it, so adding a fragment costs O(log runs) and never rescans the fragments
 * already held; a message is complete when its run begins with B and ends with E, and is then
 * copied out once.
 *
 * <p>Every instance of one receiver counts into one {@link Totals}, which the receiver charges
 * against its window.
 */
final class FragmentRuns {

    /** What all runs of one receiver hold, and the steps spent on them (a measure of work, for tests). */
    static final class Totals {
        long fragments;
        long runs;
        long bytes;
        long steps;
    }

    /** Fragments at consecutive sequence numbers {@code first..last}, in order. */
    static final class Run {
        long first;
        long last;
        final int sid;
        /** SSN (DATA) or MID (I-DATA) of the first fragment. */
        int seq;
        /** PPID of the first fragment (for I-DATA only the B fragment carries one). */
        int ppid;
        final boolean unordered;
        boolean begins;
        boolean ends;
        private Node head;
        private Node tail;
        int bytes;
        int count;

        private Run(long at, int sid, int seq, int ppid, boolean unordered, boolean begins, boolean ends, Node n) {
            this.first = at;
            this.last = at;
            this.sid = sid;
            this.seq = seq;
            this.ppid = ppid;
            this.unordered = unordered;
            this.begins = begins;
            this.ends = ends;
            this.head = n;
            this.tail = n;
            this.bytes = n.payload.length;
            this.count = 1;
        }

        boolean complete() {
            return begins && ends;
        }

        /** Whether a fragment of (sid, seq, unordered) can be of this run's message: unordered ones have no SSN. */
        private boolean sameMessage(int sid2, int seq2, boolean unordered2) {
            return sid == sid2 && unordered == unordered2 && (unordered || seq == seq2);
        }
    }

    private static final class Node {
        final byte[] payload;
        Node next;

        Node(byte[] payload) {
            this.payload = payload;
        }
    }

    /** Called for each run (or leading part of one) that {@link #removeThrough} drops. */
    interface Removed {
        void removed(Run run, int fragments, long bytes);
    }

    private final Totals totals;
    private final TreeMap<Long, Run> runs = new TreeMap<>();

    FragmentRuns(Totals totals) {
        this.totals = totals;
    }

    boolean isEmpty() {
        return runs.isEmpty();
    }

    /**
     * Adds the fragment at {@code at}; returns the run now holding it, or null if a fragment at
     * {@code at} is already held (nothing is added then).
     */
    Run add(long at, int sid, int seq, int ppid, boolean unordered, boolean beginning, boolean end, byte[] payload) {
        totals.steps++;
        Map.Entry<Long, Run> below = runs.floorEntry(at);
        Run left = below == null ? null : below.getValue();
        if (left != null && left.last >= at) {
            return null;
        }
        Run right = runs.get(at + 1);
        Node n = new Node(payload);
        totals.fragments++;
        totals.bytes += payload.length;
        boolean joinLeft = left != null && left.last == at - 1 && !left.ends && !beginning
                && left.sameMessage(sid, seq, unordered);
        boolean joinRight = right != null && !right.begins && !end && right.sameMessage(sid, seq, unordered);
        Run r;
        if (joinLeft) {
            r = left;
            r.tail.next = n;
            r.tail = n;
            r.last = at;
            r.ends = end;
            r.bytes += payload.length;
            r.count++;
            if (joinRight) {
                runs.remove(right.first);
                totals.runs--;
                r.tail.next = right.head;
                r.tail = right.tail;
                r.last = right.last;
                r.ends = right.ends;
                r.bytes += right.bytes;
                r.count += right.count;
            }
        } else if (joinRight) {
            r = right;
            runs.remove(r.first);
            n.next = r.head;
            r.head = n;
            r.first = at;
            r.begins = beginning;
            r.seq = seq;
            r.ppid = ppid;
            r.bytes += payload.length;
            r.count++;
            runs.put(at, r);
        } else {
            r = new Run(at, sid, seq, ppid, unordered, beginning, end, n);
            runs.put(at, r);
            totals.runs++;
        }
        return r;
    }

    /** Removes a complete run and returns its message: the payloads joined in order. */
    byte[] take(Run r) {
        runs.remove(r.first);
        forget(r, r.count, r.bytes);
        byte[] msg = new byte[r.bytes];
        int off = 0;
        for (Node n = r.head; n != null; n = n.next) {
            System.arraycopy(n.payload, 0, msg, off, n.payload.length);
            off += n.payload.length;
        }
        totals.steps += r.count;
        return msg;
    }

    /** Drops every fragment at or below {@code at}, reporting each run (or leading part) dropped. */
    void removeThrough(long at, Removed out) {
        while (!runs.isEmpty() && runs.firstKey() <= at) {
            Run r = runs.pollFirstEntry().getValue();
            if (r.last <= at) {
                forget(r, r.count, r.bytes);
                totals.steps += r.count;
                out.removed(r, r.count, r.bytes);
                continue;
            }
            int dropped = 0;
            long bytes = 0;
            Node n = r.head;
            for (long s = r.first; s <= at; s++) {
                bytes += n.payload.length;
                dropped++;
                n = n.next;
            }
            totals.fragments -= dropped;
            totals.bytes -= bytes;
            totals.steps += dropped;
            out.removed(r, dropped, bytes);
            r.head = n;
            r.first = at + 1;
            r.begins = false;
            r.count -= dropped;
            r.bytes -= (int) bytes;
            runs.put(r.first, r);
        }
    }

    /** Drops everything, reporting each run. */
    void clear(Removed out) {
        for (Run r : runs.values()) {
            forget(r, r.count, r.bytes);
            out.removed(r, r.count, r.bytes);
        }
        runs.clear();
    }

    private void forget(Run r, int fragments, long bytes) {
        totals.runs--;
        totals.fragments -= fragments;
        totals.bytes -= bytes;
    }
}
