package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;
import java.util.List;

/**
 * ERROR (RFC 9260 §3.3.10): one or more error causes, not fatal to the association.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 9    | Chunk  Flags  |           Length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                    One or more Error Causes                   /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record ErrorChunk(List<ErrorCause> causes) implements Chunk {

    public static ErrorChunk parse(int flags, ByteReader v) throws MalformedPacketException {
        return new ErrorChunk(List.copyOf(ErrorCause.parseAll(v)));
    }

    @Override
    public int type() {
        return ChunkType.ERROR;
    }

    @Override
    public int length() {
        return 4 + ErrorCause.length(causes);
    }

    @Override
    public void writeTo(ByteWriter w) {
        Chunks.header(w, ChunkType.ERROR, 0, length());
        ErrorCause.writeAll(w, causes);
        Chunks.pad(w, length());
    }
}
