package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/**
 * SACK (RFC 9260 §3.3.4).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 3    |Chunk  Flags   |      Chunk Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Cumulative TSN Ack                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Advertised Receiver Window Credit (a_rwnd)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Number of Gap Ack Blocks = N  |  Number of Duplicate TSNs = M |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Gap Ack Block #1 Start     |   Gap Ack Block #1 End        |
 * /                              ...                              /
 * |                       Duplicate TSN 1..M                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Gap blocks are kept as offsets from the cumulative TSN: {@code gaps[2i]} start, {@code gaps[2i+1]} end.
 * The counts must match the length exactly.
 */
public record SackChunk(int cumulativeTsnAck, long aRwnd, int[] gaps, int[] duplicateTsns) implements Chunk {

    public static SackChunk parse(int flags, ByteReader v) throws MalformedPacketException {
        int cum = v.i32();
        long rwnd = v.u32();
        int n = v.u16();
        int m = v.u16();
        if (v.remaining() != 4 * n + 4 * m) {
            throw new MalformedPacketException("SACK length does not match " + n + " gaps and " + m + " duplicates",
                    v.position());
        }
        int[] gaps = new int[2 * n];
        for (int i = 0; i < gaps.length; i++) {
            gaps[i] = v.u16();
        }
        int[] dups = new int[m];
        for (int i = 0; i < m; i++) {
            dups[i] = v.i32();
        }
        return new SackChunk(cum, rwnd, gaps, dups);
    }

    public int gapCount() {
        return gaps.length / 2;
    }

    @Override
    public int type() {
        return ChunkType.SACK;
    }

    @Override
    public int length() {
        return 16 + 2 * gaps.length + 4 * duplicateTsns.length;
    }

    @Override
    public void writeTo(ByteWriter w) {
        Chunks.header(w, ChunkType.SACK, 0, length());
        w.u32(cumulativeTsnAck).u32(aRwnd).u16(gaps.length / 2).u16(duplicateTsns.length);
        for (int g : gaps) {
            w.u16(g);
        }
        for (int d : duplicateTsns) {
            w.u32(d);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SACK[cum=").append(Integer.toUnsignedString(cumulativeTsnAck))
                .append(" a_rwnd=").append(aRwnd);
        for (int i = 0; i + 1 < gaps.length; i += 2) {
            sb.append(" gap=").append(gaps[i]).append('-').append(gaps[i + 1]);
        }
        return sb.append(" dups=").append(duplicateTsns.length).append(']').toString();
    }
}
