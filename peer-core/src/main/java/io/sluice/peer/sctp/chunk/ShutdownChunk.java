package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/**
 * SHUTDOWN (RFC 9260 §3.3.8).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 7    | Chunk  Flags  |          Length = 8           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Cumulative TSN Ack                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record ShutdownChunk(int cumulativeTsnAck) implements Chunk {

    public static ShutdownChunk parse(int flags, ByteReader v) throws MalformedPacketException {
        Chunks.expectLength(v, 4, "SHUTDOWN");
        return new ShutdownChunk(v.i32());
    }

    @Override
    public int type() {
        return ChunkType.SHUTDOWN;
    }

    @Override
    public int length() {
        return 8;
    }

    @Override
    public void writeTo(ByteWriter w) {
        Chunks.header(w, ChunkType.SHUTDOWN, 0, 8);
        w.u32(cumulativeTsnAck);
    }
}
