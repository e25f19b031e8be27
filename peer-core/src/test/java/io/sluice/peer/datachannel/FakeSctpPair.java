package io.sluice.peer.datachannel;

import io.sluice.peer.sctp.SctpCore;
import io.sluice.peer.sctp.SctpCore.Reliability;
import io.sluice.peer.sctp.SctpCore.SctpState;
import io.sluice.peer.sctp.SctpCore.SendResult;
import io.sluice.peer.sctp.SctpEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Two in-memory {@link SctpCore}s wired to each other: a test stand-in for the real association
 * in {@code io.sluice.peer.sctp}, to be replaced by it in integration tests. No packets, no
 * timers: {@link #pump()} moves queued messages and stream resets across, in order per
 * direction, all reliable (reliability and the unordered flag are recorded in {@link Side#sent},
 * not simulated). What it does model:
 *
 * <ul>
 *   <li>connect: either side calling {@code connect} connects both at the next pump;
 *   <li>{@code bufferedAmount} per stream, which drops as messages are delivered, with a
 *       {@link SctpEvent.BufferedAmountDecreased} each time;
 *   <li>a receive window: delivered bytes stay counted until the receiver calls
 *       {@code consumed}; delivery stops while the window is full (a message larger than the
 *       window goes through when nothing is outstanding); over-consuming fails the test;
 *   <li>the RFC 6525 ladder: {@code resetStreams} queues a reset behind the stream's data; at
 *       delivery the peer gets {@code StreamsResetIncoming} and the requester
 *       {@code StreamsResetOutgoing}; the stream refuses sends while its reset is pending;
 *   <li>shutdown and abort: both sides get {@code Closed} (error on abort).
 * </ul>
 */
final class FakeSctpPair {

    final Side a;
    final Side b;

    FakeSctpPair(int streamsA, int streamsB, long window) {
        a = new Side("a", streamsA, window);
        b = new Side("b", streamsB, window);
        a.peer = b;
        b.peer = a;
    }

    FakeSctpPair() {
        this(65535, 65535, 1 << 20);
    }

    /** Moves everything movable; true when anything moved. */
    boolean pump() {
        boolean progress = false;
        if ((a.state == SctpState.CONNECTING || b.state == SctpState.CONNECTING)
                && a.state != SctpState.CONNECTED && b.state != SctpState.CONNECTED
                && a.state != SctpState.CLOSED && b.state != SctpState.CLOSED) {
            a.state = SctpState.CONNECTED;
            b.state = SctpState.CONNECTED;
            a.events.add(new SctpEvent.Connected(a.outbound, b.outbound));
            b.events.add(new SctpEvent.Connected(b.outbound, a.outbound));
            progress = true;
        }
        boolean moved;
        do {
            moved = a.deliverOne() | b.deliverOne();
            progress |= moved;
        } while (moved);
        return progress;
    }

    /** One queued item: a message, or a reset marker (ids != null). */
    private record Item(int stream, int ppid, byte[] payload, boolean unordered, int[] resetIds) {
    }

    /** A message as handed to {@link SctpCore#send}. */
    record Sent(int stream, int ppid, byte[] payload, boolean unordered, Reliability reliability) {
    }

    static final class Side implements SctpCore {
        final String name;
        final int outbound;
        final long window;
        Side peer;
        SctpState state = SctpState.NEW;
        final ArrayDeque<SctpEvent> events = new ArrayDeque<>();
        final ArrayDeque<Item> outbox = new ArrayDeque<>();
        final Map<Integer, Long> buffered = new HashMap<>();
        final Set<Integer> resetting = new HashSet<>();
        final List<Sent> sent = new ArrayList<>();
        final List<int[]> resetRequests = new ArrayList<>();
        /** Delivered to this side and not yet consumed. */
        long unconsumed;
        long maxMessage = 16L << 20;
        /** The next this many reset requests of this side are refused by the peer. */
        int refuseResets;

        Side(String name, int outbound, long window) {
            this.name = name;
            this.outbound = outbound;
            this.window = window;
        }

        /** Hands this side a message as if it came from the peer. */
        void inject(int stream, int ppid, byte[] payload, boolean unordered) {
            unconsumed += payload.length;
            events.add(new SctpEvent.Message(stream, ppid, payload, unordered));
        }

        boolean hasEvents() {
            return !events.isEmpty();
        }

        List<Sent> sentWithPpid(int ppid) {
            return sent.stream().filter(s -> s.ppid() == ppid).toList();
        }

        boolean deliverOne() {
            Item it = outbox.peek();
            if (it == null || state != SctpState.CONNECTED) {
                return false;
            }
            if (it.resetIds != null) {
                outbox.poll();
                boolean ok = true;
                if (refuseResets > 0) {
                    refuseResets--;
                    ok = false;
                } else {
                    peer.events.add(new SctpEvent.StreamsResetIncoming(it.resetIds.clone()));
                }
                for (int id : it.resetIds) {
                    resetting.remove(id);
                }
                events.add(new SctpEvent.StreamsResetOutgoing(it.resetIds.clone(), ok));
                return true;
            }
            int len = it.payload.length;
            if (peer.unconsumed > 0 && peer.unconsumed + len > peer.window) {
                return false;
            }
            outbox.poll();
            peer.unconsumed += len;
            peer.events.add(new SctpEvent.Message(it.stream, it.ppid, it.payload, it.unordered));
            long left = buffered.merge(it.stream, -(long) len, Long::sum);
            if (left == 0) {
                buffered.remove(it.stream);
            }
            events.add(new SctpEvent.BufferedAmountDecreased(it.stream, left));
            return true;
        }

        @Override
        public void connect(long nowNanos) {
            if (state == SctpState.NEW) {
                state = SctpState.CONNECTING;
            }
        }

        @Override
        public void handlePacket(long nowNanos, byte[] packet, int offset, int length) {
        }

        @Override
        public void handleTimeout(long nowNanos) {
        }

        @Override
        public SendResult send(int streamId, int ppid, byte[] payload, boolean unordered, Reliability reliability,
                long nowNanos) {
            if (payload.length == 0) {
                throw new AssertionError("an SCTP message cannot be empty");
            }
            if (state != SctpState.CONNECTED) {
                return SendResult.NOT_CONNECTED;
            }
            if (streamId < 0 || streamId >= outbound || resetting.contains(streamId)) {
                return SendResult.BAD_STREAM;
            }
            if (payload.length > maxMessage) {
                return SendResult.TOO_LARGE;
            }
            sent.add(new Sent(streamId, ppid, payload.clone(), unordered, reliability));
            outbox.add(new Item(streamId, ppid, payload.clone(), unordered, null));
            buffered.merge(streamId, (long) payload.length, Long::sum);
            return SendResult.OK;
        }

        @Override
        public void resetStreams(int[] streamIds, long nowNanos) {
            if (state != SctpState.CONNECTED) {
                return;
            }
            for (int id : streamIds) {
                if (!resetting.add(id)) {
                    throw new AssertionError(name + ": stream " + id + " reset twice at once");
                }
            }
            resetRequests.add(streamIds.clone());
            outbox.add(new Item(-1, 0, null, false, streamIds.clone()));
        }

        @Override
        public void shutdown(long nowNanos) {
            close("shutdown", false);
        }

        @Override
        public void abort(String reason, long nowNanos) {
            close(reason, true);
        }

        private void close(String reason, boolean error) {
            if (state == SctpState.CLOSED) {
                return;
            }
            state = SctpState.CLOSED;
            peer.state = SctpState.CLOSED;
            outbox.clear();
            peer.outbox.clear();
            events.add(new SctpEvent.Closed(reason, error));
            peer.events.add(new SctpEvent.Closed(error ? "ABORT received: " + reason : reason, error));
        }

        @Override
        public void consumed(int bytes) {
            if (bytes < 0 || bytes > unconsumed) {
                throw new AssertionError(name + ": consumed " + bytes + " of " + unconsumed + " outstanding");
            }
            unconsumed -= bytes;
        }

        @Override
        public byte[] pollTransmit() {
            return null;
        }

        @Override
        public SctpEvent pollEvent() {
            return events.poll();
        }

        @Override
        public long nextDeadline() {
            return Long.MAX_VALUE;
        }

        @Override
        public SctpState state() {
            return state;
        }

        @Override
        public long bufferedAmount(int streamId) {
            return buffered.getOrDefault(streamId, 0L);
        }

        @Override
        public int maxOutboundStreams() {
            return outbound;
        }

        @Override
        public int maxInboundStreams() {
            return peer.outbound;
        }

        @Override
        public String toString() {
            return "FakeSctp[" + name + ", " + state + ", outbox " + outbox.size() + ", unconsumed " + unconsumed
                    + ", buffered " + buffered + ", resetting " + Arrays.toString(resetting.toArray()) + "]";
        }
    }
}
