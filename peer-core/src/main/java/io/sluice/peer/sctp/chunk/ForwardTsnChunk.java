package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/**
 * FORWARD-TSN (RFC 3758 §3.2).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 192  |  Flags = 0x00 |        Length = Variable      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      New Cumulative TSN                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Stream-1              |       Stream Sequence-1       |
 * \                              ...                              /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record ForwardTsnChunk(int newCumulativeTsn, int[] streamIds, int[] ssns) implements Chunk {

    public static ForwardTsnChunk parse(int flags, ByteReader v) throws MalformedPacketException {
        int cum = v.i32();
        if ((v.remaining() & 3) != 0) {
            throw new MalformedPacketException("FORWARD-TSN stream list not a multiple of 4", v.position());
        }
        int n = v.remaining() / 4;
        int[] sids = new int[n];
        int[] ssns = new int[n];
        for (int i = 0; i < n; i++) {
            sids[i] = v.u16();
            ssns[i] = v.u16();
        }
        return new ForwardTsnChunk(cum, sids, ssns);
    }

    @Override
    public int type() {
        return ChunkType.FORWARD_TSN;
    }

    @Override
    public int length() {
        return 8 + 4 * streamIds.length;
    }

    @Override
    public void writeTo(ByteWriter w) {
        Chunks.header(w, ChunkType.FORWARD_TSN, 0, length());
        w.u32(newCumulativeTsn);
        for (int i = 0; i < streamIds.length; i++) {
            w.u16(streamIds[i]).u16(ssns[i]);
        }
    }
}
