package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/**
 * A chunk type this codec does not know. The upper two bits of the type say what a receiver does
 * (RFC 9260 §3.2): 00 stop processing the packet, 01 stop and report, 10 skip, 11 skip and report
 * (with an Unrecognized Chunk Type cause in an ERROR chunk).
 */
public record UnknownChunk(int type, int flags, byte[] value) implements Chunk {

    public static UnknownChunk parse(int type, int flags, ByteReader v) throws MalformedPacketException {
        return new UnknownChunk(type, flags, v.bytes(v.remaining()));
    }

    public boolean stopProcessing() {
        return (type & 0x80) == 0;
    }

    public boolean report() {
        return (type & 0x40) != 0;
    }

    /** The chunk as it came, header included, for an Unrecognized Chunk Type cause. */
    public byte[] encoded() {
        ByteWriter w = new ByteWriter(length());
        w.u8(type).u8(flags).u16(length()).bytes(value);
        return w.toByteArray();
    }

    @Override
    public int length() {
        return 4 + value.length;
    }

    @Override
    public void writeTo(ByteWriter w) {
        Chunks.header(w, type, flags, length());
        w.bytes(value);
        Chunks.pad(w, length());
    }
}
