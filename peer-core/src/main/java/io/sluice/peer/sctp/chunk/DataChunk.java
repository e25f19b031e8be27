package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/**
 * DATA (RFC 9260 §3.3.1).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 0    |  Res  |I|U|B|E|           Length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              TSN                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Stream Identifier S      |   Stream Sequence Number n    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Payload Protocol Identifier                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                 User Data (seq n of Stream S)                 /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * An empty payload is a protocol violation (§6.2) and fails to parse.
 */
public record DataChunk(int tsn, int streamId, int ssn, int ppid, byte[] payload,
        boolean unordered, boolean beginning, boolean end, boolean immediate) implements Chunk {

    public static final int HEADER_LENGTH = 16;
    public static final int FLAG_END = 1;
    public static final int FLAG_BEGINNING = 2;
    public static final int FLAG_UNORDERED = 4;
    public static final int FLAG_IMMEDIATE = 8;

    public static DataChunk parse(int flags, ByteReader v) throws MalformedPacketException {
        int tsn = v.i32();
        int sid = v.u16();
        int ssn = v.u16();
        int ppid = v.i32();
        if (!v.hasRemaining()) {
            throw new MalformedPacketException("DATA without user data", v.position());
        }
        byte[] payload = v.bytes(v.remaining());
        return new DataChunk(tsn, sid, ssn, ppid, payload, (flags & FLAG_UNORDERED) != 0,
                (flags & FLAG_BEGINNING) != 0, (flags & FLAG_END) != 0, (flags & FLAG_IMMEDIATE) != 0);
    }

    public static int flags(boolean unordered, boolean beginning, boolean end, boolean immediate) {
        return (unordered ? FLAG_UNORDERED : 0) | (beginning ? FLAG_BEGINNING : 0) | (end ? FLAG_END : 0)
                | (immediate ? FLAG_IMMEDIATE : 0);
    }

    /** Writes a DATA chunk straight from a slice of a message, without building a record. */
    public static void write(ByteWriter w, int flags, int tsn, int sid, int ssn, int ppid, byte[] data, int off, int len) {
        int length = HEADER_LENGTH + len;
        Chunks.header(w, ChunkType.DATA, flags, length);
        w.u32(tsn).u16(sid).u16(ssn).u32(ppid).bytes(data, off, len);
        Chunks.pad(w, length);
    }

    @Override
    public int type() {
        return ChunkType.DATA;
    }

    @Override
    public int length() {
        return HEADER_LENGTH + payload.length;
    }

    @Override
    public void writeTo(ByteWriter w) {
        write(w, flags(unordered, beginning, end, immediate), tsn, streamId, ssn, ppid, payload, 0, payload.length);
    }

    @Override
    public String toString() {
        return "DATA[tsn=" + Integer.toUnsignedString(tsn) + " sid=" + streamId + " ssn=" + ssn + " ppid=" + ppid
                + " len=" + payload.length + (unordered ? " U" : "") + (beginning ? " B" : "") + (end ? " E" : "") + "]";
    }
}
