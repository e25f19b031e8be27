package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/**
 * HEARTBEAT-ACK (RFC 9260 §3.3.6): the Heartbeat Info of the HEARTBEAT, echoed.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 5    | Chunk  Flags  |      Heartbeat Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \            Heartbeat Information TLV (Variable-Length)        /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record HeartbeatAckChunk(byte[] info) implements Chunk {

    public static HeartbeatAckChunk parse(int flags, ByteReader v) throws MalformedPacketException {
        int type = v.u16();
        int length = v.u16();
        if (type != Parameter.HEARTBEAT_INFO || length < 4) {
            throw new MalformedPacketException("HeartbeatAckChunk without Heartbeat Info", 0);
        }
        byte[] info = v.bytes(length - 4);
        // The parameter's padding may sit inside the chunk value or be left to the chunk's padding.
        if (v.remaining() > 0 && v.remaining() != Chunks.padding(length)) {
            throw new MalformedPacketException("HeartbeatAckChunk: trailing bytes", v.position());
        }
        return new HeartbeatAckChunk(info);
    }

    @Override
    public int type() {
        return ChunkType.HEARTBEAT_ACK;
    }

    @Override
    public int length() {
        return 8 + info.length;
    }

    @Override
    public void writeTo(ByteWriter w) {
        Chunks.header(w, ChunkType.HEARTBEAT_ACK, 0, length());
        w.u16(Parameter.HEARTBEAT_INFO).u16(4 + info.length).bytes(info);
        Chunks.pad(w, length());
    }
}
