package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/**
 * I-FORWARD-TSN (RFC 8260 §2.3.1).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 194  |  Flags = 0x00 |      Length = Variable        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       New Cumulative TSN                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       Stream Identifier       |          Reserved           |U|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Message Identifier                      |
 * \                              ...                              /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record IForwardTsnChunk(int newCumulativeTsn, int[] streamIds, boolean[] unordered, int[] mids)
        implements Chunk {

    public static IForwardTsnChunk parse(int flags, ByteReader v) throws MalformedPacketException {
        int cum = v.i32();
        if ((v.remaining() % 8) != 0) {
            throw new MalformedPacketException("I-FORWARD-TSN stream list not a multiple of 8", v.position());
        }
        int n = v.remaining() / 8;
        int[] sids = new int[n];
        boolean[] u = new boolean[n];
        int[] mids = new int[n];
        for (int i = 0; i < n; i++) {
            sids[i] = v.u16();
            u[i] = (v.u16() & 1) != 0;
            mids[i] = v.i32();
        }
        return new IForwardTsnChunk(cum, sids, u, mids);
    }

    @Override
    public int type() {
        return ChunkType.I_FORWARD_TSN;
    }

    @Override
    public int length() {
        return 8 + 8 * streamIds.length;
    }

    @Override
    public void writeTo(ByteWriter w) {
        Chunks.header(w, ChunkType.I_FORWARD_TSN, 0, length());
        w.u32(newCumulativeTsn);
        for (int i = 0; i < streamIds.length; i++) {
            w.u16(streamIds[i]).u16(unordered[i] ? 1 : 0).u32(mids[i]);
        }
    }
}
