package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/**
 * COOKIE-ACK (RFC 9260 §3.3.12): a header alone.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 11    | Chunk  Flags  |          Length = 4           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record CookieAckChunk() implements Chunk {

    public static CookieAckChunk parse(int flags, ByteReader v) throws MalformedPacketException {
        Chunks.expectLength(v, 0, "CookieAckChunk");
        return new CookieAckChunk();
    }

    @Override
    public int type() {
        return ChunkType.COOKIE_ACK;
    }

    @Override
    public int length() {
        return 4;
    }

    @Override
    public void writeTo(ByteWriter w) {
        Chunks.header(w, ChunkType.COOKIE_ACK, 0, 4);
    }
}
