package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;
import java.util.List;

/**
 * INIT (RFC 9260 §3.3.2).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 1    |  Chunk Flags  |      Chunk Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Initiate Tag                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Advertised Receiver Window Credit (a_rwnd)          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Number of Outbound Streams   |   Number of Inbound Streams   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Initial TSN                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \              Optional/Variable-Length Parameters              /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Field validity (zero tag, zero streams) is the association's business: it answers with ABORT.
 */
public record InitChunk(int initiateTag, long aRwnd, int outboundStreams, int inboundStreams, int initialTsn,
        List<Parameter> parameters) implements Chunk {

    public static InitChunk parse(int flags, ByteReader v) throws MalformedPacketException {
        InitFields f = InitFields.parse(v);
        return new InitChunk(f.initiateTag(), f.aRwnd(), f.outboundStreams(), f.inboundStreams(), f.initialTsn(),
                f.parameters());
    }

    public InitFields fields() {
        return new InitFields(initiateTag, aRwnd, outboundStreams, inboundStreams, initialTsn, parameters);
    }

    @Override
    public int type() {
        return ChunkType.INIT;
    }

    @Override
    public int length() {
        return 4 + InitFields.FIXED + Parameters.length(parameters);
    }

    @Override
    public void writeTo(ByteWriter w) {
        Chunks.header(w, ChunkType.INIT, 0, length());
        fields().writeTo(w);
    }
}
