package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/**
 * COOKIE-ECHO (RFC 9260 §3.3.11): the state cookie of the INIT-ACK, verbatim.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 10   |Chunk  Flags   |         Length                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                     Cookie                                    /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record CookieEchoChunk(byte[] cookie) implements Chunk {

    public static CookieEchoChunk parse(int flags, ByteReader v) throws MalformedPacketException {
        return new CookieEchoChunk(v.bytes(v.remaining()));
    }

    @Override
    public int type() {
        return ChunkType.COOKIE_ECHO;
    }

    @Override
    public int length() {
        return 4 + cookie.length;
    }

    @Override
    public void writeTo(ByteWriter w) {
        Chunks.header(w, ChunkType.COOKIE_ECHO, 0, length());
        w.bytes(cookie);
        Chunks.pad(w, length());
    }
}
