package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/**
 * SHUTDOWN-ACK (RFC 9260 §3.3.9): a header alone.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 8    | Chunk  Flags  |          Length = 4           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record ShutdownAckChunk() implements Chunk {

    public static ShutdownAckChunk parse(int flags, ByteReader v) throws MalformedPacketException {
        Chunks.expectLength(v, 0, "ShutdownAckChunk");
        return new ShutdownAckChunk();
    }

    @Override
    public int type() {
        return ChunkType.SHUTDOWN_ACK;
    }

    @Override
    public int length() {
        return 4;
    }

    @Override
    public void writeTo(ByteWriter w) {
        Chunks.header(w, ChunkType.SHUTDOWN_ACK, 0, 4);
    }
}
