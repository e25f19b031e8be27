package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;
import java.util.List;

/**
 * ABORT (RFC 9260 §3.3.7). T set: the verification tag is the receiver's own tag reflected.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 6    |  Reserved   |T|            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \               Zero or more Error Causes                       /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record AbortChunk(boolean tBit, List<ErrorCause> causes) implements Chunk {

    public static AbortChunk parse(int flags, ByteReader v) throws MalformedPacketException {
        return new AbortChunk((flags & 1) != 0, List.copyOf(ErrorCause.parseAll(v)));
    }

    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (ErrorCause c : causes) {
            sb.append(sb.length() == 0 ? "" : "; ").append(c.describe());
        }
        return sb.length() == 0 ? "no cause" : sb.toString();
    }

    @Override
    public int type() {
        return ChunkType.ABORT;
    }

    @Override
    public int length() {
        return 4 + ErrorCause.length(causes);
    }

    @Override
    public void writeTo(ByteWriter w) {
        Chunks.header(w, ChunkType.ABORT, tBit ? 1 : 0, length());
        ErrorCause.writeAll(w, causes);
        Chunks.pad(w, length());
    }
}
