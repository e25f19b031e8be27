package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/**
 * SHUTDOWN-COMPLETE (RFC 9260 §3.3.13). T set: the verification tag is the receiver's own, reflected.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 14   |  Reserved   |T|          Length = 4           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record ShutdownCompleteChunk(boolean tBit) implements Chunk {

    public static ShutdownCompleteChunk parse(int flags, ByteReader v) throws MalformedPacketException {
        Chunks.expectLength(v, 0, "SHUTDOWN-COMPLETE");
        return new ShutdownCompleteChunk((flags & 1) != 0);
    }

    @Override
    public int type() {
        return ChunkType.SHUTDOWN_COMPLETE;
    }

    @Override
    public int length() {
        return 4;
    }

    @Override
    public void writeTo(ByteWriter w) {
        Chunks.header(w, ChunkType.SHUTDOWN_COMPLETE, tBit ? 1 : 0, 4);
    }
}
