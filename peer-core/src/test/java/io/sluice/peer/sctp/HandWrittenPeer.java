package io.sluice.peer.sctp;

import io.sluice.peer.sctp.SctpCore.Reliability;
import io.sluice.peer.sctp.chunk.AbortChunk;
import io.sluice.peer.sctp.chunk.Chunk;
import io.sluice.peer.sctp.chunk.DataChunk;
import io.sluice.peer.sctp.chunk.IDataChunk;
import io.sluice.peer.sctp.chunk.SctpPacket;
import io.sluice.peer.sim.SimLink;
import io.sluice.peer.wire.MalformedPacketException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A peer that writes its chunks by hand: association A of a connected pair sends one real message
 * (which tells us its verification tag and next TSN), then the test feeds B whatever chunks it
 * likes, bundled into full packets, straight into {@link SctpAssociation#handlePacket}. B's
 * messages are counted and consumed (not kept), its packets read for an ABORT and dropped.
 */
final class HandWrittenPeer {

    final SctpPair pair;
    final SctpAssociation b;
    private final SctpPacket template;
    private final int mtu;
    /** The TSN after the probe's: the first one the test's chunks may use. */
    final int nextTsn;
    long messages;
    long messageBytes;
    /** The ABORT B sent, if any. */
    AbortChunk abortSent;
    SctpEvent.Closed closed;

    HandWrittenPeer(long seed, SctpOptions bOptions) {
        SctpOptions aOptions = SctpOptions.defaults().withInterleaving(bOptions.enableInterleaving());
        pair = new SctpPair(seed, aOptions, bOptions, SimLink.delay(SctpPair.MS), SimLink.delay(SctpPair.MS)).connect();
        b = pair.b.assoc;
        mtu = bOptions.mtu();
        pair.b.drainEvents();
        pair.a.assoc.send(0, 51, new byte[] {1}, false, Reliability.RELIABLE, pair.now());
        byte[] probe = pair.a.pollTransmit();
        try {
            template = SctpPacket.parse(probe, 0, probe.length);
        } catch (MalformedPacketException e) {
            throw new AssertionError(e);
        }
        Chunk first = template.chunks().get(0);
        int tsn = first instanceof DataChunk ? ((DataChunk) first).tsn() : ((IDataChunk) first).tsn();
        nextTsn = tsn + 1;
        deliver(probe);
    }

    /** Sends {@code count} chunks, {@code chunkAt(i)} for i in 0..count-1, in packets as full as the MTU allows. */
    void send(int count, IntFunction<Chunk> chunkAt) {
        List<Chunk> packet = new ArrayList<>();
        int size = SctpPacket.HEADER_LENGTH;
        for (int i = 0; i < count && closed == null; i++) {
            Chunk c = chunkAt.apply(i);
            if (!packet.isEmpty() && size + c.paddedLength() > mtu) {
                flush(packet);
                packet = new ArrayList<>();
                size = SctpPacket.HEADER_LENGTH;
            }
            packet.add(c);
            size += c.paddedLength();
        }
        if (!packet.isEmpty() && closed == null) {
            flush(packet);
        }
    }

    void send(Chunk... chunks) {
        send(chunks.length, i -> chunks[i]);
    }

    private void flush(List<Chunk> chunks) {
        deliver(new SctpPacket(template.sourcePort(), template.destinationPort(), template.verificationTag(), chunks)
                .encode());
    }

    private void deliver(byte[] pkt) {
        b.handlePacket(pair.now(), pkt, 0, pkt.length);
        SctpEvent e;
        while ((e = b.pollEvent()) != null) {
            if (e instanceof SctpEvent.Message) {
                int n = ((SctpEvent.Message) e).payload().length;
                messages++;
                messageBytes += n;
                b.consumed(n);
            } else if (e instanceof SctpEvent.Closed) {
                closed = (SctpEvent.Closed) e;
            }
        }
        byte[] out;
        while ((out = b.pollTransmit()) != null) {
            try {
                for (Chunk c : SctpPacket.parse(out, 0, out.length).chunks()) {
                    if (c instanceof AbortChunk) {
                        abortSent = (AbortChunk) c;
                    }
                }
            } catch (MalformedPacketException e2) {
                throw new AssertionError("B sent a packet it cannot parse", e2);
            }
        }
    }

    /** Window bytes B has taken: a_rwnd as configured minus what it would advertise now. */
    long windowUsed() {
        return b.options().receiveWindow() - b.stats().advertisedRwnd();
    }
}
