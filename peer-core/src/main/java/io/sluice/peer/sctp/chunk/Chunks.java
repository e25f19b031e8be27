package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/** Chunk and TLV framing shared by all chunk and parameter classes. */
public final class Chunks {

    private Chunks() {
    }

    /**
     * Parses one chunk, header and padding included. Padding must be present (it may hold anything;
     * RFC 9260 says to ignore it). Unknown types come back as {@link UnknownChunk}.
     */
    public static Chunk parse(ByteReader r) throws MalformedPacketException {
        int start = r.position();
        int type = r.u8();
        int flags = r.u8();
        int length = r.u16();
        if (length < 4) {
            throw new MalformedPacketException("chunk length " + length + " below 4", start);
        }
        ByteReader v = r.slice(length - 4);
        r.skip(padding(length));
        switch (type) {
            case ChunkType.DATA: return DataChunk.parse(flags, v);
            case ChunkType.I_DATA: return IDataChunk.parse(flags, v);
            case ChunkType.INIT: return InitChunk.parse(flags, v);
            case ChunkType.INIT_ACK: return InitAckChunk.parse(flags, v);
            case ChunkType.SACK: return SackChunk.parse(flags, v);
            case ChunkType.HEARTBEAT: return HeartbeatChunk.parse(flags, v);
            case ChunkType.HEARTBEAT_ACK: return HeartbeatAckChunk.parse(flags, v);
            case ChunkType.ABORT: return AbortChunk.parse(flags, v);
            case ChunkType.SHUTDOWN: return ShutdownChunk.parse(flags, v);
            case ChunkType.SHUTDOWN_ACK: return ShutdownAckChunk.parse(flags, v);
            case ChunkType.ERROR: return ErrorChunk.parse(flags, v);
            case ChunkType.COOKIE_ECHO: return CookieEchoChunk.parse(flags, v);
            case ChunkType.COOKIE_ACK: return CookieAckChunk.parse(flags, v);
            case ChunkType.SHUTDOWN_COMPLETE: return ShutdownCompleteChunk.parse(flags, v);
            case ChunkType.RE_CONFIG: return ReConfigChunk.parse(flags, v);
            case ChunkType.FORWARD_TSN: return ForwardTsnChunk.parse(flags, v);
            case ChunkType.I_FORWARD_TSN: return IForwardTsnChunk.parse(flags, v);
            default: return UnknownChunk.parse(type, flags, v);
        }
    }

    public static int padding(int length) {
        return (4 - (length & 3)) & 3;
    }

    static void header(ByteWriter w, int type, int flags, int length) {
        w.u8(type).u8(flags).u16(length);
    }

    static void pad(ByteWriter w, int length) {
        int p = padding(length);
        if (p > 0) {
            w.zeros(p);
        }
    }

    static void expectEnd(ByteReader v, String what) throws MalformedPacketException {
        if (v.hasRemaining()) {
            throw new MalformedPacketException(what + ": " + v.remaining() + " trailing bytes", v.position());
        }
    }

    static void expectLength(ByteReader v, int n, String what) throws MalformedPacketException {
        if (v.remaining() != n) {
            throw new MalformedPacketException(what + ": value length " + v.remaining() + ", expected " + n, 0);
        }
    }
}
