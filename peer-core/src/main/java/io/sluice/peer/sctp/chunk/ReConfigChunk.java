package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;
import java.util.List;

/**
 * RE-CONFIG (RFC 6525 §3.1): one or two re-configuration parameters (requests and responses).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Type = 130    |  Chunk Flags  |      Chunk Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                  Re-configuration Parameter                   /
 * \             Re-configuration Parameter (optional)             /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record ReConfigChunk(List<Parameter> parameters) implements Chunk {

    public static ReConfigChunk parse(int flags, ByteReader v) throws MalformedPacketException {
        List<Parameter> params = Parameters.parseAll(v);
        if (params.isEmpty() || params.size() > 2) {
            throw new MalformedPacketException("RE-CONFIG with " + params.size() + " parameters", 0);
        }
        return new ReConfigChunk(List.copyOf(params));
    }

    @Override
    public int type() {
        return ChunkType.RE_CONFIG;
    }

    @Override
    public int length() {
        return 4 + Parameters.length(parameters);
    }

    @Override
    public void writeTo(ByteWriter w) {
        Chunks.header(w, ChunkType.RE_CONFIG, 0, length());
        Parameters.writeAll(w, parameters);
    }
}
