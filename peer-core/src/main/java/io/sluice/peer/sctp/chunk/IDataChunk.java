package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/**
 * I-DATA (RFC 8260 §2.1): DATA with a 32-bit message identifier, so fragments of different messages
 * may interleave.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 64   |  Res  |I|U|B|E|       Length = Variable       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              TSN                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Stream Identifier      |           Reserved            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Message Identifier                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Payload Protocol Identifier / Fragment Sequence Number     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                           User Data                           /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The first fragment (B set) carries the PPID and has FSN 0; the others carry their FSN.
 */
public record IDataChunk(int tsn, int streamId, int mid, int ppid, int fsn, byte[] payload,
        boolean unordered, boolean beginning, boolean end, boolean immediate) implements Chunk {

    public static final int HEADER_LENGTH = 20;

    public static IDataChunk parse(int flags, ByteReader v) throws MalformedPacketException {
        int tsn = v.i32();
        int sid = v.u16();
        v.skip(2);
        int mid = v.i32();
        int ppidOrFsn = v.i32();
        if (!v.hasRemaining()) {
            throw new MalformedPacketException("I-DATA without user data", v.position());
        }
        byte[] payload = v.bytes(v.remaining());
        boolean b = (flags & DataChunk.FLAG_BEGINNING) != 0;
        return new IDataChunk(tsn, sid, mid, b ? ppidOrFsn : 0, b ? 0 : ppidOrFsn, payload,
                (flags & DataChunk.FLAG_UNORDERED) != 0, b, (flags & DataChunk.FLAG_END) != 0,
                (flags & DataChunk.FLAG_IMMEDIATE) != 0);
    }

    /** Writes an I-DATA chunk straight from a slice of a message. */
    public static void write(ByteWriter w, int flags, int tsn, int sid, int mid, int ppidOrFsn,
            byte[] data, int off, int len) {
        int length = HEADER_LENGTH + len;
        Chunks.header(w, ChunkType.I_DATA, flags, length);
        w.u32(tsn).u16(sid).u16(0).u32(mid).u32(ppidOrFsn).bytes(data, off, len);
        Chunks.pad(w, length);
    }

    @Override
    public int type() {
        return ChunkType.I_DATA;
    }

    @Override
    public int length() {
        return HEADER_LENGTH + payload.length;
    }

    @Override
    public void writeTo(ByteWriter w) {
        write(w, DataChunk.flags(unordered, beginning, end, immediate), tsn, streamId, mid, beginning ? ppid : fsn,
                payload, 0, payload.length);
    }

    @Override
    public String toString() {
        return "I-DATA[tsn=" + Integer.toUnsignedString(tsn) + " sid=" + streamId + " mid=" + mid + " fsn=" + fsn
                + " len=" + payload.length + (unordered ? " U" : "") + (beginning ? " B" : "") + (end ? " E" : "") + "]";
    }
}
